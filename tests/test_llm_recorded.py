"""A real small model in the loop, replayed: what SmolLM2-135M (served by llama-cpp-python) actually sent.

The exchanges under tests/fixtures/llm/recorded/ were recorded over HTTP against the real server
(README.md there says how). Here they are replayed by a local server to the real openai client and
instructor, with no model present: the probe finds the mode the real server took, every extraction
request is one that was recorded, the run completes, nothing the model invented is shown, and the
counts say what happened. The failures a tiny model produces are each present in the recordings
(asserted below), so each is covered.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from test_llm_endpoints import assert_nothing_invented, invoke

from synth.extract.schema import ChunkExtraction
from synth.llm.budget import repetition_loop
from synth.llm.modes import PROBE_ORDER
from tests.support.fakeopenai import FakeOpenAI
from tests.support.recording import RecordedServer, load_exchanges, schema_name

pytestmark = pytest.mark.timeout(300)
RECORDED = Path(__file__).parent / "fixtures" / "llm" / "recorded"
RUNS = sorted(RECORDED.glob("*/extract-*.jsonl"))
_ENUMS = ChunkExtraction.model_json_schema()["$defs"]
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S)


def _settings(run_file: Path) -> dict:
    """How the run was made: flags recorded beside it (record.sh), read back so the replay asks the same."""
    return json.loads((run_file.parent / "settings.json").read_text())


def _reply_text(resp: dict) -> tuple[str, str]:
    choice = resp["choices"][0]
    msg = choice["message"]
    calls = msg.get("tool_calls") or []
    text = calls[0]["function"]["arguments"] if calls else (msg.get("content") or "")
    return text, choice.get("finish_reason") or ""


def _allowed(field_schema: dict) -> set:
    ref = field_schema.get("$ref", "").rsplit("/", 1)[-1]
    target = _ENUMS.get(ref, field_schema)
    return set(target.get("enum", []))


_QUOTE = re.compile(r'"quote"\s*:\s*"((?:[^"\\]|\\.)*)"')
_QUOTES = re.compile(r'"quotes"\s*:\s*\[((?:\s*"(?:[^"\\]|\\.)*"\s*,?)*)\s*\]?')
_STR = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ENUM = re.compile(r'"(kind|role|field)"\s*:\s*"([^"]*)"')
_ALLOWED = {"kind": _allowed(_ENUMS["TriggerOut"]["properties"]["kind"]) |
            _allowed(_ENUMS["AlternativeOut"]["properties"]["kind"]),
            "role": _allowed(_ENUMS["DmuOut"]["properties"]["role"]),
            "field": set(_ENUMS["TraitOut"]["properties"]["field"]["enum"])}


def failure_kinds(exchange: dict, transcript: str) -> set[str]:
    """What went wrong in one recorded extraction reply (empty set: nothing). Read from the raw text,
    so a reply cut off mid-JSON still shows what it had invented before the cut."""
    if exchange["status"] != 200 or schema_name(exchange["request"]) != "ChunkExtraction":
        return set()
    text, finish = _reply_text(exchange["response"])
    kinds = {"cut_off"} if finish == "length" else set()
    body = _FENCE.search(text).group(1) if _FENCE.search(text) else text
    try:
        data = json.loads(body)
        if not isinstance(data, dict) or not set(data) <= set(ChunkExtraction.model_fields):
            kinds.add("wrong_shape")  # e.g. the JSON schema itself echoed back
    except ValueError:
        kinds.add("invalid_json")
    quotes = [m.group(1) for m in _QUOTE.finditer(text)]
    for m in _QUOTES.finditer(text):
        found = _STR.findall(m.group(1))
        quotes += found
        if not found:
            kinds.add("empty_quotes")
    flat = " ".join(transcript.split()).lower()
    if any(q.strip() and " ".join(q.split()).lower() not in flat for q in quotes):
        kinds.add("invented_quote")
    if repetition_loop(text) or any(n >= 3 for n in Counter(q for q in quotes if q.strip()).values()):
        kinds.add("loop")
    if any(v not in _ALLOWED[k] for k, v in _ENUM.findall(text)):
        kinds.add("wrong_enum")
    return kinds


ROOT = Path(__file__).resolve().parent.parent


def _files(run_file: Path) -> list[Path]:
    return [ROOT / f for f in _settings(run_file)["files"]]


@pytest.fixture(scope="module")
def texts():
    return {p.name: p.read_text(encoding="utf-8") for f in RUNS for p in _files(f)}


def test_recordings_are_present():
    assert RUNS, "no recorded runs under tests/fixtures/llm/recorded/ (see its README.md)"


def test_every_failure_a_tiny_model_produces_is_in_the_recordings(texts):
    seen: set[str] = set()
    for f in RUNS:
        for ex in load_exchanges(f):
            if ex.get("request") and "messages" in ex["request"]:
                user = " ".join(m.get("content") or "" for m in ex["request"]["messages"] if m["role"] == "user")
                name = next((n for n in texts if n in user), None)
                if name:
                    seen |= failure_kinds(ex, texts[name])
    assert {"cut_off", "invalid_json", "empty_quotes", "invented_quote", "loop", "wrong_shape"} <= seen, seen


@pytest.mark.parametrize("run_file", RUNS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_recorded_run_replays_completes_and_shows_nothing_invented(run_file, tmp_path):
    mode = run_file.stem.removeprefix("extract-")
    s = _settings(run_file)
    files = _files(run_file)
    replay = RecordedServer(run_file)
    with FakeOpenAI(replay) as srv:
        r = invoke("extract", *files, "-w", tmp_path / "ws", "--base-url", srv.base_url, "--provider", "llamacpp",
                   "--model", s["model"], "--mode", mode, "--budget", s["budget"], "--max-tokens", s["max_tokens"],
                   "--concurrency", 1, "--json", env={})
        asked = len(srv.chat_requests())
    # every question synth asked was one the real server was asked (a stricter re-ask gets the
    # model's previous answer again: RecordedServer.repeated)
    assert asked > 0 and r.exit_code in (0, 1), r.said[-2000:]  # 1: a file the model never answered validly
    assert "Traceback" not in r.said
    run = json.loads(r.stdout)
    # once a file has failed, its other chunks' requests are abandoned, and when depends on timing:
    # one the recording never saw may go out during the replay. Any other unrecorded request is a failure.
    # (issue 25: such a file is now kept partial, the unrecorded chunks among its lost ones)
    failed = {f["file"] for f in run["failures"]} | set(run["partial"])
    assert [m for m in replay.misses if not any(f"Interview file: {f}," in m for f in failed)] == [], \
        "a request was made that was never recorded"
    assert run["fatal"] is None
    assert len(run["extractions"]) + len(run["failures"]) == len(files)
    assert_nothing_invented(tmp_path / "ws", run)
    # counts reported: per file, either its extraction with what was proposed, kept, cut off and looping,
    # or the reason it failed
    for ex in run["extractions"]:
        st = ex["stats"]
        assert st["quotes_grounded"] <= st["quotes_proposed"] and st["tokens_in"] > 0
        assert st["calls"] >= 1
    printed = " ".join(r.stderr.split())
    for f in run["failures"]:  # a failed file is named on screen with its reason
        assert f["error"] and f"error {f['file']}" in printed
        assert "chunk" not in f["error"], f["error"]  # issue 25: a chunk's failure never fails the file
    # issue 25: a failure is one line a person reads, never the validation library's raw dump
    assert "<failed_attempts>" not in r.said and "<generation" not in r.said
    for ex in run["extractions"]:  # a file with chunks given up is shown, marked partial
        assert (ex["file"] in run["partial"]) == bool(ex["failed_chunks"])
        for c in ex["failed_chunks"]:
            assert "\n" not in c["error"] and "<failed_attempts>" not in c["error"] and "try " in c["error"]


@pytest.mark.parametrize("probe_file", sorted(RECORDED.glob("*/probe.jsonl")), ids=lambda p: p.parent.name)
def test_recorded_probe_finds_the_mode_the_real_server_took(probe_file, tmp_path):
    recorded = json.loads((probe_file.parent / "doctor.json").read_text())
    with FakeOpenAI(RecordedServer(probe_file)) as srv:
        r = invoke("doctor", "-w", tmp_path / "ws", "--base-url", srv.base_url, "--provider", "llamacpp",
                   "--model", recorded["model"], "--json", env={})
    got = json.loads(r.stdout)
    # each mode answered as the real server did (the order tried is synth's own, PROBE_ORDER)
    assert {t["mode"]: (t["outcome"], t["status"]) for t in got["trials"]} == \
        {t["mode"]: (t["outcome"], t["status"]) for t in recorded["trials"]}
    first_ok = next(m.value for m in PROBE_ORDER if any(t["mode"] == m.value and t["outcome"] == "ok"
                                                        for t in recorded["trials"]))
    assert got["mode"] == first_ok
