"""`synth run`: the whole pipeline in one command (ingest -> extract -> themes -> ICP -> report)."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from synth import pipeline
from synth.cli.options import WorkspaceOpt, llm_options, open_workspace
from synth.cli.show import print_extract_problems, print_icp, print_themes
from synth.extract import ExtractOptions
from synth.render import console, err, esc, extract_table, ingest_table, print_ingest_problems, progress_bars
from synth.report import write_report


@llm_options
def run(paths: List[Path] = typer.Argument(..., help="transcript files or folders"),
        workspace: Path = WorkspaceOpt,
        interviewer: Optional[List[str]] = typer.Option(None, "--interviewer"),
        concurrency: int = typer.Option(8, min=1, max=256),
        redact: bool = typer.Option(False), llm=None) -> None:
    """Run the whole pipeline: ingest -> extract -> themes -> ICP -> score."""
    failed = False
    with open_workspace(workspace) as ws:
        report = pipeline.ingest(paths, ws, interviewer=interviewer)
        console.print(ingest_table(report))
        print_ingest_problems(report)
        failed |= bool(report.failed)
        if not report.transcripts_ok:
            raise typer.Exit(1)
        if llm is None:
            err.print("[cyan]no LLM provider configured: using the offline local extractor[/cyan]")
        with progress_bars() as advance:
            advance.add("transcripts", len(report.transcripts_ok))
            xrun = pipeline.extract(ws, llm, ExtractOptions(concurrency=concurrency, redact=redact), advance)
        console.print(extract_table(xrun))
        print_extract_problems(xrun, ": stopping before themes (finished calls are cached)")
        failed |= bool(xrun.failures)
        ts = pipeline.themes(ws, None, llm)
        print_themes(ts, 5, ws=ws)
        res = pipeline.icp(ws, llm)
        print_icp(res)
        out = write_report(ws, ws.root / "report", res)
        console.print(f"[b]report[/b] {esc(str(out.html))} ({out.html_bytes / 1024:.0f} KB), "
                      f"{esc(str(out.markdown))}, {esc(str(out.themes_json))}, {esc(str(out.items_csv))}")
    raise typer.Exit(1 if failed else 0)
