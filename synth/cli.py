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
    raise typer.Exit(1 if failed else 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
