"""A file whose speaker roles ingest is unsure of gets one small typed LLM call, checked against the
turns it names, cached and counted in the dry run. The replies here are HAND-WRITTEN (not recorded
from a model), served in the OpenAI wire format by tests/support/fakeopenai.py."""
from __future__ import annotations

from pathlib import Path

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
    assert run.roles == ["call.txt: speaker roles checked by the LLM (Ann); `synth speakers FILE` shows them, "
                         "--interviewer/--interviewee corrects them"]
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
    from synth.extract.roles_llm import Checked, apply_answer

    t = _guessed_stream(tmp_path)
    unsure = [u for u in t.turns if not u.is_interviewer]
    assert unsure and all("(SPEAKER UNSURE)" in render_turn(u) for u in unsure)
    checked = apply_answer(t, Checked([], {0}, {1}))
    asked, answered = checked.turns
    assert asked.is_interviewer and not answered.is_interviewer
    assert answered.evidence_ok and "(INTERVIEWEE)" in render_turn(answered)
    # without a per-turn answer the guess stands: the turn is still not the interviewee's evidence
    still = apply_answer(t, Checked(["Nobody"]))
    assert still is None or not any(u.evidence_ok for u in still.turns)


# A real Otter export (evals/real dev 51): 41 of its 43 turns under `Unknown Speaker`, hosts and guest alike.
# The role replies below are WRITTEN FROM THE CORPUS ANNOTATION (evals/real/roles_check.py `oracle_answer`),
# not by a model: they stand for a reader who knows who speaks, to test the path around the answer.
REAL_51 = "51_ladybug-podcast_42-black-lives-matter.md"


def test_every_window_of_guessed_turns_gets_its_own_checked_call_and_the_answers_stay(tmp_path):
    import re
    import shutil

    import yaml

    from evals.real.measure import Gold
    from evals.real.roles_check import oracle_answer
    from synth.extract.roles_llm import WINDOW, windows
    from synth.ingest.roles import is_mixed_label

    real = Path(__file__).resolve().parents[1] / "evals" / "real"
    d = tmp_path / "study"
    d.mkdir()
    shutil.copy(real / "dev" / REAL_51, d / REAL_51)
    gold = Gold(yaml.safe_load((real / "annotations" / f"{REAL_51}.yaml").read_text(encoding="utf-8")))
    ws = Workspace(tmp_path / "ws")
    pipeline.ingest([d], ws)
    before = ws.transcripts()[0]
    shared = [u for u in before.turns if is_mixed_label(u.speaker)]
    assert len(before.turns) > WINDOW and not any(u.evidence_ok for u in shared)  # nothing of it is evidence
    assert windows(before) == [(0, WINDOW), (WINDOW, len(before.turns))]

    def respond(body: dict) -> dict:
        text = user_text(body)
        if "Labels:" in text:
            shown = [int(n) for n in re.findall(r"^\[#(\d+)\]", text, re.M)]
            args = oracle_answer(before, gold, (min(shown), max(shown) + 1)).model_dump()
        else:
            args = {"pains": []}
        if body.get("tools"):
            return tool_call_completion(body["tools"][0]["function"]["name"], args, model=body.get("model", "m"))
        return json_completion(args, model=body.get("model", "m"))

    with FakeOpenAI(respond) as srv:
        cfg = provider(srv.base_url)
        est = estimate(ws.transcripts(), ws, cfg, ExtractOptions())
        assert est.chunks - est.cached >= 3 and srv.requests == []  # the chunks + two role windows, nothing sent
        chunk_calls = est.calls - 2
        pipeline.extract(ws, cfg)
        sent = [user_text(r.body) for r in srv.requests if isinstance(r.body, dict) and r.body.get("messages")]
    role_calls = [s for s in sent if "Labels:" in s]
    assert len(role_calls) == 2 and f"Turns {WINDOW}-{len(before.turns) - 1} of {len(before.turns)}." in role_calls[1]
    assert len(sent) - 2 == chunk_calls
    t = ws.transcripts()[0]
    assert t.interviewer_source == "llm"
    freed = [u for u in t.turns if is_mixed_label(u.speaker) and u.evidence_ok]
    assert len(freed) >= 15  # the guest's answers under `Unknown Speaker` are evidence now ...
    assert all(gold.role_of_turn(u.speaker, u.source_line) == "interviewee" for u in freed)  # ... and only theirs
    pipeline.ingest([d], ws)  # re-reading the same bytes keeps the checked sides and the guard as the check left it
    again = ws.transcripts()[0]
    assert [(u.is_interviewer, u.evidence_ok) for u in again.turns] == [(u.is_interviewer, u.evidence_ok)
                                                                        for u in t.turns]


