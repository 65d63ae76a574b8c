"""synth command line: parses options, calls pipeline stages, renders. No logic lives here.

Exit codes: 0 all ok, 1 some inputs failed, 2 usage error (typer's own).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from synth import __version__
from synth import pipeline
from synth.render import console, err, esc

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="rich",
                  help="Turn customer-interview transcripts into grounded evidence, ranked themes "
                       "and an ICP scorer.")

WorkspaceOpt = typer.Option(Path(".synth"), "--workspace", "-w", help="workspace folder (holds synth.db)")


def _ws(path: Path):
    from synth.workspace import Workspace

    return Workspace(path)


def _version(value: bool) -> None:
    if value:
        console.print(f"synth {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="print the version and exit")) -> None:
    """synth: interview synthesis for B2B go-to-market teams."""


def _provider(model, base_url, provider, mode, config, offline):
    from synth.extract.provider import resolve_provider

    if offline:
        return None
    return resolve_provider(model=model, base_url=base_url, provider=provider, mode=mode,
                            config_file=config)


@app.command()
def ingest(paths: List[Path] = typer.Argument(..., help="transcript files or folders"),
           workspace: Path = WorkspaceOpt,
           interviewer: Optional[List[str]] = typer.Option(None, "--interviewer",
                                                           help="name of an interviewer (repeatable)"),
           accounts: Optional[Path] = typer.Option(None, help="accounts.csv (default: beside the files)"),
           as_json: bool = typer.Option(False, "--json", help="print JSON instead of a table")) -> None:
    """Parse transcripts (txt, md, vtt, srt, Otter, JSON exports) into the workspace."""
    with _ws(workspace) as ws:
        report = pipeline.ingest(paths, ws, interviewer=interviewer, accounts_csv=accounts)
    if as_json:
        print(report.model_dump_json(indent=2))
    else:
        console.print(_ingest_table(report))
        from synth.render import print_ingest_problems

        print_ingest_problems(report)
    raise typer.Exit(1 if report.failed else 0)


def _ingest_table(report):
    from synth.render import ingest_table

    return ingest_table(report)


@app.command()
def extract(workspace: Path = WorkspaceOpt,
            model: Optional[str] = typer.Option(None, help="model name (env SYNTH_MODEL)"),
            base_url: Optional[str] = typer.Option(None, help="OpenAI-compatible base URL (env OPENAI_BASE_URL)"),
            provider: Optional[str] = typer.Option(None, help="openai, azure, ollama, vllm, llamacpp, lmstudio"),
            mode: Optional[str] = typer.Option(None, help="instructor mode: tools, json, json_schema, md_json"),
            config: Optional[Path] = typer.Option(None, help="synth.yaml with an `llm:` section"),
            offline: bool = typer.Option(False, "--offline", help="use the local extractor even if a provider is set"),
            concurrency: int = typer.Option(8, min=1, max=256, help="parallel LLM calls"),
            redact: bool = typer.Option(False, help="replace emails, phones, URLs and names before sending"),
            budget: int = typer.Option(3000, help="tokens of transcript per chunk"),
            prices: Optional[Path] = typer.Option(None, help="price table YAML (default prompts/prices.yaml)"),
            dry_run: bool = typer.Option(False, "--dry-run", help="print calls, tokens and cost; send nothing"),
            as_json: bool = typer.Option(False, "--json")) -> None:
    """Extract pains, triggers, alternatives and DMU members from the ingested transcripts."""
    from synth.extract import ExtractOptions, estimate
    from synth.render import extract_table, progress_bars

    cfg = _provider(model, base_url, provider, mode, config, offline)
    opts = ExtractOptions(concurrency=concurrency, redact=redact, budget_tokens=budget, prices_path=prices)
    with _ws(workspace) as ws:
        transcripts = ws.transcripts()
        if not transcripts:
            err.print("[red]error[/red] no transcripts in the workspace: run `synth ingest PATH` first")
            raise typer.Exit(1)
        if dry_run:
            if cfg is None:
                console.print("no LLM provider configured: the local extractor makes no calls and costs $0")
                raise typer.Exit(0)
            est = estimate(transcripts, ws, cfg, opts)
            print(est.model_dump_json(indent=2)) if as_json else console.print(
                f"[b]dry run[/b] {cfg.describe()}: {est.chunks} chunks, {est.cached} cached, "
                f"[b]{est.calls} calls[/b], {est.tokens_in:,} tokens in, ~{est.tokens_out_estimate:,} out, "
                f"estimated [b]${est.cost_usd:.4f}[/b] (prices {est.prices_version})")
            raise typer.Exit(0)
        if cfg is None:
            err.print("[cyan]no LLM provider configured (OPENAI_API_KEY / OPENAI_BASE_URL): using the "
                      "offline local extractor[/cyan]")
        else:
            err.print(f"[cyan]extracting with {esc(cfg.describe())}[/cyan]")
        with progress_bars(not as_json) as advance:
            advance.add("transcripts", len(transcripts))
            run = pipeline.extract(ws, cfg, opts, advance)
    if as_json:
        print(run.model_dump_json(indent=2))
    else:
        console.print(extract_table(run))
    for f in run.failures:
        err.print(f"[red]error[/red] {esc(f.file)}: {esc(f.error)}")
    if run.fatal:
        err.print(f"[red]fatal[/red] {esc(run.fatal)}")
        raise typer.Exit(1)
    raise typer.Exit(1 if run.failures else 0)


@app.command()
def schema(what: str = typer.Argument("all", help="all, extraction, transcript, exports")) -> None:
    """Print the JSON schema of synth's artifacts (for tools that consume them)."""
    from synth.models import export_schema

    full = export_schema()
    if what == "all":
        print(json.dumps(full, indent=2))
        return
    key = {"extraction": "Extraction", "transcript": "Transcript", "accounts": "AccountRow"}.get(what)
    if key is None:
        err.print(f"[red]error[/red] unknown schema {what!r}: choose all, extraction, transcript, accounts")
        raise typer.Exit(2)
    print(json.dumps(full["definitions"][key], indent=2))


