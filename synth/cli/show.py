"""Printing shared by several commands (themes after `themes`, `run` and every `review` decision)."""
from __future__ import annotations

import typer

from synth.render import console, dmu_table, err, esc, profile_table, scores_table, themes_table, validation_lines


def print_themes(ts, top: int, quotes: int = 1, ws=None) -> None:
    from synth.models import THEME_SECTIONS

    by_id = {it.id: it for e in ws.latest_extractions() for it in e.items()} if ws is not None else None
    for cat in THEME_SECTIONS:
        console.print(themes_table(ts, cat, top=top, quotes=quotes, items_by_id=by_id))
    if ts.dmu:
        console.print(dmu_table(ts))
    unc = {k: len(v) for k, v in ts.unclustered.items() if v}
    if unc:
        console.print("[dim]unclustered (single-interview or outlier items): " +
                      ", ".join(f"{k} {v}" for k, v in unc.items()) + "[/dim]")
    for s in ts.stale_decisions:
        err.print(f"[yellow]review decision no longer applies[/yellow] {esc(s)}")
    if ts.labels_not_shown:
        err.print(f"[yellow]{len(ts.labels_not_shown)} LLM theme labels not shown[/yellow] (the deterministic "
                  "label is shown instead): " + "; ".join(f"{esc(k)}: {esc(v)}" for k, v in
                                                        sorted(ts.labels_not_shown.items())))


def print_generation_counts(totals) -> None:
    """Replies a small local model cut off at the token cap or spent looping: counted, never hidden."""
    if totals.replies_truncated or totals.replies_looping:
        err.print(f"[yellow]bounded generation[/yellow] {totals.replies_truncated} replies cut off at the token "
                  f"cap (each re-asked as two halves; {totals.parts_lost} halves cut off again, nothing taken "
                  f"from them), {totals.replies_looping} replies ended in a repetition loop")


def print_endpoint(llm) -> None:
    """Which endpoint and mode a command uses, before it sends anything (`extract` and `run` alike)."""
    if llm is None:
        err.print("[cyan]no LLM provider configured (OPENAI_API_KEY / OPENAI_BASE_URL): using the "
                  "offline local extractor[/cyan]")
    else:
        err.print(f"[cyan]extracting with {esc(llm.describe())}[/cyan]")


def print_request_notes(run) -> None:
    """What the endpoint note, the probe and the price say about the requests in the table."""
    if getattr(run, "endpoint_note", None):
        err.print(f"[cyan]{esc(run.endpoint_note)}[/cyan]")
    probe = getattr(run, "probe", None)
    if probe is not None and probe.sent:
        err.print(f"[dim]probe: {probe.sent} requests asking how the endpoint takes structured requests, or "
                  "whether a busy local server was free again (refusals expected): not in the calls above[/dim]")
    if getattr(run, "price_note", None):
        err.print(f"[dim]cost: {esc(run.price_note)}[/dim]")


def print_extract_problems(run, fatal_note: str = "") -> None:
    """One line per failed file; a fatal provider error ends the command with exit code 1."""
    for f in run.failures:
        err.print(f"[red]error[/red] {esc(f.file)}: {esc(f.error)}")
    for e in getattr(run, "extractions", []):
        for c in e.failed_chunks:  # a partial file: its other chunks are kept and shown
            err.print(f"[yellow]partial[/yellow] {esc(e.file)}: chunk {c.chunk} of {c.chunks}: {esc(c.error)}")
    for note in getattr(run, "roles", []):  # what the role check did to who is speaking: the user should know
        err.print(f"[yellow]roles[/yellow] {esc(note)}")
    if run.fatal:
        err.print(f"[red]fatal[/red] {esc(run.fatal)}{fatal_note}")
        raise typer.Exit(1)


def print_icp(res) -> None:
    console.print(profile_table(res.profile))
    console.print(f"[b]ICP narrative[/b] ({res.narrative_source}): {esc(res.narrative)}")
    if getattr(res, "narrative_not_shown", None):
        err.print(f"[yellow]the LLM's narrative was not shown[/yellow] ({esc(res.narrative_not_shown)}): "
                  "the template narrative is shown instead")
    if res.rules_written:
        console.print(f"rules written to [b]{esc(str(res.rules_path))}[/b]: edit it, then `synth score`")
    else:
        console.print(f"[yellow]{esc(str(res.rules_path))} was edited by hand: kept it; the fresh synthesis is "
                      f"in {esc(str(res.rules_path.with_name(res.rules_path.stem + '.proposed.yaml')))}[/yellow]")
    if res.not_scored:
        console.print(f"[yellow]{esc(res.not_scored)}[/yellow] (add an accounts.csv with firmographics or "
                      "outcomes, then `synth icp` again)")
        return
    console.print(scores_table(res.scores))
    for line in validation_lines(res.validation):
        console.print(line)


def require_extractions(ws) -> None:
    if not ws.has_extractions():
        err.print("[red]error[/red] nothing extracted yet: run `synth extract` first")
        raise typer.Exit(1)
