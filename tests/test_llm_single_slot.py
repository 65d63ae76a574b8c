"""A slow single-slot local server, replayed in simulated time: no retry storm, honest counts.

Gemma-3-270M on llama-cpp-python 0.3.36 (tests/fixtures/llm/recorded/gemma3-270m/extract-tools.jsonl,
recorded from the real server) took 2-47 s per request on 2 cores. Replayed here with `--timeout 40`
through tests/support/singleslot.py: each request takes the seconds it took for real, the server works
on one at a time and finishes a request its client gave up on. The recording has replies cut off at the
token cap and `{}` replies; one HAND-WRITTEN change (labelled where it is made) adds a field out of range.
What is checked: the run ends in under 5 minutes of simulated waiting, a timed-out request is never sent
again while the server still works on it, the failed chunk is named with what to try, and the counts
synth reports equal the requests the server received.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from conftest import ROOT

from synth import pipeline
from synth.extract import ExtractOptions
from synth.llm.provider import ProviderConfig
from synth.workspace import Workspace
from tests.support.fakeopenai import FakeOpenAI, json_completion
from tests.support.recording import RecordedServer
from tests.support.singleslot import SimClock, sim_client

pytestmark = pytest.mark.timeout(120)
GEMMA = Path(__file__).parent / "fixtures" / "llm" / "recorded" / "gemma3-270m"
SETTINGS = json.loads((GEMMA / "settings.json").read_text())
TIMEOUT = 46.5
ONE_TOKEN_S = 1.5  # what a 1-token answer to the probe's 240-token prompt takes there (recorded: 15 tokens, 3.4 s)


class GemmaWithOneOutOfRange:
    """The recorded answers, except (HAND-WRITTEN) the first answer naming an alternative gets a kind outside
    the schema's values; its re-ask then gets the model's recorded answer again (RecordedServer)."""

    def __init__(self) -> None:
        self.replay = RecordedServer(GEMMA / "extract-tools.jsonl")
        self.changed = 0
        self.seconds: list[float] = []

    def __call__(self, body: dict) -> dict:
        if body.get("max_tokens") == 1:  # synth asking whether the server is free: HAND-WRITTEN reply
            self.seconds.append(ONE_TOKEN_S)
            return json_completion("The", model=body["model"], usage=(240, 1))
        reply = self.replay(body)
        self.seconds.append(self.replay.served[-1]["elapsed_s"])
        try:
            args = json.loads(reply["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"], strict=False)
        except (KeyError, IndexError, TypeError, ValueError):  # no tool call, or JSON cut off at the cap
            args = None
        if not self.changed and isinstance(args, dict) and args.get("alternatives"):
            self.changed += 1
            reply = copy.deepcopy(reply)
            args["alternatives"][0]["kind"] = "vendor_product"  # HAND-WRITTEN: out of range
            reply["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"] = json.dumps(args)
        return reply


def test_gemma_on_a_single_slot_server_ends_fast_names_failed_chunks_and_counts_what_was_sent(tmp_path):
    ws = Workspace(tmp_path / "ws")
    pipeline.ingest([ROOT / f for f in SETTINGS["files"]], ws)
    answers = GemmaWithOneOutOfRange()
    clock = SimClock()
    with FakeOpenAI(answers) as srv:
        cfg = ProviderConfig(provider="llamacpp", model=SETTINGS["model"], base_url=srv.base_url, mode="tools",
                             timeout_s=TIMEOUT, max_tokens=SETTINGS["max_tokens"])
        client, slot = sim_client(srv.base_url, clock, TIMEOUT, lambda body: answers.seconds[-1])
        run = pipeline.extract(ws, cfg, ExtractOptions(concurrency=1, budget_tokens=SETTINGS["budget"]),
                               client=client, clock=clock)
        received = srv.chat_requests()
    ws.close()
    # the Gemma case as recorded: replies cut off at the cap and `{}` replies, plus the hand-written one
    replies = [r.response["choices"][0] for r in received if r.response and r.response.get("choices")]
    assert any(c["message"].get("tool_calls") and r.body["max_tokens"] == 400
               and r.response["usage"]["completion_tokens"] >= 400
               for c, r in zip(replies, received))
    assert any((c["message"].get("tool_calls") or [{}])[0].get("function", {}).get("arguments", "").strip()
               in ("{}", "{ }") for c in replies)
    assert answers.changed == 1
    # timeouts happened while the server still worked, and none of those requests was sent again
    assert slot.timed_out, "the scenario needs a request the client gave up on"
    asked = [json.dumps(b["messages"], sort_keys=True) for b in (r.body for r in received) if b.get("max_tokens") != 1]
    for body in slot.timed_out:
        assert asked.count(json.dumps(body["messages"], sort_keys=True)) == 1
    # each timeout was followed by a wait for the server (a 1-token request), not by a queued re-send
    assert sum(1 for r in received if r.body.get("max_tokens") == 1) == len(slot.timed_out)
    assert clock.now() < 300, f"{clock.now():.0f} s of simulated waiting"
    assert run.fatal is None
    # the failed chunk is named, with what to try (issue 25: the file is partial when another chunk
    # answered, failed only when none did)
    lost = [f"chunk {c.chunk} of {c.chunks}: {c.error}" for e in run.extractions for c in e.failed_chunks]
    assert (run.failures or lost) and all("chunk " in f.error for f in run.failures)
    said = " ".join([f.error for f in run.failures] + lost)
    assert f"no answer within {TIMEOUT:g} s" in said
    assert "--timeout" in said and "--budget" in said and "--concurrency 1" in said
    # the counts synth reports are the requests the server received, tokens included for the failed ones
    work = [r for r in received if r.body.get("max_tokens") != 1]
    assert run.totals.calls == len(work)
    assert run.probe is not None and run.probe.sent == len(received) - len(work)
    assert sum(f.calls for f in run.failures) + sum(e.stats.calls for e in run.extractions) == len(work)
    answered = sum((r.response or {}).get("usage", {}).get("prompt_tokens", 0) for r in work
                   if r.body not in slot.timed_out)
    assert run.totals.tokens_in > answered  # the timed-out requests' input is counted too
    assert run.totals.cost_usd == 0.0 and run.price_note and "$0" in run.price_note


def test_two_in_flight_a_request_that_timed_out_queued_is_sent_again_only_once_the_server_is_free(tmp_path):
    """`--concurrency 2` (the local default): the second request waits behind the first on the server, so
    its timeout runs while it queues. It is sent again once, after the server is free; never while the
    server still works on its first copy."""
    ws = Workspace(tmp_path / "ws")
    pipeline.ingest([ROOT / f for f in SETTINGS["files"]], ws)
    answers = GemmaWithOneOutOfRange()
    clock = SimClock()
    seconds: dict[str, float] = {}

    def took(body: dict) -> float:  # concurrent: the served exchange of this very request, by its messages
        return seconds.get(json.dumps(body["messages"], sort_keys=True), ONE_TOKEN_S)

    def answer(body: dict) -> dict:
        reply = answers(body)
        seconds[json.dumps(body["messages"], sort_keys=True)] = answers.seconds[-1]
        return reply

    with FakeOpenAI(answer) as srv:
        cfg = ProviderConfig(provider="llamacpp", model=SETTINGS["model"], base_url=srv.base_url, mode="tools",
                             timeout_s=TIMEOUT, max_tokens=SETTINGS["max_tokens"])
        client, slot = sim_client(srv.base_url, clock, TIMEOUT, took)
        run = pipeline.extract(ws, cfg, ExtractOptions(concurrency=2, budget_tokens=SETTINGS["budget"]),
                               client=client, clock=clock)
        received = srv.chat_requests()
    ws.close()
    assert run.fatal is None and slot.timed_out
    sends: dict[str, list[tuple[float, float]]] = {}
    for sent, finished, body in slot.log:
        if body.get("max_tokens") != 1:
            sends.setdefault(json.dumps(body["messages"], sort_keys=True), []).append((sent, finished))
    for times in sends.values():
        assert len(times) <= 2
        if len(times) == 2:
            assert times[1][0] >= times[0][1], "sent again while the server still worked on it"
    assert run.totals.calls == sum(1 for r in received if r.body.get("max_tokens") != 1)
    # slower than one at a time (a queued request's re-send costs the server its time again): the README
    # says --concurrency 1 for single-slot servers