def _theme_options(min_cluster_size, selection, reduction, attach_outliers):
    from synth.cluster import ClusterParams
    from synth.themes import ThemeOptions

    return ThemeOptions(params=ClusterParams(min_cluster_size=min_cluster_size, selection=selection,
                                             reduction=reduction, attach_outliers=attach_outliers))


def _print_themes(ts, top: int, quotes: int = 1, ws=None) -> None:
    from synth.render import dmu_table, themes_table

    by_id = None
    if ws is not None and quotes > 1:
        by_id = {it.id: it for e in ws.latest_extractions() for it in e.items()}
    for cat in ("trigger", "pain", "alternative"):
        console.print(themes_table(ts, cat, top=top, quotes=quotes, items_by_id=by_id))
    if ts.dmu:
        console.print(dmu_table(ts))
    unc = {k: len(v) for k, v in ts.unclustered.items() if v}
    if unc:
        console.print("[dim]unclustered (single-interview or outlier items): " +
                      ", ".join(f"{k} {v}" for k, v in unc.items()) + "[/dim]")
    for s in ts.stale_decisions:
        err.print(f"[yellow]review decision no longer applies[/yellow] {esc(s)}")


@app.command()
def themes(workspace: Path = WorkspaceOpt,
           min_cluster_size: Optional[int] = typer.Option(None, help="HDBSCAN min_cluster_size (default adapts to interviews)"),
           selection: str = typer.Option("leaf", help="HDBSCAN cluster selection: leaf or eom"),
           reduction: str = typer.Option("auto", help="auto (UMAP from 30 items up), umap, pca or none"),
           attach_outliers: bool = typer.Option(False, help="attach outliers to their nearest theme when similar enough"),
           offline: bool = typer.Option(False, "--offline", help="deterministic labels only, no LLM"),
           top: int = typer.Option(10, help="themes to show per category"),
           as_json: bool = typer.Option(False, "--json")) -> None:
    """Cluster extracted items into ranked themes (triggers, pains, alternatives) and a DMU map."""
    from synth.themes import build_themes

    cfg = _provider(None, None, None, None, None, offline)
    with _ws(workspace) as ws:
        if not ws.latest_extractions():
            err.print("[red]error[/red] nothing extracted yet: run `synth extract` first")
            raise typer.Exit(1)
        ts = build_themes(ws, _theme_options(min_cluster_size, selection, reduction, attach_outliers), cfg)
        if as_json:
            print(ts.model_dump_json(indent=2))
        else:
            _print_themes(ts, top)


