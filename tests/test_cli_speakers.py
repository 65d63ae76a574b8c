"""`synth speakers`: list labels and roles; a correction is stored, survives re-ingest and
re-extracts only its own file."""
from __future__ import annotations

import json
import shutil

from conftest import SAMPLE
from typer.testing import CliRunner

from synth.cli import app
from synth.workspace import Workspace

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_correction_is_stored_survives_reingest_and_reextracts_one_file(tmp_path, monkeypatch):
    d = tmp_path / "study"
    d.mkdir()
    for name in ("01_ridgeline_analytics.txt", "09_quillfeather_legal.md"):
        shutil.copy(SAMPLE / name, d / name)
    ws = tmp_path / "ws"
    monkeypatch.chdir(tmp_path)
    assert invoke("ingest", d, "-w", ws).exit_code == 0
    out = json.loads(invoke("speakers", "-w", ws, "--json").stdout)
    roles = {f["file"]: {r["label"]: r["role"] for r in f["labels"]} for f in out}
    assert roles["09_quillfeather_legal.md"] == {"Tom Becker": "interviewer", "Sanne de Vries": "interviewee"}
    r = invoke("speakers", "09_quillfeather_legal.md", "--interviewer", "Sanne de Vries", "-w", ws, "--offline")
    assert r.exit_code == 0, r.output
    assert invoke("ingest", d, "-w", ws).exit_code == 0  # a re-run keeps the correction
    with Workspace(ws) as w:
        t = {x.file_name: x for x in w.transcripts()}["09_quillfeather_legal.md"]
        assert w.speaker_corrections() == {"09_quillfeather_legal.md": {"Sanne de Vries": "interviewer"}}
    assert t.interviewer_source == "correction" and "Sanne de Vries" in t.interviewers
    assert all(u.is_interviewer for u in t.turns if u.speaker == "Sanne de Vries")
    bad = invoke("speakers", "09_quillfeather_legal.md", "--interviewer", "Nobody", "-w", ws, "--offline")
    assert bad.exit_code == 1 and "no speaker label 'Nobody'" in bad.output
    assert invoke("speakers", "nope.txt", "-w", ws).exit_code == 1
    r = invoke("speakers", "09_quillfeather_legal.md", "--reset", "Sanne de Vries", "-w", ws, "--offline")
    assert r.exit_code == 0
    with Workspace(ws) as w:
        assert w.speaker_corrections() == {}
        t = {x.file_name: x for x in w.transcripts()}["09_quillfeather_legal.md"]
    assert "Sanne de Vries" not in t.interviewers
