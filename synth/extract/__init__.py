"""Extract stage: Transcript -> Extraction, with the LLM when one is configured, else `local`.

Public entry: `extract(...) -> ExtractRun`. Both extractors' output goes through the same check
before it is stored: every field that claims a fact must be something its evidence says
(synth/extract/verify.py), and every statement must be what its quote says (synth/extract/support.py;
the LLM path re-asks an unsupported statement once first). `estimate(...) -> DryRunEstimate` answers a dry run
(calls, tokens, cost) before anything is sent.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Callable, Optional

from pydantic import BaseModel, Field

from synth.extract.dryrun import DryRunEstimate, estimate
from synth.extract.request import prompt_version
from synth.extract.roles_llm import check_roles, needs_check
from synth.extract.support import SupportJudge, check_support
from synth.extract.verify import verify_extraction
from synth.llm.caller import ChunkFailed, FatalProviderError, LlmCaller, load_prices
from synth.llm.ledger import Ledger, RequestCount
from synth.llm.prices import is_local
from synth.llm.provider import ProviderConfig
from synth.models import AccountRow, Extraction, ExtractionStats, Transcript
from synth.workspace import Workspace, WorkspaceError

Progress = Callable[[str, int], None]


class ExtractOptions(BaseModel):
    concurrency: Optional[int] = Field(None, ge=1, le=256, description="None: the session default (llm.provider.default_concurrency)")
    redact: bool = False
    budget_tokens: int = Field(3000, ge=300)
    overlap_turns: int = Field(2, ge=0)
    prices_path: Optional[Path] = None
    embedding_model: Optional[str] = None


class FileFailure(BaseModel):
    file: str
    error: str
    calls: int = 0  # requests this file sent before it failed (counted in the run's totals too)
    tokens: int = 0


class ExtractRun(BaseModel):
    extractor: str
    model: Optional[str]
    extractions: list[Extraction] = Field(default_factory=list)
    failures: list[FileFailure] = Field(default_factory=list)
    totals: ExtractionStats = Field(default_factory=ExtractionStats)
    fatal: Optional[str] = None
    endpoint_note: Optional[str] = Field(None, description="how the endpoint takes structured requests")
    probe: Optional[RequestCount] = Field(None, description="requests that found the mode or waited for a "
                                                            "busy server: not the study's calls")
    price_note: Optional[str] = None
    partial: list[str] = Field(default_factory=list, description="files extracted with some chunks lost "
                                                                 "(Extraction.failed_chunks; asked again next run)")
    roles: list[str] = Field(default_factory=list, description="`FILE: note` per file the LLM role check "
                                                               "settled or could not (roles_llm.py)")


def mark_notes(ex: Extraction, t: Transcript) -> Extraction:
    """Evidence drawn from the interviewer's notes is marked so: shown as such, never counted as
    what the interviewee said (the notes turns come from ingest, `Turn.notes`)."""
    notes = {u.index for u in t.turns if u.notes}
    if notes:
        for it in ex.items():
            for ev in it.evidence:
                ev.from_notes = ev.turn_index in notes
    return ex


def _totals(exs: list[Extraction]) -> ExtractionStats:
    tot = ExtractionStats()
    for e in exs:
        for f in ExtractionStats.model_fields:
            setattr(tot, f, getattr(tot, f) + getattr(e.stats, f))
    return tot


def extract(transcripts: list[Transcript], workspace: Workspace, accounts: dict[str, AccountRow],
            provider: Optional[ProviderConfig] = None, options: Optional[ExtractOptions] = None,
            progress: Optional[Progress] = None, client=None, clock=None) -> ExtractRun:
    """Extract every transcript; a failed file is reported and the others go on. `client` (an openai
    client) and `clock` (synth/llm/waiting.py) are for tests: a fake server, simulated time."""
    options = options or ExtractOptions()
    ledger = None
    if provider is None:
        run = _extract_local(transcripts, workspace, accounts, options, progress)
    else:
        run, ledger = asyncio.run(_extract_llm(transcripts, workspace, accounts, provider, options, progress,
                                               client, clock))
    run.totals = _totals(run.extractions)
    if ledger is not None:  # every request sent, failed files' included; cache hits apart
        work = ledger.work()
        run.totals.calls, run.totals.cache_hits = work.sent, work.cache_hits
        run.totals.tokens_in, run.totals.tokens_out = work.tokens_in, work.tokens_out
        run.totals.cost_usd = work.cost_usd or 0.0
        run.probe = ledger.probe() if ledger.probe().sent else None
        if work.cost_usd is None:
            run.price_note = (f"price unknown: {provider.model} is not in the price table (add it to "
                              "prompts/prices.yaml or pass --prices FILE)")
        elif is_local(provider) and not load_prices(options.prices_path).local.get(provider.model):
            run.price_note = "local server: $0 (edit prices.yaml to price it)"
        for f in run.failures:
            c = ledger.by_scope.get(f.file)
            if c is not None:
                f.calls, f.tokens = c.sent, c.tokens_in + c.tokens_out
    run.partial = [e.file for e in run.extractions if e.partial]
    return run


def _support_judge(workspace, options, emb=None) -> SupportJudge:
    """The support check on the run's embedder (loaded only when there is a pair to judge)."""
    if emb is None:
        from synth.embed import Embedder

        emb = Embedder(workspace, options.embedding_model)
    return SupportJudge(emb.encode)


