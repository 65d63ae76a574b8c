"""Roles inferred from what a reader of the file would use (synth/ingest/roles.py, talk.py): the hosts
of a show, its guest named in the title or introduced, co-hosts who interview without asking much,
a guest among `Speaker N` labels found by who answers to the guest's name."""
from __future__ import annotations

import inspect
from pathlib import Path

import yaml

from synth.ingest import load_transcript
from synth.ingest import roles as roles_mod
from synth.ingest.talk import answerer, introductions, title_names

PANEL = (
    "**Jo Park:** Hello and welcome to Build Party, the show about shipping software. I'm Jo, and I'm joined by "
    "my co-hosts Nick Nisi and Amal Ray. And our special guest today is Dana Lee. Dana, welcome to the show.\n\n"
    "**Dana Lee:** Thanks for having me. I run the platform team at a logistics company, about forty engineers, "
    "and we rebuilt our deploy pipeline last year after two outages in one quarter.\n\n"
    "**Nick Nisi:** Two outages in a quarter is rough. We had something similar at my last job, a whole weekend "
    "lost to a bad config push.\n\n"
    "**Dana Lee:** It was rough. The worst part was nobody could tell which change broke it, so we spent hours "
    "reading diffs before anyone rolled back. That is what pushed us to rebuild.\n\n"
    "**Amal Ray:** I love that you started from the pain and not from the tool. That is usually the other way "
    "around in my experience.\n\n"
    "**Dana Lee:** Right, we wrote down the three things that hurt most and only then looked at vendors. The "
    "first one was that a rollback took forty minutes because it went through the whole pipeline again.\n\n"
    "**Jo Park:** And the other two?\n\n"
    "**Dana Lee:** Flaky integration tests that blocked every merge, and no record of who approved what. Our "
    "auditors asked for that twice and we had to rebuild it from chat logs by hand.\n\n"
    "**Nick Nisi:** Chat-log archaeology, my favourite hobby. I have done that for an auditor too, never again.\n\n"
    "**Dana Lee:** Exactly, and it took two people most of a week each time, which is why approvals moved "
    "into the pipeline itself.\n\n"
    "**Amal Ray:** That is a great point to pause on for a second before we get into the tools you chose.\n\n"
)


def _write(tmp_path: Path, name: str, body: str) -> Path:
    f = tmp_path / name
    f.write_text(body, encoding="utf-8")
    return f


def test_co_hosts_of_a_panel_show_interview_even_when_they_rarely_ask(tmp_path):
    t = load_transcript(_write(tmp_path, "build-party-41.md", PANEL))
    assert t.speaker_roles == {"Jo Park": "interviewer", "Dana Lee": "interviewee", "Nick Nisi": "interviewer",
                               "Amal Ray": "interviewer"}
    assert t.interviewee == "Dana Lee" and t.role_confidence >= 0.8
    assert [u.is_interviewer for u in t.turns if u.speaker == "Dana Lee"] == [False] * 5


def test_introductions_tell_co_hosts_from_the_guest():
    class T:
        def __init__(self, s, x):
            self.speaker, self.text = s, x
    guests, cohosts = introductions([T("Jo", PANEL.split("\n\n")[0])])
    assert [n for _, n in guests] == ["Dana Lee", "Dana"]
    assert [n for _, n in cohosts] == ["Nick Nisi", "Amal Ray"]


