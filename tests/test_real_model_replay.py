"""A real small model's replies, replayed: gemma-3-270m (Q4_K_M, llama-cpp-python 0.3.36 on CPU) extracting two
real dev transcripts through `synth extract`. The replies are RECORDED from that model, not hand-written
(tests/fixtures/llm/gemma3_270m_extract_dev26_dev51.json says how and when), and served by request hash at the
HTTP level to the real openai client. What a 270M model does here: answers `{}`, or writes past the token cap.
What synth must do with that: re-ask, split, give up on what stays unanswered with a message naming the file
and the chunk, keep the role check's failure from failing the file, and exit 1 with no traceback."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from synth.cli import app
from synth.workspace import Workspace
from tests.support.fakeopenai import FakeOpenAI, ReplayResponder

FIXTURE = Path(__file__).parent / "fixtures" / "llm" / "gemma3_270m_extract_dev26_dev51.json"
DEV = Path(__file__).resolve().parents[1] / "evals" / "real" / "dev"
FILES = ["26_chrischinchilla_2008-01-10-chris-tt-interview.md", "51_ladybug-podcast_42-black-lives-matter.md"]


def test_a_real_small_model_gets_partial_results_clear_messages_and_exit_1(tmp_path):
    assert json.loads(FIXTURE.read_text(encoding="utf-8"))["source"].startswith("RECORDED from a real model")
    study = tmp_path / "s"
    study.mkdir()
    for f in FILES:
        shutil.copy(DEV / f, study / f)
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(app, ["ingest", str(study), "-w", str(ws)]).exit_code == 0
    with FakeOpenAI(ReplayResponder(FIXTURE, fallback="error")) as srv:
        res = runner.invoke(app, ["extract", "-w", str(ws), "--base-url", srv.base_url, "--model", "gemma3-270m",
                                  "--mode", "json_object_schema", "--concurrency", "1", "--timeout", "600"],
                            env={"OPENAI_API_KEY": "sk-local"})
        sent = [r for r in srv.requests if isinstance(r.body, dict) and r.body.get("messages")]
    assert res.exception is None or isinstance(res.exception, SystemExit)  # no traceback
    assert res.exit_code == 1  # some inputs failed
    assert srv.errors == [] and len(sent) == 18  # every request was one the model answered when recorded
    flat = " ".join(res.stderr.split())
    assert f"partial {FILES[0]}: chunk 1 of 1: the model's reply ran to the token cap" in flat
    assert f"partial {FILES[1]}: chunk 1 of 3: the model answered with an empty object" in flat
    assert f"roles {FILES[1]}: the LLM role check got no usable answer (turns 0-39" in flat  # told, not buried
    with Workspace(ws) as w:
        t = {x.file_name: x for x in w.transcripts()}[FILES[1]]
    # the role check got "{}" for both windows: ingest's roles stand, the file says so, and it was still extracted
    assert t.interviewer_source != "llm"
    assert any(x.startswith("the LLM role check got no usable answer (turns 0-39") for x in t.warnings)
