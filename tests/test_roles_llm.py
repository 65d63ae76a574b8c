"""A file whose speaker roles ingest is unsure of gets one small typed LLM call, checked against the
turns it names, cached and counted in the dry run. The replies here are HAND-WRITTEN (not recorded
from a model), served in the OpenAI wire format by tests/support/fakeopenai.py."""
from __future__ import annotations

from llm_replay import provider, user_text

from synth import pipeline
from synth.extract import ExtractOptions, estimate
from synth.workspace import Workspace
from tests.support.fakeopenai import FakeOpenAI, json_completion, tool_call_completion

UNSURE = ("Ann: Tell me about the release process.\n"
          "Bo: We lose 20 hours a week on manual release checklists, every single week.\n"
          "Ann: Walk me through the last outage.\n"
          "Bo: Rollback took over an hour, twice last quarter, and our CTO lost patience with it.\n")
ROLE_ANSWER = {"interviewer_labels": ["Ann", "Nobody"], "interviewer_turns": [99]}  # hand-written
CHUNK_ANSWER = {"pains": [{"statement": "Manual release checklists cost 20 hours a week", "severity": 4,
                           "quotes": ["We lose 20 hours a week on manual release checklists"]}]}  # hand-written


def respond(body: dict) -> dict:
    args = ROLE_ANSWER if "Labels:" in user_text(body) else CHUNK_ANSWER
    if body.get("tools"):
        return tool_call_completion(body["tools"][0]["function"]["name"], args, model=body.get("model", "m"))
    return json_completion(args, model=body.get("model", "m"))


def test_unsure_file_gets_one_checked_role_call_cached_and_counted(tmp_path):
    d = tmp_path / "study"
    d.mkdir()
    (d / "call.txt").write_text(UNSURE, encoding="utf-8")
    ws = Workspace(tmp_path / "ws")
    pipeline.ingest([d], ws)
    t = ws.transcripts()[0]
    assert t.role_confidence < 0.6 and any("unsure who the interviewer is" in w for w in t.warnings)
    with FakeOpenAI(respond) as srv:
        cfg = provider(srv.base_url)
        est = estimate(ws.transcripts(), ws, cfg, ExtractOptions())
        assert est.calls == 2 and srv.requests == []  # one chunk + the role check, nothing sent
        run = pipeline.extract(ws, cfg)
        sent = [user_text(r.body) for r in srv.requests if isinstance(r.body, dict) and r.body.get("messages")]
    assert not run.failures and any("Labels: Ann, Bo" in s for s in sent)
    t = ws.transcripts()[0]
    assert t.interviewer_source == "llm" and t.interviewers == ["Ann"]  # "Nobody" and turn 99 dropped
    assert [u.is_interviewer for u in t.turns] == [True, False, True, False]
    quotes = [ev.quote for it in run.extractions[0].items() for ev in it.evidence]
    assert quotes and all("lose 20 hours" in q for q in quotes)
    pipeline.ingest([d], ws)  # re-reading the same bytes keeps the checked roles
    assert ws.transcripts()[0].interviewer_source == "llm"
    with FakeOpenAI(respond) as srv:
        est = estimate(ws.transcripts(), ws, provider(srv.base_url), ExtractOptions())
    assert est.calls == 0  # both calls are cached now


def _guessed_stream(tmp_path):
    """A real-shaped Otter stream: one `Unknown Speaker` label on both sides, every turn marked guessed."""
    from synth.ingest import load_transcript

    f = tmp_path / "otter.txt"
    f.write_text("Unknown Speaker  0:00\nHow do you close the books each month?\n\n"
                 "Unknown Speaker  0:04\nWe export everything to a spreadsheet and it takes three days.\n",
                 encoding="utf-8")
    t = load_transcript(f)
    return t.model_copy(update={"turns": [u.model_copy(update={"role_guessed": True}) for u in t.turns]})


def test_a_checked_per_turn_answer_settles_the_guess_and_guarded_turns_are_not_shown_as_interviewee(tmp_path):
    from synth.extract.chunking import render_turn
    from synth.extract.roles_llm import apply_answer

    t = _guessed_stream(tmp_path)
    unsure = [u for u in t.turns if not u.is_interviewer]
    assert unsure and all("(SPEAKER UNSURE)" in render_turn(u) for u in unsure)
    checked = apply_answer(t, [], {0})
    asked, answered = checked.turns
    assert asked.is_interviewer and not answered.is_interviewer
    assert answered.evidence_ok and "(INTERVIEWEE)" in render_turn(answered)
    # without a per-turn answer the guess stands: the turn is still not the interviewee's evidence
    still = apply_answer(t, ["Nobody"], set())
    assert still is None or not any(u.evidence_ok for u in still.turns)
