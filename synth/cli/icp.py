"""`synth icp` (synthesize the rules file) and `synth score` (score any accounts CSV with it)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from synth import pipeline
from synth.cli.options import WorkspaceOpt, llm_options, open_workspace
from synth.cli.show import print_icp, require_extractions
from synth.icp import RulesError, write_scores_csv, write_scores_json
from synth.render import console, err, esc, scores_table, validation_lines


@llm_options
def icp(workspace: Path = WorkspaceOpt,
        out: Optional[Path] = typer.Option(None, help="rules file (default WORKSPACE/icp.yaml)"),
        overwrite: bool = typer.Option(False, help="replace icp.yaml even if it was edited by hand"),
        as_json: bool = typer.Option(False, "--json"), llm=None) -> None:
    """Synthesize the ICP (five attributes + negative profile) and write the editable icp.yaml."""
    with open_workspace(workspace) as ws:
        require_extractions(ws)
        res = pipeline.icp(ws, llm, out, overwrite)
    if as_json:
        print(json.dumps({"profile": res.profile.model_dump(mode="json"), "narrative": res.narrative,
                          "rules_path": str(res.rules_path),
                          "validation": res.validation.model_dump(mode="json") if res.validation else None},
                         indent=2))
        return
    print_icp(res)


def score(accounts: Path = typer.Argument(..., help="accounts CSV (synth, HubSpot or Salesforce export)"),
          rules: Path = typer.Option(Path(".synth/icp.yaml"), "--icp", help="rules file"),
          columns: Optional[str] = typer.Option(None, help="column preset: synth, hubspot, salesforce"),
          out: Optional[Path] = typer.Option(None, help="write scores to this .csv or .json"),
          seed: int = typer.Option(0, help="seed for the bootstrap intervals of the validation"),
          top: int = typer.Option(30, help="accounts to show")) -> None:
    """Score accounts 0-100 with a tier and per-rule reasons; validate against outcomes if present."""
    for p in (accounts, rules):
        if not p.exists():
            err.print(f"[red]error[/red] {esc(str(p))}: no such file")
            raise typer.Exit(2)
    try:
        table, result, report = pipeline.score(accounts, rules, columns, seed)
    except RulesError as exc:
        err.print(f"[red]error[/red] {esc(str(exc))}")
        raise typer.Exit(2)
    except ValueError as exc:
        err.print(f"[red]error[/red] {esc(str(accounts))}: {esc(str(exc))}")
        raise typer.Exit(1)
    for w in result.warnings:  # the table's own warnings are among them
        err.print(f"[yellow]warning[/yellow] {esc(w)}")
    console.print(scores_table(result, limit=top))
    for line in validation_lines(report):
        console.print(line)
    if out:
        (write_scores_json if out.suffix == ".json" else write_scores_csv)(result, out)
        console.print(f"scores written to [b]{esc(str(out))}[/b]")