def _extract_local(transcripts, workspace, accounts, options, progress) -> ExtractRun:
    from synth.embed import Embedder
    from synth.extract.local import examples_version, extract_local

    emb = Embedder(workspace, options.embedding_model)
    judge = _support_judge(workspace, options, emb)
    run = ExtractRun(extractor="local", model=emb.model_name)
    key = f"local|{examples_version()}|{emb.model_name}"
    for t in transcripts:
        try:
            ex = extract_local(t, accounts.get(t.file_name), emb)
            # its quotes are transcript sentences: every one grounded first time, by construction
            ex.stats.quotes_grounded_first = ex.stats.quotes_grounded
            verify_extraction(ex, t)
            mark_notes(ex, t)
            check_support(ex, judge)
            workspace.put_extraction(ex, key)
            run.extractions.append(ex)
        except WorkspaceError:
            raise  # the workspace failed, not this file
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the study
            run.failures.append(FileFailure(file=t.file_name, error=f"{type(exc).__name__}: {exc}"))
        if progress:
            progress("transcripts", 1)
    return run


async def _extract_llm(transcripts, workspace, accounts, cfg, options, progress, client, clock
                       ) -> tuple[ExtractRun, Ledger]:
    run = ExtractRun(extractor="llm", model=cfg.model)
    # one session for the run: it owns the HTTP client and closes it inside this event loop
    async with LlmCaller(cfg, workspace, concurrency=options.concurrency,
                         redact=options.redact, prices=load_prices(options.prices_path), client=client,
                         clock=clock) as caller:
        try:
            await caller.ready()  # probes an endpoint it has not seen, once
            run.endpoint_note = caller.mode_note()
        except FatalProviderError as exc:
            run.fatal = str(exc)
            return run, caller.ledger
        await _extract_all(transcripts, workspace, accounts, options, progress, caller, run)
    return run, caller.ledger


async def _extract_all(transcripts, workspace, accounts, options, progress, caller, run: ExtractRun) -> None:
    from synth.extract.llm_run import extract_transcript_llm, redactor_for
    from synth.extract.restate import support_statements

    cfg = caller.cfg
    key = f"llm|{prompt_version()}|{cfg.model}|redact={options.redact}"
    judge = _support_judge(workspace, options)

    async def one(t: Transcript):
        try:
            if needs_check(t):  # unsure who is speaking: one small call before the chunks
                red = redactor_for(t) if options.redact else None
                checked_t = await check_roles(t, caller, red.redact if red else None)
                if checked_t is not t:
                    workspace.put_transcript(checked_t)
                    run.roles += [f"{t.file_name}: {w}" for w in checked_t.warnings if w not in t.warnings]
                    t = checked_t
            ex = await extract_transcript_llm(t, caller, accounts.get(t.file_name),
                                              budget=options.budget_tokens, overlap=options.overlap_turns,
                                              progress=progress)
        except Exception:
            if progress:
                progress("transcripts failed", 1)
            raise
        verify_extraction(ex, t)
        await support_statements(ex, t, caller, judge)
        mark_notes(ex, t)
        workspace.put_extraction(ex, key)
        if progress:  # done, not merely planned: a stopped run's bar shows what it finished
            progress("transcripts", 1)
        return ex

    tasks = [asyncio.ensure_future(one(t)) for t in transcripts]
    results = await asyncio.gather(*tasks, return_exceptions=True)
    gone = next((r for r in results if isinstance(r, WorkspaceError)), None)
    if gone is not None:  # the workspace itself failed: the whole run stops, not one file
        raise gone
    for t, r in zip(transcripts, results):
        if isinstance(r, FatalProviderError):
            run.fatal = str(r)
        elif isinstance(r, BaseException):
            run.failures.append(FileFailure(file=t.file_name, error=str(r)))
        else:
            run.extractions.append(r)


__all__ = ["extract", "estimate", "ExtractOptions", "ExtractRun", "DryRunEstimate", "FileFailure",
           "ChunkFailed", "FatalProviderError"]
