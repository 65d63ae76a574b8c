"""The CLI as a user drives it: exit codes, messages naming files, JSON output, the whole run."""
from __future__ import annotations

import json
import shutil

import pytest
from conftest import SAMPLE
from typer.testing import CliRunner

from synth.cli import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_version_and_usage_errors():
    r = invoke("--version")
    assert r.exit_code == 0 and "synth 0." in r.stdout
    assert invoke("ingest", "--no-such-flag").exit_code == 2


def test_ingest_sample_then_reingest_is_a_noop(tmp_path):
    ws = tmp_path / "ws"
    r = invoke("ingest", SAMPLE, "-w", ws, "--json")
    assert r.exit_code == 0
    rep = json.loads(r.stdout)
    assert len(rep["files"]) == 10 and {f["status"] for f in rep["files"]} == {"new"}
    assert rep["accounts_file"].endswith("accounts.csv") and rep["account_warnings"] == []
    again = json.loads(invoke("ingest", SAMPLE, "-w", ws, "--json").stdout)
    assert {f["status"] for f in again["files"]} == {"unchanged"}


def test_bad_files_are_named_and_the_rest_goes_on(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SAMPLE / "01_ridgeline_analytics.txt", src)
    (src / "empty.txt").write_bytes(b"")
    (src / "blob.srt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    (src / "broken.vtt").write_text("WEBVTT\n\nnot a timing line\nhello\n")
    r = invoke("ingest", src, "-w", tmp_path / "ws")
    assert r.exit_code == 1
    out = r.stdout + r.stderr
    assert "empty.txt" in out and "empty file" in out
    assert "blob.srt" in out and "binary" in out
    assert "broken.vtt" in out
    assert "01_ridgeline_analytics.txt" in out and "new" in out


def test_an_empty_folder_is_an_error(tmp_path):
    (tmp_path / "nothing").mkdir()
    r = invoke("ingest", tmp_path / "nothing", "-w", tmp_path / "ws")
    assert r.exit_code == 1 and "no transcripts" in (r.stdout + r.stderr).lower()


def test_schema_is_valid_json_with_the_extraction_contract():
    r = invoke("schema")
    data = json.loads(r.stdout)
    assert "Extraction" in data["definitions"] and "PainPoint" in json.dumps(data)
    assert invoke("schema", "nonsense").exit_code == 2


@pytest.fixture(scope="module")
def ran(tmp_path_factory, embed_model):
    ws = tmp_path_factory.mktemp("run") / "ws"
    r = runner.invoke(app, ["run", str(SAMPLE), "-w", str(ws), "--offline"], catch_exceptions=False)
    return ws, r


def test_run_goes_from_files_to_scored_accounts(ran):
    ws, r = ran
    assert r.exit_code == 0, r.stdout + r.stderr
    for heading in ("Ingest", "Extraction (local", "Pain themes", "Trigger themes", "ICP draft",
                    "Account scores", "validation"):
        assert heading in r.stdout
    assert (ws / "icp.yaml").exists() and (ws / "synth.db").exists()


def test_review_commands_persist_in_review_yaml(ran):
    ws, _ = ran
    shown = invoke("themes", "-w", ws, "--json")
    themes = json.loads(shown.stdout)["themes"]
    pain = next(t for t in themes if t["category"] == "pain")
    assert invoke("review", "rename", pain["id"], "Access reviews eat weeks", "-w", ws).exit_code == 0
    assert invoke("review", "pin", pain["id"], "-w", ws).exit_code == 0
    text = (ws / "review.yaml").read_text()
    assert "Access reviews eat weeks" in text and pain["id"] in text
    after = json.loads(invoke("themes", "-w", ws, "--json").stdout)["themes"]
    mine = next(t for t in after if t["id"] == pain["id"])
    assert mine["label"] == "Access reviews eat weeks" and mine["pinned"] and mine["rank"] == 1
    r = invoke("review", "drop", "pain-999", "-w", ws)
    assert r.exit_code == 2 and "unknown theme id" in (r.stdout + r.stderr)
    assert invoke("review", "-w", ws, "--theme", pain["id"]).exit_code == 0


def test_score_cli_writes_crm_ready_output_and_names_rule_errors(ran, tmp_path):
    ws, _ = ran
    out = tmp_path / "scores.csv"
    r = invoke("score", SAMPLE / "accounts.csv", "--icp", ws / "icp.yaml", "--out", out)
    assert r.exit_code == 0, r.stdout + r.stderr
    header = out.read_text().splitlines()[0]
    assert "score" in header and "tier" in header
    bad = tmp_path / "bad.yaml"
    lines = (ws / "icp.yaml").read_text().splitlines()
    k = next(i for i, ln in enumerate(lines) if ln.strip().startswith("points:"))
    lines[k] = lines[k].split("points:")[0] + "points: ten"
    bad.write_text("\n".join(lines) + "\n")
    r = invoke("score", SAMPLE / "accounts.csv", "--icp", bad)
    assert r.exit_code == 2
    msg = r.stdout + r.stderr
    assert f":{k + 1}" in msg and "points" in msg
