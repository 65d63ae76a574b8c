"""`synth speakers`: who is speaking in each transcript, and the user's corrections.

    synth speakers                              # every file: labels, turns, questions, role as read
    synth speakers FILE                         # one file
    synth speakers FILE --interviewer "Unknown Speaker" --interviewee Kelly
    synth speakers FILE --reset LABEL           # forget a correction (the next ingest infers again)

A correction is stored in the workspace (applied at every later ingest of the file) and re-extracts
that file only; the study's other files and every cached LLM call stay as they are.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from synth.cli.options import WorkspaceOpt, llm_options, open_workspace
from synth.render import console, err, esc


def _rows(t) -> list[dict]:
    from synth.ingest.roles import label_summary

    return label_summary(t)


def _print(t) -> None:
    from rich.table import Table

    warn = "" if t.role_confidence >= 0.6 else " [yellow](unsure: check the roles)[/yellow]"
    table = Table(title=f"{esc(t.file_name)} · {esc(t.layout or t.format)} · {t.kind} · role confidence "
                        f"{t.role_confidence:.2f} ({esc(t.interviewer_source.replace('_', ' '))}){warn}")
    for col in ("label", "turns", "questions", "words", "role"):
        table.add_column(col, justify="right" if col in ("turns", "questions", "words") else "left")
    for r in _rows(t):
        role = r["role"]
        if role == "mixed":
            role = f"mixed: {r['interviewer_turns']} of {r['turns']} turns interviewer"
        table.add_row(esc(r["label"]), str(r["turns"]), str(r["questions"]), str(r["words"]), esc(role))
    console.print(table)


def speakers(file: Optional[str] = typer.Argument(None, help="a transcript's file name (default: all)"),
             workspace: Path = WorkspaceOpt,
             interviewer: Optional[List[str]] = typer.Option(None, "--interviewer",
                                                             help="this label is an interviewer (repeatable)"),
             interviewee: Optional[List[str]] = typer.Option(None, "--interviewee",
                                                             help="this label is the interviewee's side "
                                                                  "(repeatable)"),
             reset: Optional[List[str]] = typer.Option(None, "--reset", help="forget the correction of a label"),
             as_json: bool = typer.Option(False, "--json", help="print JSON"),
             llm=None) -> None:
    """List speaker labels with their inferred roles; correct a file's roles.

    Example: synth speakers 03_interview.md --interviewer "Speaker 1" -w .synth-study
    """
    from synth.ingest.roles import apply_corrections

    changes = {**{x: "interviewer" for x in interviewer or []}, **{x: "interviewee" for x in interviewee or []}}
    with open_workspace(workspace) as ws:
        ts = {t.file_name: t for t in ws.transcripts()}
        if not ts:
            err.print(f"[red]error[/red] no transcripts in workspace {esc(str(workspace))}: run `synth ingest` first")
            raise typer.Exit(1)
        if file is not None and Path(file).name not in ts:
            err.print(f"[red]error[/red] {esc(file)}: not a transcript of this workspace "
                      f"(files: {esc(', '.join(sorted(ts)))})")
            raise typer.Exit(1)
        if (changes or reset) and file is None:
            raise typer.BadParameter("--interviewer/--interviewee/--reset need a FILE")
        if changes or reset:
            t = ts[Path(file).name]
            stored = ws.speaker_corrections().get(t.file_name, {})
            for label in reset or []:
                stored.pop(label, None)
                ws.set_speaker_role(t.file_name, label, None)
            try:
                fixed = apply_corrections(t, changes)
            except ValueError as exc:
                err.print(f"[red]error[/red] {esc(str(exc))}")
                raise typer.Exit(1) from None
            for label, role in changes.items():
                ws.set_speaker_role(t.file_name, label, role)
            if reset:
                fixed = _reread(t, {**stored, **changes}) or fixed
            ws.put_transcript(fixed)  # same bytes, new roles: its extraction is dropped, the others kept
            ts[t.file_name] = fixed
            _reextract(ws, t.file_name, llm)
        shown = [ts[Path(file).name]] if file else list(ts.values())
        if as_json:
            print(json.dumps([{"file": t.file_name, "layout": t.layout, "kind": t.kind,
                               "role_confidence": t.role_confidence, "source": t.interviewer_source,
                               "interviewers": t.interviewers, "interviewee": t.interviewee,
                               "labels": _rows(t)} for t in shown], indent=2))
        else:
            for t in shown:
                _print(t)


def _reread(t, corrections: dict[str, str]):
    """After a reset the file is read again (when it is still there) so inference takes over."""
    from synth.ingest import IngestError, load_transcript

    try:
        return load_transcript(t.path, corrections=corrections or None)
    except (IngestError, OSError):
        return None


def _reextract(ws, file_name: str, llm) -> None:
    from synth import pipeline

    if not ws.has_extractions():
        return  # nothing extracted yet: `synth extract` will do every file
    run = pipeline.extract(ws, llm, files=[file_name])
    for f in run.failures:
        err.print(f"[red]error[/red] {esc(f.file)}: {esc(f.error)}")
    err.print(f"[cyan]{esc(file_name)} re-extracted ({run.extractor}); re-run `synth themes` to update "
              "the themes[/cyan]")


speakers = llm_options(speakers)
