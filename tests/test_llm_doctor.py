"""`synth doctor`: one line per mode, and the probe it stores is the one `extract -w` and `run -w` use."""
from __future__ import annotations

from pathlib import Path

from conftest import SAMPLE
from llm_replay import SAMPLE as SAMPLE_RESPONSES
from llm_replay import responder
from test_llm_endpoints import invoke, is_probe, llamacpp_like

from synth.llm.modes import PROBE_ORDER
from tests.support.fakeopenai import FakeOpenAI
from tests.support.recording import RecordedServer

GEMMA_PROBE = Path(__file__).parent / "fixtures" / "llm" / "recorded" / "gemma3-270m" / "probe.jsonl"


def test_doctor_prints_one_line_per_mode_for_the_recorded_gemma_probe(tmp_path):
    # recorded from llama-cpp-python: plain JSON and markdown JSON replies fail validation with
    # multi-line pydantic messages, which used to spill over several table rows
    with FakeOpenAI(RecordedServer(GEMMA_PROBE)) as srv:
        r = invoke("doctor", "-w", tmp_path / "ws", "--base-url", srv.base_url, "--provider", "llamacpp",
                   "--model", "gemma3-270m", env={"COLUMNS": "120"})
    rows = [ln for ln in r.stdout.splitlines() if ln.startswith("│")]
    assert len(rows) == len(PROBE_ORDER), r.stdout
    for mode, row in zip(PROBE_ORDER, rows):
        assert row.split("│")[1].strip() == mode.value
    assert f"stored in workspace {tmp_path / 'ws'}" in " ".join(r.stdout.split())


def test_doctor_and_extract_with_the_same_workspace_share_the_probe(tmp_path):
    ws = tmp_path / "ws"
    with FakeOpenAI(llamacpp_like(responder(SAMPLE_RESPONSES["responses"]))) as srv:
        env = {"SYNTH_PROVIDER": "llamacpp", "OPENAI_BASE_URL": srv.base_url}
        d = invoke("doctor", "-w", ws, env=env)
        n_doctor = len(srv.chat_requests())
        dry = invoke("extract", sorted(SAMPLE.glob("*.txt"))[0], "-w", ws, "--dry-run", env=env)
        assert len(srv.chat_requests()) == n_doctor  # a dry run sends nothing
        x = invoke("extract", sorted(SAMPLE.glob("*.txt"))[0], "-w", ws, env=env)
        later = srv.chat_requests()[n_doctor:]
    assert d.exit_code == 0 and x.exit_code == 0, x.said
    assert "json_object_schema mode (stored)" in dry.said and "$0.0000" in dry.said  # local: free
    assert later and not any(is_probe(c.body) for c in later)  # extract asked no probe of its own
    assert f"llama.cpp at {srv.base_url}: json_object + schema" in x.said
