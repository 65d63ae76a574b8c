"""`synth run`: the whole pipeline in one command (ingest -> extract -> themes -> ICP -> report)."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from synth.cli.options import WorkspaceOpt, check_review_file, llm_options, open_workspace
from synth.cli.show import (
    print_endpoint,
    print_extract_problems,
    print_generation_counts,
    print_icp,
    print_request_notes,
    print_themes,
)
from synth.render import console, err, esc, extract_table, ingest_table, print_ingest_problems, progress_bars


@llm_options
def run(paths: List[Path] = typer.Argument(..., help="transcript files or folders"),
        workspace: Path = WorkspaceOpt,
        interviewer: Optional[List[str]] = typer.Option(None, "--interviewer"),
        redact: bool = typer.Option(False),
        as_json: bool = typer.Option(False, "--json", help="print one JSON object (`synth schema run`); "
                                                           "progress and warnings go to stderr"),
        llm=None) -> None:
    """Run the whole pipeline: ingest -> extract -> themes -> hypotheses -> ICP -> score.

    Example: synth run transcripts/ -w .synth-study && synth review --web -w .synth-study
    """
    from synth import pipeline
    from synth.cli.hypotheses import print_run, run_hypotheses
    from synth.extract import ExtractOptions
    from synth.report import write_report

    out = err if as_json else console  # with --json stdout carries the JSON and nothing else
    failed = False
    with open_workspace(workspace, lock="run") as ws:
        check_review_file(ws)
        report = pipeline.ingest(paths, ws, interviewer=interviewer)
        out.print(ingest_table(report))
        print_ingest_problems(report)
        failed |= bool(report.failed)
        if not report.transcripts_ok:
            raise typer.Exit(1)
        print_endpoint(llm)
        with progress_bars() as advance:
            advance.add("transcripts", len(report.transcripts_ok))
            xrun = pipeline.extract(ws, llm, ExtractOptions(redact=redact), advance)
        print_request_notes(xrun)
        out.print(extract_table(xrun))
        print_generation_counts(xrun.totals)
        # nothing extracted: themes, rules and a report of nothing would only look like results
        # (a partial file with every chunk lost has nothing in it either: issue 25)
        answered = [e for e in xrun.extractions if len({c.chunk for c in e.failed_chunks}) < (
            e.failed_chunks[0].chunks if e.failed_chunks else 1)]
        nothing = None if answered or xrun.fatal else (
            f"nothing was extracted ({len(xrun.failures) + len(xrun.partial)} of {len(report.transcripts_ok)} "
            "files failed or lost every chunk): stopping "
            "before themes, ICP and report. Finished calls are cached: the next run asks only what failed")
        if as_json and (xrun.fatal or nothing):
            _print_run_json(report, xrun, stopped=xrun.fatal or nothing)
        print_extract_problems(xrun, ": stopping before themes (finished calls are cached)")
        if nothing:
            err.print(f"[red]stopped[/red] {esc(nothing)}")
            raise typer.Exit(1)
        failed |= bool(xrun.failures or xrun.partial)
        ts = pipeline.themes(ws, None, llm)
        hyp = run_hypotheses(ws, llm)  # only when a hypotheses.yaml is in the workspace or beside the transcripts
        failed |= hyp is False
        res = pipeline.icp(ws, llm)
        paths_out = write_report(ws, ws.root / "report", res)
        if as_json:
            _print_run_json(report, xrun, ts, res, paths_out, hypotheses=hyp or None)
        else:
            print_themes(ts, 5, ws=ws)
            if hyp:
                print_run(hyp, 10)
            print_icp(res)
            console.print(f"[b]report[/b] {esc(str(paths_out.html))} ({paths_out.html_bytes / 1024:.0f} KB), "
                          f"{esc(str(paths_out.markdown))}, {esc(str(paths_out.themes_json))}, "
                          f"{esc(str(paths_out.items_csv))}")
            w = esc(str(workspace))
            console.print(f"open the report: [b]{esc(str(paths_out.html))}[/b]; review the themes in the browser: "
                          f"[b]synth review --web -w {w}[/b] (add [b]--no-open[/b] on a headless machine or over "
                          "SSH, then open the URL it prints)")
    raise typer.Exit(1 if failed else 0)


def _print_run_json(ingest, xrun, ts=None, res=None, paths=None, stopped=None, hypotheses=None) -> None:
    from synth.cli.outputs import RunOutput, icp_output, print_json

    print_json(RunOutput(ingest=ingest, extract=xrun, themes=ts, hypotheses=hypotheses,
                         icp=icp_output(res) if res else None, report=paths, stopped=stopped))