review_app = typer.Typer(help="Review themes: show, rename, merge, split, pin, drop. Decisions live in "
                              "review.yaml in the workspace and survive re-runs.", no_args_is_help=False)
app.add_typer(review_app, name="review")


def _reassemble(ws):
    from synth.themes import assemble_themes

    ts = ws.latest_themes()
    if ts is None:
        err.print("[red]error[/red] no themes yet: run `synth themes` first")
        raise typer.Exit(1)
    ts = assemble_themes(ws, ts)
    ws.put_themes(ts)
    return ts


def _edit_review(workspace: Path, change) -> None:
    from synth.review import load_review, review_path, save_review

    with _ws(workspace) as ws:
        path = review_path(ws.root)
        rv = load_review(path)
        ts = ws.latest_themes()
        known = set(ts.raw_clusters) if ts else set()
        msg = change(rv, ts, known)
        save_review(rv, path)
        ts = _reassemble(ws)
        console.print(f"[green]{esc(msg)}[/green] (saved to {esc(str(path))})")
        _print_themes(ts, 10)


def _need(tid: str, ts, known: set) -> None:
    ids = {t.id for t in ts.themes} | known if ts else known
    if tid not in ids:
        err.print(f"[red]error[/red] unknown theme id {esc(tid)}; known: {esc(', '.join(sorted(ids)))}")
        raise typer.Exit(2)


@review_app.callback(invoke_without_command=True)
def review_show(ctx: typer.Context, workspace: Path = WorkspaceOpt,
                theme: Optional[str] = typer.Option(None, "--theme", help="show one theme in full"),
                quotes: int = typer.Option(3, help="quotes per theme")) -> None:
    """Show ranked themes with their quotes (file, speaker, timestamp)."""
    if ctx.invoked_subcommand is not None:
        return
    from synth.render import breakdown_table

    with _ws(workspace) as ws:
        ts = _reassemble(ws)
        if theme:
            th = next((t for t in ts.themes if t.id == theme), None)
            if th is None:
                err.print(f"[red]error[/red] unknown theme id {esc(theme)}")
                raise typer.Exit(2)
            by_id = {it.id: it for e in ws.latest_extractions() for it in e.items()}
            console.print(f"[b]{esc(th.label)}[/b] ({esc(th.id)}, {th.category}) {esc(th.definition or '')}")
            console.print(breakdown_table(th))
            for i in th.item_ids:
                it = by_id[i]
                for ev in it.evidence:
                    console.print(f"  [dim]{esc(i)}[/dim] “{esc(ev.quote)}” — {esc(ev.file)} · "
                                  f"{esc(ev.speaker)}" + (f" @{ev.start:.0f}s" if ev.start is not None else ""))
            return
        _print_themes(ts, 50, quotes=quotes, ws=ws)


@review_app.command("rename")
def review_rename(theme_id: str, label: str, workspace: Path = WorkspaceOpt) -> None:
    """Give a theme a label of your own."""
    def change(rv, ts, known):
        _need(theme_id, ts, known)
        rv.rename[theme_id] = label
        return f"renamed {theme_id} to {label!r}"
    _edit_review(workspace, change)


