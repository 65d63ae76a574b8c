"""`synth extract --dry-run` against the real run it predicts: calls and input tokens within 15%.

The answers are the HAND-WRITTEN recorded sample responses (tests/fixtures/llm/sample_extract.json via
tests/llm_replay.py); the fake server reports `usage.prompt_tokens` the way OpenAI counts a prompt:
every message (instructor's schema text included) and the tool definition, with the o200k tokenizer.
A second case replays Gemma-3-270M's real traffic (prompt_tokens counted by llama-cpp-python itself).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SAMPLE
from llm_replay import SAMPLE as SAMPLE_RESPONSES
from llm_replay import provider, responder

from synth import pipeline
from synth.extract import ExtractOptions, estimate
from synth.llm.tokens import count_tokens
from synth.workspace import Workspace
from tests.support.fakeopenai import FakeOpenAI

pytestmark = pytest.mark.timeout(300)


def counting_prompt_tokens(inner):
    """The hand-written answer, with prompt_tokens counted over the whole request as sent."""
    def respond(body: dict) -> dict:
        reply = inner(body)
        text = [m["content"] for m in body["messages"] if isinstance(m.get("content"), str)]
        text += [json.dumps(body[k]) for k in ("tools", "response_format") if body.get(k)]
        reply["usage"]["prompt_tokens"] = sum(count_tokens(t) for t in text) + 4 * len(body["messages"])
        return reply
    return respond


def _within(est: float, real: float, share: float = 0.15) -> bool:
    return abs(est - real) <= share * real


def test_dry_run_is_within_15_percent_of_the_real_run_on_the_sample(tmp_path):
    ws = Workspace(tmp_path / "ws")
    pipeline.ingest([SAMPLE], ws)
    opts = ExtractOptions(concurrency=4)
    with FakeOpenAI(counting_prompt_tokens(responder(SAMPLE_RESPONSES["responses"]))) as srv:
        cfg = provider(srv.base_url)
        est = estimate(ws.transcripts(), ws, cfg, opts)
        assert srv.chat_requests() == []  # a dry run sends nothing
        run = pipeline.extract(ws, cfg, opts)
        sent = len(srv.chat_requests())
    ws.close()
    assert run.totals.calls == sent
    assert _within(est.calls, sent), (est.calls, sent)
    assert _within(est.tokens_in, run.totals.tokens_in), (est.tokens_in, run.totals.tokens_in)
    assert est.mode == "tools" and est.mode_source == "provider default"


def invalid_first_answer(inner):
    """HAND-WRITTEN: a model whose first answer to every chunk has a trigger kind outside the schema (a
    small model's habit); instructor re-asks with the error and the second answer is right."""

    def respond(body: dict) -> dict:
        reply = inner(body)
        if len(body["messages"]) == 2:
            call = reply["choices"][0]["message"]["tool_calls"][0]["function"]
            args = json.loads(call["arguments"])
            args["triggers"] = [{"event": "x", "kind": "funding_round", "quotes": ["x"]}]
            call["arguments"] = json.dumps(args)
        return reply
    return respond


def test_dry_run_estimates_re_asks_from_the_workspace_call_log(tmp_path):
    files = sorted(p for p in SAMPLE.iterdir() if p.suffix in (".txt", ".md", ".vtt", ".srt", ".json"))
    ws = Workspace(tmp_path / "ws")
    opts = ExtractOptions(concurrency=4)
    answers = counting_prompt_tokens(invalid_first_answer(responder(SAMPLE_RESPONSES["responses"])))
    with FakeOpenAI(answers) as srv:
        cfg = provider(srv.base_url)
        pipeline.ingest(files[:5], ws)
        pipeline.extract(ws, cfg, opts)  # the history the estimate learns from
        pipeline.ingest(files, ws)
        est = estimate(ws.transcripts(), ws, cfg, opts)
        n0 = len(srv.chat_requests())
        run = pipeline.extract(ws, cfg, opts)
        sent = len(srv.chat_requests()) - n0
    ws.close()
    assert est.cached == 5 and est.first_requests == est.chunks - 5 and "call log" in est.reask_note
    assert sent > 5  # there were re-asks to estimate
    assert _within(est.calls, sent), (est.calls, sent)
    assert _within(est.tokens_in, run.totals.tokens_in), (est.tokens_in, run.totals.tokens_in)


RECORDED = Path(__file__).parent / "fixtures" / "llm" / "recorded"


@pytest.mark.parametrize("mode", ["json_object_schema", "json", "md_json"])
def test_dry_run_first_requests_match_what_the_real_server_counted(mode, tmp_path):
    """Recorded from llama-cpp-python: prompt_tokens of each chunk's first request (its own tokenizer)
    against the dry run's count of the same requests (o200k): within 15% (SmolLM2-135M, where every
    chunk's first request was recorded; the Gemma file failed after its first chunk)."""
    from synth.llm.provider import ProviderConfig

    run_file = RECORDED / "smollm2-135m" / f"extract-{mode}.jsonl"
    settings = json.loads((run_file.parent / "settings.json").read_text())
    ws = Workspace(tmp_path / "ws")
    pipeline.ingest([Path(__file__).resolve().parent.parent / f for f in settings["files"]], ws)
    cfg = ProviderConfig(provider="llamacpp", model=settings["model"], base_url="http://127.0.0.1:8080/v1",
                         mode=mode)
    est = estimate(ws.transcripts(), ws, cfg, ExtractOptions(budget_tokens=settings["budget"]))
    ws.close()
    firsts = {}
    for line in run_file.read_text().splitlines():
        ex = json.loads(line)
        req = ex.get("request") or {}
        if ex["path"].endswith("/chat/completions") and len(req.get("messages", [])) == 2 \
                and "Part " not in req["messages"][1]["content"].split("\n")[0]:
            firsts.setdefault(req["messages"][1]["content"].split("\n")[0], ex["response"]["usage"]["prompt_tokens"])
    assert len(firsts) == est.first_requests == 3
    assert _within(est.tokens_in, sum(firsts.values())), (est.tokens_in, sum(firsts.values()))
    assert est.mode == mode and est.mode_source == "given"
    assert est.cost_usd == 0.0  # a local server


def test_local_servers_cost_nothing_and_unknown_hosted_models_have_no_price():
    from synth.llm.prices import Prices, is_local, load_prices
    from synth.llm.provider import ProviderConfig

    prices = load_prices()
    local = [ProviderConfig(provider="compatible", base_url=u) for u in
             ("http://127.0.0.1:8080/v1", "http://localhost:1234/v1", "http://192.168.1.20:8000/v1",
              "http://10.0.0.5/v1", "http://gpu-box.local:11434/v1")] + \
            [ProviderConfig(provider="ollama", base_url="http://models.example.com/v1")]
    assert all(is_local(c) for c in local)
    hosted = ProviderConfig(provider="compatible", base_url="https://api.together.xyz/v1", model="mixtral")
    assert not is_local(hosted)
    # a local server answering to gpt-4o-mini is not OpenAI: $0 unless prices.yaml lists it under local:
    assert prices.cost("gpt-4o-mini", 10**6, 10**6, local=True) == 0.0
    assert Prices(version="x", local={"qwen2.5": {"input": 1.0, "output": 1.0}}).cost(
        "qwen2.5:7b", 10**6, 0, local=True) == 1.0
    assert prices.cost("mixtral", 1000, 1000) is None  # hosted and not listed: unknown, never a guess
    assert prices.cost("gpt-4o-mini-2024-07-18", 10**6, 0) == 0.15
