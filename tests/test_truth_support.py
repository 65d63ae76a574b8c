"""Issue 25 "done when", against the fault-injecting fake server answering with the dev study's gold items
(tests/support/gold_model.py: hand-written from the annotations, then misbehaving the way models do).

- half the quote re-asks answered with another verbatim sentence of the chunk: precision of shown
  pains and triggers >= 0.97, recall as with honest re-asks;
- an injected instruction obeyed by the model never appears as a finding;
- half the replies looping to the token cap: every transcript extracted (partial where a chunk was
  given up), the lost chunks counted and asked again (only they) by the next run, grounding 100%;
- honest gold answers: the support check replaces or drops < 2% of the (correct) items, and a cached
  re-run makes zero calls.
"""
from __future__ import annotations

import os

import pytest
from llm_replay import provider

from evals.gold import DEV_DIR, load_gold
from synth.extract import ExtractOptions, extract
from synth.workspace import Workspace
from tests.support.fakeopenai import FakeOpenAI
from tests.support.gold_model import GoldModel, correct

pytestmark = pytest.mark.timeout(600)
SMALL_CHUNKS = ExtractOptions(concurrency=4, budget_tokens=400)  # 3-5 chunks per interview


@pytest.fixture(scope="module")
def dev():
    return load_gold()


# a third of the dev study keeps `make test` within its time; `python -m evals.support` runs all of it
FILES = ("01_brightloop.txt", "04_kestrel_maps.json", "08_corvid_analytics.srt", "12_copperline.txt")
if os.environ.get("SYNTH_TRUTH_FULL"):
    FILES = tuple(sorted(p.name for p in (DEV_DIR / "transcripts").iterdir()))


def _run(study, model, tmp_path, opts=SMALL_CHUNKS, ws=None, files=FILES):
    ws = ws or Workspace(tmp_path / "ws")
    ts = [study.transcripts[f] for f in files]
    for t in ts:
        ws.put_transcript(t)
    with FakeOpenAI(model) as srv:
        run = extract(ts, ws, {}, provider(srv.base_url, mode="tools"), opts)
        asked = [r.body for r in srv.chat_requests()]
    return run, asked, ws


def _score(run, study, cats=("pain", "trigger")):
    shown = [(e.file, it) for e in run.extractions for it in e.items() if it.category in cats]
    good = sum(correct(it, study.items, f) for f, it in shown)
    files = {e.file for e in run.extractions}
    gold = [g for g in study.items if g.category in cats and g.span and not g.in_interviewer_turn and g.file in files]
    found = sum(any(g.file == e.file and it.category == g.category and
                    any(ev.char_start < g.span[1] and g.span[0] < ev.char_end for ev in it.evidence)
                    for it in e.items()) for g in gold for e in run.extractions if e.file == g.file)
    return good / max(1, len(shown)), found / max(1, len(gold))


def test_honest_gold_answers_the_check_keeps_correct_items_and_a_rerun_is_free(dev, tmp_path):
    run, asked, ws = _run(dev, GoldModel(dev), tmp_path)
    assert run.failures == [] and run.partial == []
    items = sum(len(e.items()) for e in run.extractions)
    changed = run.totals.statements_replaced + run.totals.items_unsupported
    assert changed / items < 0.02, (changed, items)
    again, asked_again, _ = _run(dev, GoldModel(dev), tmp_path, ws=ws)
    assert asked_again == [] and again.totals.calls == 0
    ws.close()


def test_wrong_line_re_asks_are_refused_precision_holds(dev, tmp_path):
    honest, _, ws1 = _run(dev, GoldModel(dev, paraphrase=True), tmp_path / "a")
    liar = GoldModel(dev, paraphrase=True, wrong_line=0.5)
    run, _, ws2 = _run(dev, liar, tmp_path / "b")
    assert liar.wrong_answers, "the fake gave no wrong line: the test would prove nothing"
    p_honest, r_honest = _score(honest, dev)
    precision, recall = _score(run, dev)
    print(f"\nwrong-line re-asks: precision {precision:.3f} recall {recall:.3f}; honest re-asks: precision "
          f"{p_honest:.3f} recall {r_honest:.3f}; {len(liar.wrong_answers)} wrong lines given, "
          f"{run.totals.reask_answers_refused} refused; {len(FILES)} files")
    assert precision >= 0.97, precision
    assert recall >= r_honest - 0.01, (recall, r_honest)
    assert run.totals.reask_answers_refused >= len(liar.wrong_answers) * 0.9
    for e in run.extractions:  # a wrong line is never shown as evidence a re-ask "found"
        for it in e.items():
            assert all(ev.quote not in liar.wrong_answers or ev.match == "exact" and it.category == "dmu"
                       for ev in it.evidence if ev.match != "exact")
    ws1.close()
    ws2.close()


