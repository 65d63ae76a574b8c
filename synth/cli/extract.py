"""`synth extract`: pains, triggers, alternatives and DMU members from the ingested transcripts."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from synth.cli.options import WorkspaceOpt, llm_options, open_workspace
from synth.cli.show import print_endpoint, print_extract_problems, print_generation_counts, print_request_notes
from synth.render import console, err, esc, extract_table, print_ingest_problems, progress_bars


@llm_options
def extract(paths: Optional[List[Path]] = typer.Argument(None, help="ingest these first (optional)"),
            workspace: Path = WorkspaceOpt,
            redact: bool = typer.Option(False, help="replace emails, phones, URLs and names before sending"),
            budget: int = typer.Option(3000, help="tokens of transcript per chunk"),
            prices: Optional[Path] = typer.Option(None, help="price table YAML (default prompts/prices.yaml)"),
            dry_run: bool = typer.Option(False, "--dry-run", help="print calls, tokens and cost; send nothing"),
            embedding_model: Optional[str] = typer.Option(None, help="local sentence-transformers model path"),
            as_json: bool = typer.Option(False, "--json"), llm=None) -> None:
    """Extract pains, triggers, alternatives and DMU members from the ingested transcripts.

    Example: synth extract -w .synth-study --dry-run --base-url http://127.0.0.1:8080/v1
    """
    from synth import pipeline
    from synth.extract import ExtractOptions, estimate
    from synth.llm.prices import cost_text

    opts = ExtractOptions(redact=redact, budget_tokens=budget, prices_path=prices,
                          embedding_model=embedding_model)
    ingest_failed = False
    with open_workspace(workspace, lock="extract") as ws:
        if paths:
            report = pipeline.ingest(paths, ws)
            print_ingest_problems(report)
            ingest_failed = bool(report.failed)
        transcripts = ws.transcripts()
        if not transcripts:
            err.print("[red]error[/red] no transcripts in the workspace: run `synth ingest PATH` first")
            raise typer.Exit(1)
        if dry_run:
            if llm is None:
                console.print("no LLM provider configured: the local extractor makes no calls and costs $0")
                raise typer.Exit(0)
            est = estimate(transcripts, ws, llm, opts)
            print(est.model_dump_json(indent=2)) if as_json else console.print(
                f"[b]dry run[/b] {esc(llm.provider)}:{esc(llm.model)} at {esc(llm.base_url or 'api.openai.com')}, "
                f"{esc(est.mode)} mode ({est.mode_source}): {est.chunks} chunks, {est.cached} cached, "
                f"[b]~{est.calls} calls[/b] ({est.first_requests} first requests), ~{est.tokens_in:,} tokens in "
                f"(schema and system prompt included), ~{est.tokens_out_estimate:,} out, estimated "
                f"[b]{cost_text(est.cost_usd)}[/b] (prices {est.prices_version}). Estimate: {esc(est.reask_note)}")
            raise typer.Exit(0)
        print_endpoint(llm)
        with progress_bars(not as_json) as advance:
            advance.add("transcripts", len(transcripts))
            run = pipeline.extract(ws, llm, opts, advance)
    print_request_notes(run)
    if as_json:
        print(run.model_dump_json(indent=2))
    elif run.extractions or run.failures or run.totals.calls or not run.fatal:  # a fatal stop too, once sent
        console.print(extract_table(run))
    print_generation_counts(run.totals)
    print_extract_problems(run)
    raise typer.Exit(1 if run.failures or run.partial or ingest_failed else 0)  # partial: chunks were lost