SPARC = (
    "[Speaker 1] [00:03] Adam, can you hear me?\n"
    "[Speaker 2] [00:06] I can hear you. This is Adam.\n"
    "[Speaker 1] [00:09] Great. And I see Tom is here. Hey, Tom. How did you end up working on the first workstation?\n"
    "[Speaker 3] [00:15] Well, I joined in eighty-four, when the company was maybe two hundred people, and the first "
    "board I touched was the memory controller. Nobody else wanted it.\n"
    "[Speaker 2] [00:31] That sounds like every first job I ever had, honestly. You get the part nobody wants.\n"
    "[Speaker 3] [00:35] It was, but it taught me the whole machine, because the memory touches everything.\n"
    "[Speaker 1] [00:41] So, Tom, what was the hardest bug on that board?\n"
    "[Speaker 3] [00:44] A timing problem that only showed up when the room got warm in the afternoon. We chased "
    "it for three weeks with a scope before someone noticed the air conditioning schedule.\n"
    "[Speaker 4] [00:58] Hey there, sorry, I just joined. Love this story.\n"
    "[Speaker 2] [01:01] The air conditioning. Of course it was the air conditioning. It always is.\n"
    "[Speaker 1] [01:05] Tom, did that change how you tested boards afterwards?\n"
    "[Speaker 3] [01:09] Completely. After that every board went through a heat soak before it shipped.\n"
)


def test_guest_named_in_the_file_name_is_whoever_answers_to_the_name(tmp_path):
    t = load_transcript(_write(tmp_path, "A Requiem for SPARC with Tom Lyon_transcript.txt", SPARC))
    assert t.speaker_roles["Speaker 3"] == "interviewee"
    assert t.speaker_roles["Speaker 1"] == t.speaker_roles["Speaker 2"] == "interviewer"
    assert t.speaker_roles["Speaker 4"] == "interviewee"  # one audience remark: not a co-host
    assert t.interviewee == "Speaker 3"


def test_answerer_needs_a_clear_majority():
    class T:
        def __init__(self, s, x):
            self.speaker, self.text = s, x
    turns = [T("A", "Tom, what happened?"), T("B", "It broke."), T("A", "Hey, Tom. And then?"), T("C", "Hm."),
             T("A", "So, Tom, why?"), T("B", "Heat.")]
    assert answerer(turns, ["A", "B", "C"], "Tom Lyon") == "B"
    assert answerer(turns[:4], ["A", "B", "C"], "Tom Lyon") is None  # one vote each
    assert title_names(["A Requiem for SPARC with Tom Lyon"]) == ["Tom Lyon"]


def test_decide_states_its_keyword_arguments_once():
    src = inspect.getsource(roles_mod)
    assert src.count("fm_interviewee: Optional[str] = None") == 1
    assert list(inspect.signature(roles_mod.decide).parameters)[1:] == [
        "option", "fm_interviewer", "fm_interviewee", "roles", "known", "corrections", "hints", "names", "hosts", "titles"]



def test_close_call_goes_to_who_opens_in_short_turns(tmp_path):
    body = ("Ann: Thanks for making time. Tell me about the last release.\n"
            "Bo: It slipped two weeks. Honestly, who plans for a vendor outage in the middle of a freeze? We did "
            "not, and the whole team paid for it with weekends, which is not something I want to repeat.\n"
            "Ann: What happened then?\n"
            "Bo: We moved the billing service off that vendor, which took a month of one engineer, and we wrote "
            "a runbook nobody has read since. Why would they, when it only matters once a year?\n"
            "Ann: Who decided to move it?\n"
            "Bo: Our CTO, after the second outage. She had been asking for a plan for a while, to be fair, and "
            "we kept pushing it back because the roadmap was full of features sales had promised.\n"
            "Ann: Okay, thanks.\n")
    t = load_transcript(_write(tmp_path, "call.txt", body))
    assert t.interviewers == ["Ann"] and t.interviewee == "Bo"


def test_low_confidence_warning_names_the_file_labels_and_fix(tmp_path):
    body = "Kim: We ship weekly.\nLou: We ship daily.\nKim: Fine.\nLou: Sure.\n"
    t = load_transcript(_write(tmp_path, "standup notes.txt", body))
    assert t.role_confidence < roles_mod.LOW_CONFIDENCE
    w = next(w for w in t.warnings if "unsure who the interviewer is" in w)
    assert "Kim (0 questions in 2 turns)" in w and "synth speakers 'standup notes.txt' --interviewer LABEL" in w


