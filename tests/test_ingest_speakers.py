"""Interviewer / interviewee: option > front matter > role labels > question heuristic."""
from __future__ import annotations

from synth.ingest import load_transcript
from synth.ingest.build import RawTurn
from synth.ingest.speakers import assign, question_scores

CALL = (
    "Kim Ito: Thanks for joining. How do you deploy today?\n"
    "Lou Berg: Mostly by hand. It takes a whole afternoon.\n"
    "Kim Ito: Why by hand?\n"
    "Lou Berg: We never had time to automate it. Sorry, can you repeat the last part?\n"
    "Kim Ito: Who would sign off on a tool for this?\n"
    "Lou Berg: Our CTO, Ama Ofori.\n"
    "Ama Ofori: Yes, that's me, I joined late.\n"
)


def load(tmp_path, body=CALL, name="call.txt", **kw):
    f = tmp_path / name
    f.write_text(body, encoding="utf-8")
    return load_transcript(f, **kw)


def test_heuristic_picks_the_speaker_asking_questions(tmp_path):
    t = load(tmp_path)
    assert t.interviewers == ["Kim Ito"] and t.interviewer_source == "heuristic"
    assert t.interviewee == "Lou Berg"  # most words among the others
    assert [u.is_interviewer for u in t.turns] == [True, False, True, False, True, False, False]


def test_heuristic_is_not_fooled_by_one_clarifying_question():
    turns = [RawTurn("R", "Can you repeat that?")] + [
        RawTurn(s, x) for s, x in [("I", "Why now?"), ("R", "Audit."), ("I", "And cost?"), ("R", "High."),
                                   ("I", "Who decides?"), ("I", "Okay, thanks.")]]
    assert question_scores(turns)["R"] == (1 / 4, 1)
    assert assign(turns).interviewers == ["I"]


def test_option_overrides_everything_and_is_case_insensitive(tmp_path):
    t = load(tmp_path, interviewer=["lou berg"])
    assert t.interviewers == ["Lou Berg"] and t.interviewer_source == "option"
    assert t.interviewee == "Kim Ito"
    t = load(tmp_path, interviewer="Kim")  # a first name matches "Kim Ito"
    assert t.interviewers == ["Kim Ito"] and t.interviewer_source == "option"


def test_option_naming_nobody_warns_and_falls_back(tmp_path):
    t = load(tmp_path, interviewer=["Zed"])
    assert t.interviewer_source == "heuristic" and t.interviewers == ["Kim Ito"]
    assert any("'Zed' matches no speaker" in w for w in t.warnings)


def test_front_matter_interviewer_and_interviewee(tmp_path):
    t = load(tmp_path, "---\ninterviewer: Lou Berg, Ama Ofori\ninterviewee: kim ito\n---\n" + CALL, "c.md")
    assert t.interviewers == ["Lou Berg", "Ama Ofori"] and t.interviewer_source == "front_matter"
    assert t.interviewee == "Kim Ito"
    t = load(tmp_path, "---\ninterviewer: Lou Berg\n---\n" + CALL, "c.md", interviewer=["Kim Ito"])
    assert t.interviewer_source == "option"


def test_role_labels(tmp_path):
    t = load(tmp_path, "Q: What hurts?\nA: Flaky tests.\nQ: How often?\nA: Daily.\n")
    assert t.interviewers == ["Q"] and t.interviewer_source == "labels" and t.interviewee == "A"
    t = load(tmp_path, "M: Tell me more.\nP: We churned off Vendor X?\n")  # labels beat the heuristic
    assert t.interviewers == ["M"] and t.interviewer_source == "labels"


def test_single_speaker_has_no_interviewer(tmp_path):
    t = load(tmp_path, "Lou Berg: Why do we even do this? I don't know?\n")
    assert t.interviewers == [] and t.interviewer_source == "none" and t.interviewee == "Lou Berg"


def test_nobody_asks_questions(tmp_path):
    t = load(tmp_path, "Kim: Hello.\nLou: Hi.\n")
    assert t.interviewers == [] and t.interviewer_source == "none"