def test_a_per_turn_answer_is_checked_against_the_turns_it_names(tmp_path):
    from synth.extract.roles_llm import RoleAnswer, checked

    t = _guessed_stream(tmp_path)  # turn 0 asks "How do you close the books each month?", turn 1 answers
    # the question named the interviewee's, the answer named on both sides, a turn that is not shown: all dropped
    found = checked(t, RoleAnswer(interviewer_turns=[1, 7], interviewee_turns=[0, 1]))
    assert not found
    found = checked(t, RoleAnswer(interviewer_turns=[0], interviewee_turns=[1]))
    assert found.interviewer_turns == {0} and found.interviewee_turns == {1} and not found.unplaced


def test_a_turn_the_answer_saw_and_could_not_place_is_not_evidence_however_sure_ingest_was(tmp_path):
    from synth.extract.roles_llm import RoleAnswer, apply_answer, checked

    t = _guessed_stream(tmp_path)
    sure = [u.model_copy(update={"role_guessed": False}) if not u.is_interviewer else u for u in t.turns]
    t = t.model_copy(update={"turns": sure})
    assert [u.evidence_ok for u in t.turns] == [False, True]  # ingest let the answer through as evidence
    # the model places the question and names the answer on neither side: it could not tell whose it is
    found = checked(t, RoleAnswer(interviewer_turns=[0]))
    assert found.unplaced == {1}
    after = apply_answer(t, found)
    assert after.turns[0].is_interviewer and not after.turns[1].evidence_ok
    # an answer that places no turn at all is no reading of the window: ingest's guard stands as it was
    nothing = RoleAnswer(interviewer_labels=[], interviewer_turns=[], interviewee_turns=[])
    assert not checked(t, nothing).unplaced and apply_answer(t, checked(t, nothing)) is None


def test_a_real_small_model_that_answers_nothing_leaves_the_roles_and_the_file_goes_on(tmp_path):
    # RECORDED replies of a real model (tests/fixtures/llm/gemma3_270m_roles_dev51.json says how): gemma-3-270m
    # answers "{}" to every try of both windows. The check refuses it, re-asks twice, then gives up on the window:
    # ingest's roles stand, the file says why, and nothing raises.
    import asyncio
    import json
    import shutil

    from pydantic import SecretStr

    from synth.extract.roles_llm import check_roles, windows
    from synth.llm.caller import LlmCaller
    from synth.llm.provider import ProviderConfig
    from tests.support.fakeopenai import ReplayResponder

    fixture = Path(__file__).parent / "fixtures" / "llm" / "gemma3_270m_roles_dev51.json"
    assert json.loads(fixture.read_text(encoding="utf-8"))["source"].startswith("RECORDED from a real model")
    d = tmp_path / "study"
    d.mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / "evals" / "real" / "dev" / REAL_51, d / REAL_51)
    ws = Workspace(tmp_path / "ws")
    pipeline.ingest([d], ws)
    t = ws.transcripts()[0]

    async def run(base_url: str):
        cfg = ProviderConfig(provider="compatible", model="gemma3-270m", api_key=SecretStr("sk-local"),
                             base_url=base_url, mode="json_object_schema", timeout_s=900.0, max_attempts=2)
        async with LlmCaller(cfg, ws, concurrency=1) as caller:
            await caller.ready()
            return await check_roles(t, caller)

    with FakeOpenAI(ReplayResponder(fixture, fallback="error")) as srv:
        out = asyncio.run(run(srv.base_url))
        sent = [r for r in srv.requests if isinstance(r.body, dict) and r.body.get("messages")]
    assert len(windows(t)) == 2 and len(sent) == 6 and srv.errors == []  # every request was a recorded one
    assert [(u.is_interviewer, u.role_guessed) for u in out.turns] == [(u.is_interviewer, u.role_guessed)
                                                                       for u in t.turns]
    assert out.interviewer_source == t.interviewer_source != "llm"
    (note,) = [w for w in out.warnings if w.startswith("the LLM role check got no usable answer")]
    assert "turns 0-39" in note and f"turns 40-{len(t.turns) - 1}" in note and "synth speakers FILE" in note


def test_a_role_reply_cut_off_at_the_token_cap_keeps_ingest_roles_and_says_so(tmp_path):
    # hand-written: the reply runs past max_tokens (finish_reason "length"), as a small model echoing the
    # schema does; the check gives up on the window instead of failing the file
    import asyncio

    from synth.extract.roles_llm import check_roles
    from synth.llm.caller import LlmCaller

    t = _guessed_stream(tmp_path)
    ws = Workspace(tmp_path / "ws")

    def cut(body: dict) -> dict:
        return json_completion('{"type": "object", "properties": {"interviewer_labels"', finish_reason="length")

    async def run(base_url: str):
        async with LlmCaller(provider(base_url, mode="json"), ws, concurrency=1) as caller:
            return await check_roles(t, caller)

    with FakeOpenAI(cut) as srv:
        out = asyncio.run(run(srv.base_url))
    assert [u.is_interviewer for u in out.turns] == [u.is_interviewer for u in t.turns]
    assert not any(u.evidence_ok for u in out.turns)
    (note,) = [w for w in out.warnings if w.startswith("the LLM role check got no usable answer")]
    assert "token cap" in note
