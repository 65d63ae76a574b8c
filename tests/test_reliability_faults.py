"""Reliability of the LLM path under a hostile provider, end to end.

Every test talks real HTTP to a FakeOpenAI (synth/testing/fakeopenai.py) that the test starts and stops
itself, through the real openai client and instructor; the CLI tests run `synth` as a subprocess.
No sleeps decide an assertion: every wait is a bounded poll with a deadline.

(a) ~20% injected faults (429 + Retry-After, 500, 502, reset, truncated body, slow drip; seeded):
    every chunk is extracted and the output equals a fault-free run's.
(b) `kill -9` of a running `synth extract`, then a second run: no finished call is paid for twice
    (counted at the server), no duplicate items, outputs equal an uninterrupted run's.
(c) `--concurrency 3` is never exceeded, measured at the server.
(d) an invalid key: exit 1 fast, one request, a clear message, and the key is nowhere on disk or screen.
"""
from __future__ import annotations

import collections
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLE as SAMPLE_DIR
from llm_replay import SAMPLE, provider, responder

from synth import pipeline
from synth.extract import ExtractOptions
from synth.llm.provider import resolve_provider
from synth.workspace import Workspace
from tests.support.fakeopenai import FakeOpenAI, Fault, request_hash

pytestmark = pytest.mark.timeout(120)

# 600-token chunks: 33 chunks over the 10 sample transcripts, so ~20% faults is a real mix, not two
BUDGET = 600
FAULTS = {Fault.RATE_LIMIT: 0.04, Fault.SERVER_ERROR: 0.04, Fault.BAD_GATEWAY: 0.03, Fault.RESET: 0.03,
          Fault.TRUNCATED: 0.03, Fault.SLOW_DRIP: 0.03}  # 20% in all
FAULT_SEED = 8  # its first 36 draws hold all six kinds (9 faults); checked below, not assumed


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
        chunk_hashes = {request_hash(r.body) for r in srv.completed()}
        assert len(srv.chat_requests()) == len(chunk_hashes)  # one request per chunk, no retries
    assert clean.failures == [] and clean.fatal is None and len(clean.extractions) == 10
    n_chunks = len(chunk_hashes)
    assert n_chunks >= 30

    faulty_ws = _ingested(tmp_path / "faulty")
    cfg = provider("x").model_copy(update={"max_attempts": 8})  # 0.2**8: a chunk never runs out of tries
    with FakeOpenAI(responder(SAMPLE["responses"]), faults=FAULTS, seed=FAULT_SEED, retry_after=0.05) as srv:
        cfg = cfg.model_copy(update={"base_url": srv.base_url})
        run = pipeline.extract(faulty_ws, cfg, opts)
        reqs = srv.chat_requests()
        assert srv.errors == []
    faults = collections.Counter(r.fault for r in reqs if r.fault is not None)
    # the mix really happened: every kind at least once, about a fifth of all requests
    assert set(faults) == set(FAULTS), faults
    assert 0.1 <= sum(faults.values()) / len(reqs) <= 0.35, (faults, len(reqs))
    # 429 honoured Retry-After: nothing came back for that chunk sooner than the header said
    for i, r in enumerate(reqs):
        if r.fault is Fault.RATE_LIMIT:
            h = request_hash(r.body)
            nxt = next(x for x in reqs[i + 1:] if request_hash(x.body) == h)
            assert nxt.started - r.finished >= 0.04
    # every chunk got exactly one good answer (a drip is slow but valid), and nothing else got one
    good = collections.Counter(request_hash(r.body) for r in reqs
                               if r.status == 200 and r.fault in (None, Fault.SLOW_DRIP))
    assert set(good) == chunk_hashes and set(good.values()) == {1}
    assert run.failures == [] and run.fatal is None and len(run.extractions) == 10
    assert run.totals.calls == n_chunks and run.totals.cache_hits == 0
    assert _strip(run.extractions) == _strip(clean.extractions)
    assert _strip(faulty_ws.latest_extractions()) == _strip(clean_ws.latest_extractions())
    log = faulty_ws.call_log()
    assert sum(c["status"] == "ok" for c in log) == n_chunks
    assert sum(c["status"] == "error:retry" for c in log) == sum(
        1 for r in reqs if r.fault not in (None, Fault.SLOW_DRIP))
    clean_ws.close()
    faulty_ws.close()


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
