"""The CLI as a tool people already know: instant start-up, flags shown bare, --json on every command
that prints results, a workspace flag wherever one is implied."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import SAMPLE
from typer.testing import CliRunner

from synth.cli import app

runner = CliRunner()

# What a command imports only when it reaches the step that needs it (issue 26): none may load with the
# CLI root or while rendering any command's --help. numpy too (synth.models is not listed only because
# typer itself imports pydantic when it builds a command's parameters).
HEAVY = ("torch", "sentence_transformers", "sklearn", "scipy", "openai", "instructor", "matplotlib",
         "starlette", "uvicorn", "hdbscan", "umap", "numpy", "synth.models", "synth.pipeline", "synth.workspace")


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def _command_names() -> list[str]:
    import typer.main

    return sorted(typer.main.get_command(app).commands)


# every command the root attaches: a new one joins the start-up and help checks by existing
COMMANDS = tuple(_command_names())


def test_the_walk_covers_the_pipeline_commands():
    assert {"ingest", "extract", "themes", "icp", "score", "report", "run", "review", "schema"} <= set(COMMANDS)


def test_cli_root_and_every_help_load_no_heavy_package():
    probe = (
        "import sys\n"
        "import synth.cli\n"
        "from typer.testing import CliRunner\n"
        f"for c in [[], *[[n] for n in {list(COMMANDS)!r}], ['review', 'pin']]:\n"
        "    r = CliRunner().invoke(synth.cli.app, [*c, '--help'])\n"
        "    assert r.exit_code == 0, (c, r.output)\n"
        f"print(sorted({{m for m in sys.modules if m.split('.')[0] in {HEAVY!r} or m in {HEAVY!r}}}))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", f"loaded at start-up: {out.strip()}"


def test_flags_are_shown_without_a_value_type_and_every_command_has_an_example():
    for name in [None, *COMMANDS]:
        r = invoke(*([name] if name else []), "--help")
        assert r.exit_code == 0
        assert "<bool>" not in r.stdout, name
        if name:
            assert "Example:" in r.stdout, name


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    ws = tmp_path_factory.mktemp("cli") / "ws"
    r = invoke("run", SAMPLE, "-w", ws, "--json")
    assert r.exit_code == 0, r.output
    return ws, json.loads(r.stdout)


def test_run_json_is_one_object_with_every_stage(study):
    _, out = study
    assert len(out["ingest"]["files"]) == 10 and out["extract"]["extractions"]
    assert out["themes"]["themes"] and out["icp"]["rules_path"].endswith("icp.yaml")
    assert out["report"]["html"].endswith("report.html") and out["stopped"] is None


@pytest.mark.parametrize("args", [
    ("ingest", SAMPLE, "--json"), ("extract", "--json"), ("themes", "--json"), ("icp", "--json"),
    ("report", "--json"), ("review", "--json"), ("review", "pin", "pain-1", "--json"),
    ("score", SAMPLE / "accounts.csv", "--json")])
def test_every_result_command_prints_only_json(study, args):
    ws, _ = study
    r = invoke(*args, "-w", ws)
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)  # nothing but the JSON on stdout
    assert isinstance(out, dict) and out


def test_review_honours_a_workspace_given_before_the_subcommand(study):
    ws, _ = study
    r = invoke("review", "-w", ws, "--json", "pin", "pain-1")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert "pin" in out["decision"] and out["review"]["review_file"].startswith(str(ws))
    assert next(t for t in out["themes"]["themes"] if t["id"] == "pain-1")["pinned"]
    assert invoke("review", "-w", ws, "unpin", "pain-1").exit_code == 0


def test_score_reads_the_workspace_rules_and_names_the_fixing_flag(study, tmp_path):
    ws, _ = study
    r = invoke("score", SAMPLE / "accounts.csv", "--workspace", ws, "--json")
    assert r.exit_code == 0
    out = json.loads(r.stdout)
    assert out["rules_path"] == str(ws / "icp.yaml") and len(out["scores"]["accounts"]) == 10
    missing = invoke("score", SAMPLE / "accounts.csv", "-w", tmp_path / "nowhere")
    assert missing.exit_code == 2 and "synth icp -w" in missing.output
    bare = runner.invoke(app, ["score", str(SAMPLE / "accounts.csv")], catch_exceptions=False)
    if bare.exit_code == 2:  # no .synth here: the message names both flags that fix it
        assert "--icp" in bare.output and "--workspace" in bare.output


def test_schema_documents_each_commands_json():
    for name in ("run", "score", "review", "report", "icp", "themes", "ingest", "extract"):
        r = invoke("schema", name)
        assert r.exit_code == 0 and json.loads(r.stdout)["type"] == "object", name
    assert invoke("schema", "nonsense").exit_code == 2


def test_demo_tells_where_the_report_is_and_how_to_review_headless(study):
    ws, _ = study
    r = invoke("run", SAMPLE, "-w", ws)
    assert r.exit_code == 0
    text = re.sub(r"\s+", " ", r.stdout)
    assert "report.html" in text and "synth review --web -w" in text and "--no-open" in text
