"""`synth report`: report.html (self-contained), report.md, themes.json and items.csv."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from synth.cli.options import WorkspaceOpt, check_review_file, llm_options, open_workspace
from synth.render import console, err, esc


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


@llm_options
def report(workspace: Path = WorkspaceOpt,
           out: Optional[Path] = typer.Option(None, "--out", "-o", help="output folder (default WORKSPACE/report)"),
           as_json: bool = typer.Option(False, "--json", help="print the written paths as JSON"),
           llm=None) -> None:
    """Write report.html (self-contained: inline CSS and SVG, no network), report.md, themes.json and items.csv.

    With a provider configured, the ICP narrative comes from its cache (or one call); --offline uses the template.

    Example: synth report -w .synth-demo --out ~/study-report
    """
    from synth import pipeline
    from synth.report import write_report

    if not (workspace / "synth.db").exists():
        w = esc(str(workspace))
        err.print(f"[red]error[/red] no workspace at {w}: run `synth run FOLDER -w {w}` first, or pass "
                  "--workspace WS where it ran")
        raise typer.Exit(1)
    with open_workspace(workspace, lock="report") as ws:
        check_review_file(ws)
        if not ws.has_extractions():
            err.print("[red]error[/red] nothing extracted yet: run `synth run` (or ingest, extract, themes) first")
            raise typer.Exit(1)
        icp_result = None
        if ws.latest_themes() is not None:
            icp_result = pipeline.icp(ws, llm)
        else:
            err.print("[yellow]warning[/yellow] no themes yet (run `synth themes`): the report has no themes or ICP")
        paths = write_report(ws, out or workspace / "report", icp_result)
    if as_json:
        from synth.cli.outputs import print_json

        print_json(paths)
        return
    console.print(f"report written: [b]{esc(str(paths.html))}[/b] ({_size(paths.html_bytes)}, self-contained)")
    for p in (paths.markdown, paths.themes_json, paths.items_csv):
        console.print(f"  {esc(str(p))}")
