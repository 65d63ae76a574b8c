"""Reliability of the LLM path under a hostile provider, end to end.

Every test talks real HTTP to a FakeOpenAI (synth/testing/fakeopenai.py) that the test starts and stops
itself, through the real openai client and instructor; the CLI tests run `synth` as a subprocess.
No sleeps decide an assertion: every wait is a bounded poll with a deadline.

(a) ~20% injected faults (429 + Retry-After, 500, 502, reset, client timeout, truncated body,
    schema-invalid JSON, slow drip; seeded): every chunk is extracted and the output equals a
    fault-free run's. Also, for each fault kind alone: one chunk, that fault on its first request.
(b) `kill -9` of a running `synth extract`, then a second run: no finished call is paid for twice
    (counted at the server), no duplicate items, outputs equal an uninterrupted run's.
(c) `--concurrency 3` is never exceeded, measured at the server.
(d) an invalid key: exit 1 fast, one request, a clear message, and the key is nowhere on disk or screen.
"""
from __future__ import annotations

import collections
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import SAMPLE as SAMPLE_DIR
from conftest import make_transcript
from llm_replay import _FILE, SAMPLE, SPECIAL, provider, responder, user_text

from synth import pipeline
from synth.extract import ExtractOptions
from synth.llm.provider import resolve_provider
from synth.workspace import Workspace
from tests.support.fakeopenai import FakeOpenAI, Fault, request_hash

pytestmark = pytest.mark.timeout(120)

# 600-token chunks: 33 chunks over the 10 sample transcripts, so ~20% faults is a real mix, not two
BUDGET = 600
# server-side faults: 20% in all. Schema-invalid JSON comes from the responder (`_InvalidFirstAnswer`),
# and from the fake's INVALID_SCHEMA ("{}", refused and re-asked): see test_extraction_survives_each_fault_kind_alone.
FAULTS = {Fault.RATE_LIMIT: 0.03, Fault.SERVER_ERROR: 0.03, Fault.BAD_GATEWAY: 0.03, Fault.RESET: 0.03,
          Fault.TIMEOUT: 0.03, Fault.TRUNCATED: 0.03, Fault.SLOW_DRIP: 0.02}
FAULT_SEED = 9  # every kind is drawn at least once at this seed: checked below, not assumed
TIMEOUT_S, TIMEOUT_HOLD = 1.5, 3.0  # the client gives up on a held request after 1.5 s (0.5 s let a merely slow
# answer on a busy 2-core CI machine time out too, which made the exactly-one-good-answer count flaky)


def _chunk(body: dict) -> str:
    """Which chunk a request is about ("file#i"), re-asks included (their hash differs)."""
    m = _FILE.search(user_text(body))
    assert m, "request names no interview chunk"
    return f"{m.group(1)}#{m.group(2)}"


_BROKEN_PAINS = "none, really"


def _answered_broken(completion: dict | None) -> bool:
    """Whether this answer is one `_break_schema` made (judged from the answer sent, not the request:
    after a transport fault on a re-ask the client may start the chunk over with the first request's
    exact body, which then gets a good answer under a hash that was once answered broken)."""
    if not completion:
        return False
    msg = completion["choices"][0]["message"]
    raw = msg["tool_calls"][0]["function"]["arguments"] if msg.get("tool_calls") else msg["content"]
    return json.loads(raw).get("pains") == _BROKEN_PAINS


def _break_schema(completion: dict) -> dict:
    """The same answer with `pains` as a string: JSON that parses but violates the schema."""
    c = json.loads(json.dumps(completion))
    msg = c["choices"][0]["message"]
    if msg.get("tool_calls"):
        fn = msg["tool_calls"][0]["function"]
        args = json.loads(fn["arguments"])
        args["pains"] = _BROKEN_PAINS
        fn["arguments"] = json.dumps(args)
    else:
        args = json.loads(msg["content"])
        args["pains"] = _BROKEN_PAINS
        msg["content"] = json.dumps(args)
    return c


