"""`synth run` against a model that never answers validly: it says what it used, counts what it sent,
and stops after extraction with one message instead of writing themes, rules and a report of nothing.

The replies are HAND-WRITTEN after Gemma-3-270M's under `json_object` + schema on llama-cpp-python
(tests/fixtures/llm/recorded/gemma3-270m: `{}` every time), behind the llama-cpp-python-like fake of
tests/test_llm_endpoints.py (json_schema and tools refused with its recorded 500).
"""
from __future__ import annotations

import pytest
from conftest import SAMPLE
from test_llm_endpoints import invoke, llamacpp_like

from tests.support.fakeopenai import FakeOpenAI, json_completion

pytestmark = pytest.mark.timeout(120)


def test_run_with_nothing_extracted_stops_after_extraction_and_counts_every_request(tmp_path):
    files = sorted(SAMPLE.glob("*.txt"))[:1]
    ws = tmp_path / "ws"
    with FakeOpenAI(llamacpp_like(lambda body: json_completion({}, model=body["model"]))) as srv:
        env = {"SYNTH_PROVIDER": "llamacpp", "OPENAI_BASE_URL": srv.base_url, "SYNTH_MODEL": "gemma3-270m"}
        r = invoke("run", *files, "-w", ws, "--concurrency", 1, env=env)
        chats = srv.chat_requests()
    assert r.exit_code == 1 and "Traceback" not in r.said
    # which endpoint and mode, as `synth extract` says it
    assert "extracting with llamacpp:gemma3-270m" in r.said
    assert f"llama.cpp at {srv.base_url}: json_object + schema" in r.said
    # one message, and nothing after extraction was written
    assert r.said.count("nothing was extracted") == 1 and "1 of 1 files failed" in r.said
    assert not (ws / "report").exists() and not (ws / "icp.yaml").exists()
    # the table counts every request the server received but the probe's, which is named apart
    probe = [c for c in chats if "Olympics" in str(c.body["messages"])]
    work = len(chats) - len(probe)
    assert work >= 3  # the first ask and instructor's two re-asks, for each chunk
    assert f"probe: {len(probe)} requests" in r.said
    total = r.stdout.split("total")[-1].split()
    assert "–" in total and str(work) in total  # no grounding rate of nothing; the requests counted
    assert "cost: local server: $0" in r.said
