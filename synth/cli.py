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
def extract(paths: Optional[List[Path]] = typer.Argument(None, help="ingest these first (optional)"),
            workspace: Path = WorkspaceOpt,
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
            embedding_model: Optional[str] = typer.Option(None, help="local sentence-transformers model path"),
            as_json: bool = typer.Option(False, "--json")) -> None:
    """Extract pains, triggers, alternatives and DMU members from the ingested transcripts."""
    from synth.extract import ExtractOptions, estimate
    from synth.render import extract_table, print_ingest_problems, progress_bars

    cfg = _provider(model, base_url, provider, mode, config, offline)
    opts = ExtractOptions(concurrency=concurrency, redact=redact, budget_tokens=budget, prices_path=prices,
                          embedding_model=embedding_model)
    ingest_failed = False
    with _ws(workspace) as ws:
        if paths:
            report = pipeline.ingest(paths, ws)
            print_ingest_problems(report)
            ingest_failed = bool(report.failed)
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
    _print_extract_problems(run)
    raise typer.Exit(1 if run.failures or ingest_failed else 0)


def _print_extract_problems(run, fatal_note: str = "") -> None:
    """One line per failed file; a fatal provider error ends the command with exit code 1."""
    for f in run.failures:
        err.print(f"[red]error[/red] {esc(f.file)}: {esc(f.error)}")
    if run.fatal:
        err.print(f"[red]fatal[/red] {esc(run.fatal)}{fatal_note}")
        raise typer.Exit(1)


@app.command()
def schema(what: str = typer.Argument("all", help="all, extraction, transcript, accounts, exports")) -> None:
    """Print the JSON schema of synth's artifacts (for tools that consume them)."""
    from synth.models import export_schema

    full = export_schema()
    if what == "exports":
        from synth.report import exports_schema

        print(json.dumps(exports_schema(), indent=2))
        return
    if what == "all":
        print(json.dumps(full, indent=2))
        return
    key = {"extraction": "Extraction", "transcript": "Transcript", "accounts": "AccountRow"}.get(what)
    if key is None:
        err.print(f"[red]error[/red] unknown schema {what!r}: choose all, extraction, transcript, accounts, exports")
        raise typer.Exit(2)
    print(json.dumps(full["definitions"][key], indent=2))


def _theme_options(min_cluster_size, selection, reduction, attach_outliers):
    from synth.cluster import ClusterParams
    from synth.themes import ThemeOptions

    from pydantic import ValidationError

    try:
        params = ClusterParams(min_cluster_size=min_cluster_size, selection=selection, reduction=reduction,
                               attach_outliers=attach_outliers)
    except ValidationError as exc:
        e = exc.errors()[0]
        err.print(f"[red]error[/red] --{e['loc'][0].replace('_', '-')}: {esc(e['msg'])}")
        raise typer.Exit(2)
    return ThemeOptions(params=params)


def _print_themes(ts, top: int, quotes: int = 1, ws=None) -> None:
    from synth.render import dmu_table, themes_table

    by_id = {it.id: it for e in ws.latest_extractions() for it in e.items()} if ws is not None else None
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
           selection: str = typer.Option("eom", help="HDBSCAN cluster selection: eom or leaf"),
           reduction: str = typer.Option("auto", help="auto (UMAP from 30 items up), umap, pca or none"),
           attach_outliers: bool = typer.Option(False, help="attach outliers to their nearest theme when similar enough"),
           offline: bool = typer.Option(False, "--offline", help="deterministic labels only, no LLM"),
           embedding_model: Optional[str] = typer.Option(None, help="local sentence-transformers model path"),
           top: int = typer.Option(10, help="themes to show per category"),
           as_json: bool = typer.Option(False, "--json")) -> None:
    """Cluster extracted items into ranked themes (triggers, pains, alternatives) and a DMU map."""
    cfg = _provider(None, None, None, None, None, offline)
    with _ws(workspace) as ws:
        _require_extractions(ws)
        opts = _theme_options(min_cluster_size, selection, reduction, attach_outliers)
        opts.embedding_model = embedding_model
        ts = pipeline.themes(ws, opts, cfg)
        if as_json:
            print(ts.model_dump_json(indent=2))
        else:
            _print_themes(ts, top, ws=ws)


def _require_extractions(ws) -> None:
    if not ws.has_extractions():
        err.print("[red]error[/red] nothing extracted yet: run `synth extract` first")
        raise typer.Exit(1)


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
        _require_extractions(ws)
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
        _print_extract_problems(xrun, ": stopping before themes (finished calls are cached)")
        failed |= bool(xrun.failures)
        ts = pipeline.themes(ws, None, cfg)
        _print_themes(ts, 5, ws=ws)
        res = pipeline.icp(ws, cfg)
        _print_icp(res)
        from synth.report import write_report

        paths = write_report(ws, ws.root / "report", res)
        console.print(f"[b]report[/b] {esc(str(paths.html))} ({paths.html_bytes / 1024:.0f} KB), "
                      f"{esc(str(paths.markdown))}, {esc(str(paths.themes_json))}, {esc(str(paths.items_csv))}")
    raise typer.Exit(1 if failed else 0)


from synth.cli_review import review_app  # noqa: E402  (sub-app: review commands)
from synth.report.cli import report_command  # noqa: E402

app.add_typer(review_app, name="review")
app.command("report")(report_command)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
