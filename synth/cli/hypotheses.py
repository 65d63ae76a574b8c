"""`synth hypotheses`: test hypotheses.yaml against every interview; `synth run` calls `run_hypotheses` too."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from synth.cli.options import WorkspaceOpt, llm_options, open_workspace
from synth.cli.show import require_extractions
from synth.render import console, err, esc


def _load(ws, file: Optional[Path], required: bool):
    """(hypotheses, path) or None when there is no file and none was asked for."""
    from synth.hypotheses import FILE_NAME, HypothesesError, find_hypotheses_file, load_hypotheses

    path = file or find_hypotheses_file(ws.root, [t.path for t in ws.transcripts()])
    if path is None:
        if required:
            err.print(f"[red]error[/red] no {FILE_NAME} in {esc(str(ws.root))} or beside the transcripts: "
                      "write one (a list of `- id: H1` / `text: ...` entries) or pass --file")
            raise typer.Exit(2)
        return None
    try:
        return load_hypotheses(path), path
    except HypothesesError as exc:
        err.print(f"[red]error[/red] {esc(str(exc))}")
        if required:
            raise typer.Exit(2)
        return False  # `synth run` goes on without it and exits 1


def print_run(run, limit: int = 50) -> None:
    from rich.table import Table

    t = Table(title=f"Hypotheses ({run.method}: {run.interviews} interviews)", show_lines=False)
    for c in ("id", "hypothesis", "supports", "contradicts", "silent", "share (95% CI)", "won / lost", "verdict"):
        t.add_column(c, justify="right" if c in ("supports", "contradicts", "silent") else "left")
    for r in run.results[:limit]:
        s = r.split
        share = "–" if r.share is None else f"{r.share:.0%} ({r.ci_low:.0%}–{r.ci_high:.0%})"
        t.add_row(esc(r.hypothesis.id), esc(r.hypothesis.text[:70]), str(r.supports), str(r.contradicts),
                  str(r.silent), share, f"{s.won}/{s.won_total} · {s.lost}/{s.lost_total}", esc(r.verdict))
    console.print(t)
    console.print(f"[dim]method: {esc(run.method_text)}[/dim]")
    for n in run.notes[:10]:
        err.print(f"[yellow]note[/yellow] {esc(n)}")


def run_hypotheses(ws, llm, file: Optional[Path] = None, required: bool = False, embedding_model=None,
                   method: Optional[str] = None):
    """Test the study's hypotheses file and store the run. Without `required`: None when there is no
    file, False when it could not be read or the provider refused (said on stderr; the caller goes on)."""
    from synth.hypotheses import HypothesisOptions, check_hypotheses, store_run
    from synth.llm.caller import FatalProviderError

    found = _load(ws, file, required)
    if not found:
        return found
    hyps, path = found
    opts = HypothesisOptions(source=str(path), embedding_model=embedding_model, method=method)
    try:
        run = check_hypotheses(ws, hyps, llm, opts)
    except FatalProviderError as exc:
        err.print(f"[red]fatal[/red] {esc(str(exc))}: hypotheses not tested (finished calls are cached)")
        if required:
            raise typer.Exit(1)
        return False
    store_run(ws, run, "file")
    return run


@llm_options
def hypotheses(workspace: Path = WorkspaceOpt,
               file: Optional[Path] = typer.Option(None, "--file", "-f", help="hypotheses YAML (default: "
                                                   "WORKSPACE/hypotheses.yaml, else beside the transcripts)"),
               method: Optional[str] = typer.Option(None, help="llm or related (default: llm when a provider "
                                                    "is configured, else related)"),
               dry_run: bool = typer.Option(False, "--dry-run", help="print calls, tokens and cost; send nothing"),
               embedding_model: Optional[str] = typer.Option(None, help="local sentence-transformers model path"),
               as_json: bool = typer.Option(False, "--json"), llm=None) -> None:
    """Test each hypothesis against every interview: supports / contradicts / silent, with quotes and stats.

    Example: synth hypotheses -w .synth-study --file hypotheses.yaml --json
    """
    if method not in (None, "llm", "related"):
        raise typer.BadParameter("--method must be llm or related")
    if method == "llm" and llm is None:
        raise typer.BadParameter("--method llm needs a provider (--model/--base-url or OPENAI_API_KEY)")
    with open_workspace(workspace) as ws:
        require_extractions(ws)
        if dry_run:
            if llm is None or method == "related":
                console.print("offline related evidence: no LLM calls, $0")
                raise typer.Exit(0)
            from synth.hypotheses import estimate_hypotheses
            from synth.llm.prices import cost_text

            hyps, _ = _load(ws, file, True)
            est = estimate_hypotheses(ws, hyps, llm)
            print(est.model_dump_json(indent=2)) if as_json else console.print(
                f"[b]dry run[/b] {esc(llm.describe())}: {est.hypotheses} hypotheses x {est.chunks} chunks, "
                f"{est.cached} cached, [b]{est.calls} calls[/b], {est.tokens_in:,} tokens in, "
                f"~{est.tokens_out_estimate:,} out, estimated [b]{cost_text(est.cost_usd)}[/b] "
                f"({esc(est.reask_note)})")
            raise typer.Exit(0)
        run = run_hypotheses(ws, None if method == "related" else llm, file, True, embedding_model, method)
    if as_json:
        print(run.model_dump_json(indent=2))
    else:
        print_run(run)


def study_saturation(ws):
    """The saturation curves of the study's latest themes (None before `synth themes`)."""
    from synth.models import interview_date
    from synth.themes.saturation import stored_vectors, theme_saturation

    ts = ws.latest_themes()
    if ts is None:
        return None
    exs = ws.latest_extractions()
    accounts = ws.accounts()
    dates = {t.file_name: interview_date(accounts.get(t.file_name), t) for t in ws.transcripts([e.file for e in exs])}
    return theme_saturation(ts, exs, dates, vectors=stored_vectors(ws, ts, exs))


def saturation(workspace: Path = WorkspaceOpt, as_json: bool = typer.Option(False, "--json")) -> None:
    """Have new interviews stopped adding themes? Per category, in interview-date order and over random orders.

    Example: synth saturation -w .synth-study
    """
    with open_workspace(workspace) as ws:
        sat = study_saturation(ws)
    if sat is None:
        err.print("[red]error[/red] no themes yet: run `synth themes` first")
        raise typer.Exit(1)
    if as_json:
        print(sat.model_dump_json(indent=2))
        return
    for c in sat.curves:
        counted = "statement groups" if c.basis == "grouped" else "themes"
        console.print(f"[b]{esc(c.title)}[/b]: {' '.join(map(str, c.cumulative))} distinct {counted} after each "
                      f"interview (date order); {esc(c.verdict)}")
    if sat.undated:
        console.print(f"[dim]{sat.undated} interviews have no date (accounts.csv interview_date or front matter): "
                      "placed last[/dim]")
    console.print(f"[dim]{esc(sat.describe())}[/dim]")