def test_a_guest_nobody_names_is_the_voice_that_carries_the_talk(tmp_path):
    long = ("We started with a spreadsheet, then a cron job, then a small service that nobody owned, and every "
            "quarter someone rewrote part of it because the old part broke in a new way that nobody expected.")
    body = "\n\n".join([
        "**Kai:** Okay, we are recording. Good to have everyone here again this week.",
        "**Rue:** Hey hey. Happy to be here, it has been a long week.",
        f"**Sam Ortiz:** Thanks. {long}",
        "**Rue:** Oh, that sounds painful. We had the same kind of thing.",
        f"**Sam Ortiz:** It was. {long}",
        "**Kai:** Wait, so how did it end?",
        f"**Sam Ortiz:** Badly, at first. {long}",
        "**Rue:** Classic. That is every internal tool I have ever seen.",
        f"**Sam Ortiz:** Then we fixed it. {long}",
    ]) + "\n"
    t = load_transcript(_write(tmp_path, "episode-7.md", body))
    assert t.speaker_roles == {"Kai": "interviewer", "Rue": "interviewer", "Sam Ortiz": "interviewee"}


def test_two_people_are_never_both_interviewers(tmp_path):
    body = ("Ann: So, what do you use today?\nBo: Jira? Mostly. Why?\nAnn: And before that?\n"
            "Bo: Trello? For a year or so. Does that matter?\nAnn: It does. Who chose it?\nBo: Me.\n")
    t = load_transcript(_write(tmp_path, "call.txt", body))
    assert t.interviewers == ["Ann"] and t.speaker_roles["Bo"] == "interviewee"


def test_a_guest_the_title_names_is_not_a_co_host_for_answering_the_welcome_with_their_name(tmp_path):
    body = ("Jonas Rosland  0:00\nHello everyone and welcome to another interview here at Hit Save. My name is "
            "Jonas Rosland, and today I have with me,\n\n"
            "Jack Breen  0:09\nHi everyone. I'm Jack Breen, and I'm making GigaSword.\n\n"
            "Jonas Rosland  0:14\nAwesome. How many people are on the team?\n\n"
            "Jack Breen  0:18\nIt is actually just me. The studio became an official company two weeks before the "
            "Kickstarter launched, because I had to wait for the paperwork to clear.\n")
    t = load_transcript(_write(tmp_path, "GigaSword - Interview with Jack Breen.txt", body))
    assert t.interviewers == ["Jonas Rosland"] and t.interviewee == "Jack Breen"
    t = load_transcript(_write(tmp_path, "gigasword.txt", body))  # no title: the hand-over says it
    assert t.interviewers == ["Jonas Rosland"]


def test_unlabelled_talk_the_welcome_and_calling_the_guest_are_the_hosts(tmp_path):
    body = ("Hello everyone and welcome to another Hit Save podcast. I'm here with Rick Nicol of Goodboy Galaxy.\n\n"
            "Yeah. Hi, I'm Rick from Goodboy Galaxy, and we have been making it for years.\n\n"
            "It started as a game jam project, just a small weekend thing that grew and grew.\n\n"
            "Fantastic. Thank you so much, Rick. This has been great.\n")
    t = load_transcript(_write(tmp_path, "episode.txt", body))
    assert [u.is_interviewer for u in t.turns] == [True, False, False, True]


def test_numbered_audience_members_share_the_part_of_the_one_who_asks(tmp_path):
    body = ("Pablo: Welcome to the panel. What got you into this?\nWill: A friend showed me the code.\n"
            "Pablo: And you?\nGloria: A summer programme, years ago, and I never left.\n"
            "Audience 1: How do you pick what to review? And how long does it take?\n"
            "Gloria: Whatever is blocking most people. Usually a day.\n"
            "Audience 1: Even for big changes?\nGloria: Those take a week, sometimes a month.\n"
            "Audience 2: I run a meetup and our new members never come back after the second session.\n"
            "Will: That happens everywhere. Pair them up with someone on day one.\n")
    t = load_transcript(_write(tmp_path, "panel.txt", body))
    assert t.speaker_roles["Audience 1"] == t.speaker_roles["Audience 2"] == "interviewer"
    assert t.speaker_roles["Will"] == t.speaker_roles["Gloria"] == "interviewee"