class _InvalidFirstAnswer:
    """Wraps a responder: the FIRST answer for chosen chunks is schema-invalid (deterministic: the
    chunk key's hash picks them, whatever order concurrent requests arrive in)."""

    def __init__(self, respond, every: int):
        self.respond, self.every = respond, every
        self.seen: set[str] = set()
        self.broken: list[str] = []  # request hashes answered with invalid JSON
        self._lock = threading.Lock()

    def __call__(self, body: dict) -> dict:
        out = self.respond(body)
        key = _chunk(body)
        with self._lock:
            first = key not in self.seen
            self.seen.add(key)
        if first and int(hashlib.sha256(key.encode()).hexdigest(), 16) % self.every == 0:
            self.broken.append(request_hash(body))
            return _break_schema(out)
        return out


def _strip(extractions) -> list[dict]:
    return [e.model_dump(mode="json", exclude={"stats"}) for e in extractions]


def _ingested(path: Path) -> Workspace:
    ws = Workspace(path)
    assert pipeline.ingest([SAMPLE_DIR], ws).failed == 0
    return ws


def _poll(cond, timeout: float, what: str, interval: float = 0.01):
    """Bounded poll: the condition's value as soon as it is truthy, else fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


# ------------------------------------------------------------------------------------------------ (a)

def test_twenty_percent_faults_every_chunk_extracted_and_output_unchanged(tmp_path):
    opts = ExtractOptions(concurrency=4, budget_tokens=BUDGET)
    # reference: no faults, fresh workspace
    clean_ws = _ingested(tmp_path / "clean")
    with FakeOpenAI(responder(SAMPLE["responses"])) as srv:
        clean = pipeline.extract(clean_ws, provider(srv.base_url), opts)
        chunks = {_chunk(r.body) for r in srv.completed()}
        assert len(srv.chat_requests()) == len(chunks)  # one request per chunk, no retries
    assert clean.failures == [] and clean.fatal is None and len(clean.extractions) == 10
    n_chunks = len(chunks)
    assert n_chunks >= 30

    faulty_ws = _ingested(tmp_path / "faulty")
    # 0.2**8: a chunk never runs out of tries; a held (timeout) request is abandoned after TIMEOUT_S
    cfg = provider("x").model_copy(update={"max_attempts": 8, "timeout_s": TIMEOUT_S})
    answers = _InvalidFirstAnswer(responder(SAMPLE["responses"]), every=12)
    with FakeOpenAI(answers, faults=FAULTS, seed=FAULT_SEED, retry_after=0.05, timeout_hold=TIMEOUT_HOLD) as srv:
        cfg = cfg.model_copy(update={"base_url": srv.base_url})
        run = pipeline.extract(faulty_ws, cfg, opts)
        reqs = srv.chat_requests()
        assert srv.errors == []
    faults = collections.Counter(r.fault for r in reqs if r.fault is not None)
    # bad JSON the client actually received (one a held or cut-off request swallowed cost no re-ask)
    invalid = sum(r.status == 200 and r.fault in (None, Fault.SLOW_DRIP) and _answered_broken(r.response) for r in reqs)
    # the mix really happened: every kind at least once (timeouts and bad JSON included), ~a fifth
    assert set(faults) == set(FAULTS) and invalid >= 1, (faults, invalid)
    assert 0.1 <= (sum(faults.values()) + invalid) / len(reqs) <= 0.35, (faults, invalid, len(reqs))
    # 429 honoured Retry-After: nothing came back for that chunk sooner than the header said
    for i, r in enumerate(reqs):
        if r.fault is Fault.RATE_LIMIT:
            nxt = next(x for x in reqs[i + 1:] if _chunk(x.body) == _chunk(r.body))
            assert nxt.started - r.finished >= 0.04
    # each fault cost exactly one more request, and every chunk got exactly one usable answer
    # (a slow drip is slow but valid; a re-ask after bad JSON is a new request for the same chunk)
    assert len(reqs) == n_chunks + invalid + sum(n for f, n in faults.items() if f is not Fault.SLOW_DRIP)
    good = collections.Counter(_chunk(r.body) for r in reqs if r.status == 200 and r.fault in (None, Fault.SLOW_DRIP)
                               and not _answered_broken(r.response))
    assert set(good) == chunks and set(good.values()) == {1}
    assert run.failures == [] and run.fatal is None and len(run.extractions) == 10
    assert run.totals.cache_hits == 0
    assert _strip(run.extractions) == _strip(clean.extractions)
    assert _strip(faulty_ws.latest_extractions()) == _strip(clean_ws.latest_extractions())
    assert sum(c["status"] == "ok" for c in faulty_ws.call_log()) == n_chunks
    clean_ws.close()
    faulty_ws.close()


# INVALID_SCHEMA answers "{}": refused by ChunkExtraction (it names none of the lists), so re-asked
_KINDS = [pytest.param(f, id=f.name) for f in Fault] + [pytest.param("invalid_answer", id="SCHEMA_INVALID_JSON")]


@pytest.mark.parametrize("fault", _KINDS)
def test_extraction_survives_each_fault_kind_alone(tmp_path, fault):
    """Every kind the fake server can inject, and a schema-invalid answer, on the first request of a
    one-chunk interview: the chunk is extracted exactly as without the fault."""
    t = make_transcript([tuple(x) for x in SPECIAL["transcript"]], file_name="alderbrook.txt")
    runs = {}
    for name in ("clean", "faulty"):
        ws = Workspace(tmp_path / name)
        ws.put_transcript(t)
        answer = responder({"alderbrook.txt": SPECIAL["responses"]["valid"]})
        if name == "faulty" and fault == "invalid_answer":
            answer = _InvalidFirstAnswer(answer, every=1)
        plan = [fault] if name == "faulty" and isinstance(fault, Fault) else []
        with FakeOpenAI(answer, fault_plan=plan, retry_after=0.05, retry_after_5xx=0.01,
                        timeout_hold=TIMEOUT_HOLD) as srv:
            cfg = provider(srv.base_url).model_copy(update={"timeout_s": TIMEOUT_S})
            runs[name] = (pipeline.extract(ws, cfg, ExtractOptions(concurrency=1)), srv.chat_requests())
        ws.close()
    run, reqs = runs["faulty"]
    assert reqs[0].fault is (fault if isinstance(fault, Fault) else None)
    assert run.failures == [] and run.fatal is None and len(run.extractions) == 1
    # a drip is a valid answer, slowly; every other fault costs exactly one more request
    assert len(reqs) == (1 if fault is Fault.SLOW_DRIP else 2)
    assert _strip(run.extractions) == _strip(runs["clean"][0].extractions)
    assert len(run.extractions[0].pains) == 2


# ------------------------------------------------------------------------------------------------ CLI

def _cli_env(srv: FakeOpenAI, key: str = "sk-test-0123456789") -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OPENAI_", "AZURE_OPENAI_", "SYNTH_"))}
    # SYNTH_MODE: a generic server is otherwise probed for its mode first (tests/test_llm_endpoints.py),
    # one more request than these request-counting tests expect
    env.update(OPENAI_API_KEY=key, OPENAI_BASE_URL=srv.base_url, SYNTH_MODE="json", HF_HUB_OFFLINE="1",
               TRANSFORMERS_OFFLINE="1", COLUMNS="200", PYTHONUNBUFFERED="1")
    return env


def _synth(*args: str) -> list[str]:
    return [sys.executable, "-m", "synth", *args]


def _cache_rows(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT COUNT(*) FROM llm_cache").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:  # not created yet, or locked for a moment: just poll again
        return -1


def test_kill_9_then_resume_pays_for_no_finished_call_twice(tmp_path):
    ws_dir = tmp_path / "ws"
    _ingested(ws_dir).close()
    db = ws_dir / "synth.db"
    with FakeOpenAI(responder(SAMPLE["responses"]), latency=0.3) as srv:
        env = _cli_env(srv)
        cmd = _synth("extract", "-w", str(ws_dir), "--concurrency", "2")
        log1 = (tmp_path / "run1.log").open("wb")
        proc = subprocess.Popen(cmd, env=env, stdout=log1, stderr=subprocess.STDOUT)
        try:
            # kill only once >= 3 calls are finished at the server AND committed in the workspace:
            # the cache rows are read first, then the server's list, so equal counts mean every call
            # in `done` was committed (a call only commits after the server finished it)
            def ready():
                rows = _cache_rows(db)
                done = srv.completed()
                if proc.poll() is not None:
                    raise AssertionError(f"synth extract ended before the kill: rc={proc.returncode}: "
                                     f"{(tmp_path / 'run1.log').read_text()[-2000:]}")
                return done if len(done) >= 3 and rows == len(done) else None

            done = _poll(ready, 60, ">= 3 committed calls")
            os.kill(proc.pid, signal.SIGKILL)
            assert proc.wait(timeout=10) == -signal.SIGKILL
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
            log1.close()
        finished_before_kill = {request_hash(r.body) for r in done}
        assert 3 <= len(finished_before_kill) < 10, "the kill must land mid-run"
        n1 = len(srv.requests)
        run1 = srv.chat_requests()

        res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=90)
        assert res.returncode == 0, res.stderr
        run2 = srv.chat_requests()[n1:]
        all_reqs = srv.chat_requests()

    sent2 = {request_hash(r.body) for r in run2}
    # no call the first run had finished (and committed) is sent again
    assert finished_before_kill & sent2 == set()
    # every chunk completed at the server; exactly once, except what was in flight at the kill
    in_flight_at_kill = {request_hash(r.body) for r in run1} - finished_before_kill
    completed = collections.Counter(request_hash(r.body) for r in all_reqs if r.status == 200)
    assert len(completed) == 10
    repeated = {h for h, n in completed.items() if n > 1}
    assert repeated <= in_flight_at_kill and max(completed.values()) <= 2
    assert len(run2) <= 10 - len(finished_before_kill)

    with Workspace(ws_dir) as ws:
        resumed = ws.latest_extractions()
        log = ws.call_log()
        n_rows = ws.db.execute("SELECT COUNT(*) FROM extractions").fetchone()[0]
    assert len(resumed) == 10 and n_rows == 10
    for e in resumed:  # no duplicate items: ids and (category, statement) unique per file
        ids = [it.id for it in e.items()]
        assert len(ids) == len(set(ids))
        keys = [(it.category, it.statement) for it in e.items()]
        assert len(keys) == len(set(keys))
    assert sum(c["status"] == "ok" for c in log) == 10  # each chunk committed once across both runs

    # an uninterrupted run in a fresh workspace, with the provider the CLI resolves from the same env
    fresh = _ingested(tmp_path / "fresh")
    with FakeOpenAI(responder(SAMPLE["responses"])) as srv:
        cfg = resolve_provider(env=_cli_env(srv))
        ref = pipeline.extract(fresh, cfg, ExtractOptions())
    assert ref.failures == [] and len(ref.extractions) == 10
    assert _strip(resumed) == _strip(fresh.latest_extractions())
    fresh.close()


def test_concurrency_flag_is_never_exceeded_at_the_server(tmp_path):
    ws_dir = tmp_path / "ws"
    _ingested(ws_dir).close()
    with FakeOpenAI(responder(SAMPLE["responses"]), latency=0.15) as srv:
        res = subprocess.run(_synth("extract", "-w", str(ws_dir), "--concurrency", "3", "--budget", "1000"),
                             env=_cli_env(srv), capture_output=True, text=True, timeout=90)
        assert res.returncode == 0, res.stderr
        assert len(srv.completed()) == 20  # 1000-token chunks: 20 calls, enough to fill 3 slots
        assert srv.max_in_flight == 3  # reached, never exceeded


def test_invalid_key_exits_1_fast_with_one_request_and_never_shows_the_key(tmp_path):
    ws_dir = tmp_path / "ws"
    _ingested(ws_dir).close()
    key = "sk-proj-INVALIDkey-7f3a9c1e5b2d"
    with FakeOpenAI(responder(SAMPLE["responses"]), valid_keys={"sk-the-right-one"}) as srv:
        res = subprocess.run(_synth("extract", "-w", str(ws_dir), "--concurrency", "8"),
                             env=_cli_env(srv, key=key), capture_output=True, text=True, timeout=90)
        exited = time.perf_counter()
        reqs = srv.requests
    assert res.returncode == 1
    assert len(reqs) == 1 and reqs[0].status == 401  # the probe alone; no retry storm
    # fast: from the 401 to the process having exited (interpreter start-up is not the point)
    assert exited - reqs[0].finished < 10
    out = res.stdout + res.stderr
    assert "rejected the API key" in out and "OPENAI_API_KEY" in out
    assert "Traceback" not in out
    assert key not in out and key[8:] not in out
    for f in ws_dir.iterdir():  # synth.db and its -wal/-shm companions, byte for byte
        if f.is_file():
            assert key.encode() not in f.read_bytes(), f.name
    with Workspace(ws_dir) as ws:
        assert ws.latest_extractions() == []
        assert [c["status"] for c in ws.call_log()] == ["error:fatal"]
