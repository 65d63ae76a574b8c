"""`synth icp` (synthesize the rules file) and `synth score` (score any accounts CSV with it)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from synth.cli.options import WorkspaceOpt, llm_options, open_workspace
from synth.cli.show import print_icp, require_extractions
from synth.render import console, err, esc, scores_table, validation_lines


@llm_options
def icp(workspace: Path = WorkspaceOpt,
        out: Optional[Path] = typer.Option(None, help="rules file (default WORKSPACE/icp.yaml)"),
        overwrite: bool = typer.Option(False, help="replace icp.yaml even if it was edited by hand"),
        as_json: bool = typer.Option(False, "--json"), llm=None) -> None:
    """Synthesize the ICP (five attributes + negative profile) and write the editable icp.yaml.

    Example: synth icp -w .synth-study --offline
    """
    from synth import pipeline

    with open_workspace(workspace, lock="icp") as ws:
        require_extractions(ws)
        res = pipeline.icp(ws, llm, out, overwrite)
    if as_json:
        from synth.cli.outputs import icp_output, print_json

        print_json(icp_output(res))
        return
    print_icp(res)


def score(accounts: Path = typer.Argument(..., help="accounts CSV (synth, HubSpot or Salesforce export)"),
          workspace: Optional[Path] = typer.Option(
              None, "--workspace", "-w", help="workspace whose icp.yaml scores the accounts (its interviews are "
                                              "joined in); default .synth"),
          rules: Optional[Path] = typer.Option(None, "--icp", help="rules file (default WORKSPACE/icp.yaml)"),
          columns: Optional[str] = typer.Option(None, help="column preset: synth, hubspot, salesforce"),
          out: Optional[Path] = typer.Option(None, help="write scores to this .csv or .json"),
          seed: int = typer.Option(0, help="seed for the bootstrap intervals of the validation"),
          top: int = typer.Option(30, help="accounts to show"),
          as_json: bool = typer.Option(False, "--json", help="print the scores and validation as JSON")) -> None:
    """Score accounts 0-100 with a tier and per-rule reasons; validate against outcomes if present.

    Example: synth score leads.csv -w .synth-demo --out scored.csv
    """
    from synth import pipeline
    from synth.icp import RulesError, write_scores_csv, write_scores_json

    ws_root = workspace or Path(".synth")
    rules = rules or ws_root / "icp.yaml"
    if not accounts.exists():
        err.print(f"[red]error[/red] {esc(str(accounts))}: no such file (the accounts CSV to score)")
        raise typer.Exit(2)
    if not rules.exists():
        hint = ("pass --icp PATH, or --workspace WS where `synth run` / `synth icp` wrote icp.yaml"
                if workspace is None else "run `synth icp -w WS` first, or pass --icp PATH")
        err.print(f"[red]error[/red] {esc(str(rules))}: no such file ({hint})")
        raise typer.Exit(2)
    try:
        table, result, report = pipeline.score(accounts, rules, columns, seed, workspace=workspace)
    except RulesError as exc:
        err.print(f"[red]error[/red] {esc(str(exc))}")
        raise typer.Exit(2)
    except ValueError as exc:
        err.print(f"[red]error[/red] {esc(str(accounts))}: {esc(str(exc))}")
        raise typer.Exit(1)
    for w in result.warnings:  # the table's own warnings are among them
        err.print(f"[yellow]warning[/yellow] {esc(w)}")
    if out:
        (write_scores_json if out.suffix == ".json" else write_scores_csv)(result, out)
    if as_json:
        from synth.cli.outputs import print_json, scores_output

        print_json(scores_output(accounts, rules, result, report, out))
        return
    console.print(scores_table(result, limit=top))
    for line in validation_lines(report):
        console.print(line)
    if out:
        console.print(f"scores written to [b]{esc(str(out))}[/b]")