@review_app.command("merge")
def review_merge(into: str, sources: List[str], workspace: Path = WorkspaceOpt) -> None:
    """Merge SOURCES themes into INTO."""
    from synth.review import Merge

    def change(rv, ts, known):
        for t in [into, *sources]:
            _need(t, ts, known)
        rv.merge.append(Merge(into=into, sources=list(sources)))
        return f"merged {', '.join(sources)} into {into}"
    _edit_review(workspace, change)


@review_app.command("split")
def review_split(theme_id: str, items: List[str], label: Optional[str] = typer.Option(None),
                 workspace: Path = WorkspaceOpt) -> None:
    """Split ITEMS (item ids, see `synth review --theme ID`) off THEME_ID into a new theme."""
    from synth.review import Split

    def change(rv, ts, known):
        _need(theme_id, ts, known)
        rv.split.append(Split(source=theme_id, items=list(items), label=label))
        return f"split {len(items)} item(s) off {theme_id}"
    _edit_review(workspace, change)


def _toggle(field: str, theme_id: str, on: bool, workspace: Path) -> None:
    def change(rv, ts, known):
        _need(theme_id, ts, known)
        lst = getattr(rv, field)
        if on and theme_id not in lst:
            lst.append(theme_id)
        if not on and theme_id in lst:
            lst.remove(theme_id)
        return f"{'' if on else 'un'}{field} {theme_id}"
    _edit_review(workspace, change)


@review_app.command("pin")
def review_pin(theme_id: str, workspace: Path = WorkspaceOpt) -> None:
    """Pin a theme to the top of its category."""
    _toggle("pin", theme_id, True, workspace)


@review_app.command("unpin")
def review_unpin(theme_id: str, workspace: Path = WorkspaceOpt) -> None:
    """Undo a pin."""
    _toggle("pin", theme_id, False, workspace)


@review_app.command("drop")
def review_drop(theme_id: str, workspace: Path = WorkspaceOpt) -> None:
    """Drop a theme from the synthesis (kept in review.yaml, reversible with undrop)."""
    _toggle("drop", theme_id, True, workspace)


@review_app.command("undrop")
def review_undrop(theme_id: str, workspace: Path = WorkspaceOpt) -> None:
    """Bring a dropped theme back."""
    _toggle("drop", theme_id, False, workspace)


def _print_icp(res) -> None:
    from synth.render import profile_table, scores_table, validation_lines

    console.print(profile_table(res.profile))
    console.print(f"[b]ICP narrative[/b] ({res.narrative_source}): {esc(res.narrative)}")
    if res.rules_written:
        console.print(f"rules written to [b]{esc(str(res.rules_path))}[/b]: edit it, then `synth score`")
    else:
        console.print(f"[yellow]{esc(str(res.rules_path))} was edited by hand: kept it; the fresh synthesis is "
                      f"in {esc(str(res.rules_path.with_name(res.rules_path.stem + '.proposed.yaml')))}[/yellow]")
    console.print(scores_table(res.scores))
    for line in validation_lines(res.validation):
        console.print(line)


@app.command()
def icp(workspace: Path = WorkspaceOpt,
        out: Optional[Path] = typer.Option(None, help="rules file (default WORKSPACE/icp.yaml)"),
        overwrite: bool = typer.Option(False, help="replace icp.yaml even if it was edited by hand"),
        offline: bool = typer.Option(False, "--offline", help="template narrative, no LLM"),
        as_json: bool = typer.Option(False, "--json")) -> None:
    """Synthesize the ICP (five attributes + negative profile) and write the editable icp.yaml."""
    cfg = _provider(None, None, None, None, None, offline)
    with _ws(workspace) as ws:
        if not ws.latest_extractions():
            err.print("[red]error[/red] nothing extracted yet: run `synth extract` first")
            raise typer.Exit(1)
        res = pipeline.icp(ws, cfg, out, overwrite)
    if as_json:
        print(json.dumps({"profile": res.profile.model_dump(mode="json"), "narrative": res.narrative,
                          "rules_path": str(res.rules_path),
                          "validation": res.validation.model_dump(mode="json") if res.validation else None},
                         indent=2))
        return
    _print_icp(res)