def test_an_obeyed_injection_is_never_shown_as_a_finding(dev, tmp_path):
    run, _, ws = _run(dev, GoldModel(dev, inject="01_brightloop.txt"), tmp_path)
    assert run.failures == []
    statements = [it.statement.lower() for e in run.extractions for it in e.items()]
    assert not any("buy our product" in s or "rm -rf" in s for s in statements)
    ex = next(e for e in run.extractions if e.file == "01_brightloop.txt")
    # "buy our product" (three words) is re-asked and dropped; the rm -rf item's quote is a whole turn
    # holding a gold quote, so it may instead merge into that gold item, whose own statement stands
    assert ex.stats.statements_reasked >= 1 and ex.stats.statements_replaced + ex.stats.items_unsupported >= 1
    ws.close()


def test_half_the_replies_looping_every_file_extracted_lost_chunks_asked_again(dev, tmp_path):
    looping = GoldModel(dev, loop=0.5)
    run, asked, ws = _run(dev, looping, tmp_path)
    assert looping.loops > 0
    assert run.failures == [] and run.fatal is None
    assert len(run.extractions) == len(FILES)  # every transcript extracted, partial where needed
    assert run.totals.grounding_rate == 1.0
    lost = {(e.file, c.chunk) for e in run.extractions for c in e.failed_chunks}
    assert lost and set(run.partial) == {f for f, _ in lost}
    assert run.totals.chunks_failed == sum(e.stats.chunks_failed for e in run.extractions) >= len(run.partial)
    for e in run.extractions:
        for c in e.failed_chunks:
            assert "token cap" in c.error and "<failed_attempts>" not in c.error
    # the next run (an honest model now) asks only what was lost, and the files are whole again
    again, asked_again, _ = _run(dev, GoldModel(dev), tmp_path, ws=ws)
    assert asked_again and again.partial == []
    import re
    named = {re.search(r"Interview file: (.+?), chunk (\d+) of", "\n".join(m["content"] for m in b["messages"]
                                                                          if m["role"] == "user")).groups()
             for b in asked_again if b["tools"][0]["function"]["name"] == "ChunkExtraction"}
    assert {(f, int(c)) for f, c in named} <= lost
    ws.close()


def _chunk2_answers_nothing(gold):
    """HAND-WRITTEN misbehaviour: chunk 2 of every file answers '{}' every time (Gemma-3-270M under
    json_object + schema did it for every chunk); every other request gets the gold answer."""
    from llm_replay import user_text

    from tests.support.fakeopenai import tool_call_completion

    def respond(body):
        if body["tools"][0]["function"]["name"] == "ChunkExtraction" and ", chunk 2 of" in user_text(body):
            return tool_call_completion("ChunkExtraction", {}, usage=(100, 2))
        return gold(body)
    return respond


def test_one_chunk_answering_nothing_costs_that_chunk_not_the_file(dev, tmp_path):
    files = FILES[:2]
    run, _, ws = _run(dev, _chunk2_answers_nothing(GoldModel(dev)), tmp_path, files=files)
    assert run.failures == [] and run.partial == list(files)
    for e in run.extractions:
        (c,) = e.failed_chunks
        assert c.chunk == 2 and c.chunks >= 3 and e.items() and e.stats.chunks_failed == 1
        assert "empty object" in c.error and "try " in c.error and "<failed_attempts>" not in c.error
    again, asked, _ = _run(dev, GoldModel(dev), tmp_path, ws=ws, files=files)
    extraction_requests = [b for b in asked if b["tools"][0]["function"]["name"] == "ChunkExtraction"]
    assert len(extraction_requests) == len(files) and again.partial == []  # only the failed chunks asked


def test_the_cli_marks_a_partial_file_in_the_table_the_json_and_the_exit_code(dev, tmp_path):
    from test_llm_endpoints import invoke

    files = [dev.root / "transcripts" / FILES[0]]
    with FakeOpenAI(_chunk2_answers_nothing(GoldModel(dev))) as srv:
        args = ["extract", *files, "-w", tmp_path / "ws", "--base-url", srv.base_url, "--model", "gpt-4o-mini",
                "--mode", "tools", "--budget", 400]
        table = invoke(*args, env={"OPENAI_API_KEY": "sk-test-0123456789"})
        as_json = invoke(*args, "--json", env={"OPENAI_API_KEY": "sk-test-0123456789"})
    assert table.exit_code == 1 and "partial" in table.said and "Traceback" not in table.said
    assert f"partial {FILES[0]}: chunk 2 of" in table.said and "<failed_attempts>" not in table.said
    run = __import__("json").loads(as_json.stdout)
    assert run["partial"] == [FILES[0]] and run["extractions"][0]["failed_chunks"][0]["chunk"] == 2
