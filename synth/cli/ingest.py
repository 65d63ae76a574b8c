"""`synth ingest`: parse transcripts into the workspace."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from synth.cli.options import WorkspaceOpt, open_workspace
from synth.render import console, ingest_table, print_ingest_problems


def ingest(paths: List[Path] = typer.Argument(..., help="transcript files or folders"),
           workspace: Path = WorkspaceOpt,
           interviewer: Optional[List[str]] = typer.Option(None, "--interviewer",
                                                           help="name of an interviewer (repeatable)"),
           accounts: Optional[Path] = typer.Option(None, help="accounts.csv (default: beside the files)"),
           follow_links: bool = typer.Option(False, "--follow-links",
                                             help="read symbolic links that leave the study folder"),
           as_json: bool = typer.Option(False, "--json", help="print JSON instead of a table")) -> None:
    """Parse transcripts (txt, md, vtt, srt, Otter, JSON exports) into the workspace.

    Example: synth ingest interviews/ -w .synth-study --interviewer "Dana Reyes"
    """
    from synth import pipeline

    with open_workspace(workspace) as ws:
        report = pipeline.ingest(paths, ws, interviewer=interviewer, accounts_csv=accounts,
                                 follow_links=follow_links)
    if as_json:
        print(report.model_dump_json(indent=2))
    else:
        console.print(ingest_table(report))
        print_ingest_problems(report)
    raise typer.Exit(1 if report.failed else 0)