@app.command()
def score(accounts: Path = typer.Argument(..., help="accounts CSV (synth, HubSpot or Salesforce export)"),
          rules: Path = typer.Option(Path(".synth/icp.yaml"), "--icp", help="rules file"),
          columns: Optional[str] = typer.Option(None, help="column preset: synth, hubspot, salesforce"),
          out: Optional[Path] = typer.Option(None, help="write scores to this .csv or .json"),
          holdout: Optional[float] = typer.Option(None, min=0.05, max=0.95,
                                                  help="fit rules on 1-h of the accounts, validate on h"),
          seed: int = typer.Option(0, help="seed for the holdout split"),
          top: int = typer.Option(30, help="accounts to show")) -> None:
    """Score accounts 0-100 with a tier and per-rule reasons; validate against outcomes if present."""
    from synth.icp import RulesError, write_scores_csv, write_scores_json
    from synth.render import scores_table, validation_lines

    for p in (accounts, rules):
        if not p.exists():
            err.print(f"[red]error[/red] {esc(str(p))}: no such file")
            raise typer.Exit(2)
    try:
        table, result, report = pipeline.score(accounts, rules, columns, holdout, seed)
    except RulesError as exc:
        err.print(f"[red]error[/red] {esc(str(exc))}")
        raise typer.Exit(2)
    except ValueError as exc:
        err.print(f"[red]error[/red] {esc(str(accounts))}: {esc(str(exc))}")
        raise typer.Exit(1)
    for w in [*table.warnings, *result.warnings]:
        err.print(f"[yellow]warning[/yellow] {esc(w)}")
    console.print(scores_table(result, limit=top))
    for line in validation_lines(report):
        console.print(line)
    if out:
        (write_scores_json if out.suffix == ".json" else write_scores_csv)(result, out)
        console.print(f"scores written to [b]{esc(str(out))}[/b]")


@app.command()
def run(paths: List[Path] = typer.Argument(..., help="transcript files or folders"),
        workspace: Path = WorkspaceOpt,
        interviewer: Optional[List[str]] = typer.Option(None, "--interviewer"),
        offline: bool = typer.Option(False, "--offline", help="use the local extractor even if a provider is set"),
        concurrency: int = typer.Option(8, min=1, max=256),
        redact: bool = typer.Option(False)) -> None:
    """Run the whole pipeline: ingest -> extract -> themes -> ICP -> score."""
    from synth.extract import ExtractOptions
    from synth.render import extract_table, print_ingest_problems, progress_bars

    cfg = _provider(None, None, None, None, None, offline)
    failed = False
    with _ws(workspace) as ws:
        report = pipeline.ingest(paths, ws, interviewer=interviewer)
        console.print(_ingest_table(report))
        print_ingest_problems(report)
        failed |= bool(report.failed)
        if not report.transcripts_ok:
            raise typer.Exit(1)
        if cfg is None:
            err.print("[cyan]no LLM provider configured: using the offline local extractor[/cyan]")
        with progress_bars() as advance:
            advance.add("transcripts", len(report.transcripts_ok))
            xrun = pipeline.extract(ws, cfg, ExtractOptions(concurrency=concurrency, redact=redact), advance)
        console.print(extract_table(xrun))
        failed |= bool(xrun.failures or xrun.fatal)
        from synth.themes import build_themes

        ts = build_themes(ws, None, cfg)
        _print_themes(ts, 5)
        res = pipeline.icp(ws, cfg)
        _print_icp(res)
    raise typer.Exit(1 if failed else 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