def test_runner_prints_saved_results_as_markdown(tmp_path, capsys):
    import json

    from evals.real.__main__ import main, summarize
    from evals.real.measure import FileResult

    r = FileResult(file="a.md", split="dev", layout="otter", kind="dialogue", dialogue_ok=True, turns_total=4,
                   turns_right=3, labels_total=2, labels_right=2, items=5, items_interviewer=1, role_trouble=True)
    saved = tmp_path / "results.json"
    saved.write_text(json.dumps({"dev": {"summary": {"ALL": summarize([r]), "otter": summarize([r])}}}))
    assert main(["--markdown", str(saved)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "**dev**" and out[-2].startswith("| otter | 1 | 1/1 | 0/0 | 100.0% of 2 | 75.0% of 4 |")
    # the item on interviewer speech lies in a file whose roles are off and that carried no warning
    assert out[-1].startswith("| **ALL** |") and "| 5 | 1 (1 unwarned) |" in out[-1]
    assert out[-1].endswith("| 0/1 (warned 0) |")


def test_interviewer_named_in_a_header_sentence(tmp_path):
    body = ("# Transcript of an interview\n\n## Details\n\nInterview took place on May 2. Interviewer is Jonas Rosland.\n\n"
            "## Transcript\nJonas Rosland  0:21\nSo what are you building?\n\nAmy Chu  0:25\nA puzzle game. "
            "Why do you ask? Is it not obvious? Have you not seen it?\n\nJonas Rosland  0:40\nIt looks great.\n")
    t = load_transcript(_write(tmp_path, "interview.md", body))
    assert t.interviewers == ["Jonas Rosland"] and t.interviewer_source == "front_matter"
    t = load_transcript(_write(tmp_path, "call.txt", "Kim: I was interviewed by Lou Berg once, why?\nLou: Fine.\n"))
    assert t.interviewer_source != "front_matter"


def test_a_cold_open_quoting_the_guest_does_not_make_the_guest_the_host(tmp_path):
    long = ("The snapshot has to be the same for everyone, so we hash it and hard-code the hash in a release; if "
            "anyone could choose their own, the whole point of checking it later falls apart, which took us a "
            "long time to accept.")
    turns = [("Wren Ito", f"So the trick is that you trust the snapshot for now. {long}"),
             ("Ada", "Welcome to the Relay podcast, episode 12. Ada here with Bo and Cy."),
             ("Bo", "Hey everyone, good to be back."), ("Cy", "Hi all, this one is a deep cut."),
             ("Wren Ito", f"Thanks. {long}"), ("Ada", "Right, so that part makes sense to me."),
             ("Wren Ito", f"Exactly. {long}"), ("Bo", "That is the bit people get stuck on, in my experience."),
             ("Wren Ito", f"It is. {long}"), ("Cy", "And the hash lives in the code itself, for good."),
             ("Wren Ito", f"Yes. {long}"), ("Ada", "Great, let us move on to the next part then.")]
    body = "\n\n".join(f"{s}:\n{x}" for s, x in turns) + "\n"
    t = load_transcript(_write(tmp_path, "relay-12.txt", body))
    assert t.speaker_roles == {"Wren Ito": "interviewee", "Ada": "interviewer", "Bo": "interviewer",
                               "Cy": "interviewer"}


def test_a_first_name_and_a_full_name_that_both_go_on_are_two_people():
    from synth.ingest.aliases import aliases

    labels = ["Adam Lehman", "Adam", "Tim"]
    # the host `Adam` and the guest `Adam Lehman` take turns all through (dev 181)
    assert aliases(labels, None, ["Adam Lehman", "Tim", "Adam", "Adam Lehman", "Adam", "Tim"]) == {}
    # one person labelled in full once, then by the first name (dev 40's `John Newbery:` then `John:`)
    assert aliases(labels, None, ["Adam Lehman", "Tim", "Adam", "Tim", "Adam"]) == {"Adam": "Adam Lehman"}
    assert aliases(labels) == {"Adam": "Adam Lehman"}  # no order known: as before


def test_co_hosts_who_speak_only_around_a_named_guest_are_not_the_interviewee():
    # dev 180 (Working Code 52, real): the title names the guest; co-hosts Carol and Tim speak only in the
    # intro and the after-show, after the guest's cold open, in 10 and 8 short turns
    from evals.real.measure import measure_file

    real = Path(__file__).resolve().parents[1] / "evals" / "real"
    name = "180_workingcode_052-starting-your-own-business-with-steve-rittler.md"
    t = load_transcript(real / "dev" / name)
    assert t.speaker_roles["Steve"] == "interviewee"
    assert t.speaker_roles["Carol"] == t.speaker_roles["Tim"] == t.speaker_roles["Adam"] == "interviewer"
    ann = yaml.safe_load((real / "annotations" / f"{name}.yaml").read_text(encoding="utf-8"))
    r = measure_file(t, ann, "dev")
    assert r.labels_right == r.labels_total and not any(u.evidence_ok for u in t.turns if u.speaker in ("Carol", "Tim"))


def test_a_host_who_talks_like_the_guest_the_title_names_is_still_a_host_and_the_file_warns():
    # dev 181 (Working Code 53, real): "Tim interviews Adam Lehman"; co-host Adam chats at length and asks little
    real = Path(__file__).resolve().parents[1] / "evals" / "real"
    t = load_transcript(real / "dev" / "181_workingcode_053-product-management-with-adam-lehman.md")
    assert t.speaker_roles["Adam Lehman"] == "interviewee"
    assert t.speaker_roles["Adam"] == t.speaker_roles["Tim"] == "interviewer"
    assert t.role_confidence < roles_mod.LOW_CONFIDENCE and any("fix:" in w for w in t.warnings)


def test_a_label_whose_one_turn_asks_the_named_guests_is_a_host():
    # dev 103 (Let's Talk Bitcoin, real): a third host's single long question to the two guests
    real = Path(__file__).resolve().parents[1] / "evals" / "real"
    t = load_transcript(real / "dev" / "103_btctranscripts-letstalkbitcoin_2019-06-09-ltb-pieter-wuille-jonas-nick.md")
    assert t.speaker_roles["Jonathan"] == "interviewer"
    assert t.speaker_roles["Pieter"] == t.speaker_roles["Jonas"] == "interviewee"


def test_a_title_that_says_with_the_guest_keeps_them_the_guest_though_their_clip_opens_the_show():
    # dev 183 (Working Code 84, real): "... with Jason Henriksen", the label spelt `Jason Henrikson`; the
    # episode opens on the guest's clip, which read as the guest running the show (every label inverted)
    from synth.ingest.talk import nearly_full_name, titled_as_guest

    assert nearly_full_name("Jason Henrikson", "Jason Henriksen") and not nearly_full_name("Jason", "Jason Henriksen")
    assert titled_as_guest("Jason Henrikson", ["084: The Architectural Support Team with Jason Henriksen"])
    assert not titled_as_guest("Joe Rogan", ["The Joe Rogan Experience #1234"])
    real = Path(__file__).resolve().parents[1] / "evals" / "real"
    t = load_transcript(real / "dev" / "183_workingcode_084-the-architectural-support-team-with-jason-henriksen.md")
    assert t.speaker_roles["Jason Henrikson"] == "interviewee"
    assert all(t.speaker_roles[s] == "interviewer" for s in ("Carol", "Adam", "Ben", "Tim"))
