"""The dry run: what `synth extract` would send, before anything is sent.

Each chunk not already cached is one first request, counted as the server will count it: the system
prompt, the chunk, and the schema the stored mode adds (JSON modes put ~1,000 tokens of schema in the
system prompt; tool calling sends it as a tool definition). Re-asks (instructor's validation re-asks,
halves of cut-off replies, quote re-asks) cannot be known in advance: they are estimated from this
workspace's call log for the same model (requests per first request, input tokens per first-request
token), and the estimate says so. With no calls recorded yet, re-asks are not included, and it says so.
"""
from __future__ import annotations

from typing import Optional

from pydantic import BaseModel, Field

from synth.extract.chunking import chunk_transcript
from synth.extract.request import build_messages, cache_key, chunk_context
from synth.extract.roles_llm import RoleAnswer, needs_check, role_messages
from synth.extract.roles_llm import cache_key as roles_cache_key
from synth.extract.roles_llm import windows as role_windows
from synth.extract.schema import chunk_schema
from synth.llm.prices import is_local, load_prices
from synth.llm.probe import known_mode, stored
from synth.llm.provider import ProviderConfig
from synth.llm.tokens import request_tokens
from synth.models import Transcript
from synth.workspace import Workspace

MIN_HISTORY = 3  # first requests needed before a re-ask rate is worth using


class DryRunEstimate(BaseModel):
    model: str
    mode: str = Field(description="the mode a real run would use")
    mode_source: str = Field(description="given (--mode), stored (probed before), the hosted provider's "
                                         "default, or a first guess (a local server not probed yet)")
    chunks: int
    cached: int
    first_requests: int
    calls: int = Field(description="first requests plus the expected re-asks (an estimate)")
    tokens_in: int = Field(description="input tokens of those calls, schema and system prompt included")
    tokens_out_estimate: int
    cost_usd: Optional[float] = Field(description="None: the model's price is unknown")
    prices_version: str
    reask_note: str = Field(description="where the re-ask estimate comes from")


class _Rate(BaseModel):
    calls: float = 1.0  # requests per first request
    tokens: float = 1.0  # input tokens per first-request token
    seen: int = 0  # first requests it was measured on


def reask_rate(ws: Workspace, model: str, purposes: tuple[str, ...] = ("extract", "reask"),
               first: str = "extract") -> _Rate:
    """Requests (and input tokens) per first request of a stage (`first`: its call-log purpose; `purposes`:
    that call and its re-asks), from this workspace's call log. Default: extraction."""
    firsts: dict[str, int] = {}
    calls = tokens = 0
    for row in ws.call_log():
        if row.get("model") != model or row.get("purpose") not in purposes:
            continue
        calls += 1
        tokens += int(row.get("tokens_in") or 0)
        if row.get("purpose") == first and row.get("key") and row["key"] not in firsts:
            firsts[row["key"]] = int(row.get("tokens_in") or 0)
    first_tokens = sum(firsts.values())
    if len(firsts) < MIN_HISTORY or not first_tokens:
        return _Rate(seen=len(firsts))
    return _Rate(calls=calls / len(firsts), tokens=tokens / first_tokens, seen=len(firsts))


def schema_in_prompt(cfg: ProviderConfig) -> bool:
    """Whether a dry run counts the tool/response schema as input tokens: for a hosted API or a server
    that is not local, yes; for a local server, no. One rule for every stage's dry run."""
    return cfg.hosted or not is_local(cfg)


def reask_note(rate: _Rate, model: str, source: str = "call log") -> str:
    """Where a dry run's re-ask estimate comes from, as every dry run says it."""
    if rate.seen >= MIN_HISTORY:
        return (f"re-asks estimated from this workspace's {source}: {rate.calls:.2f} requests and "
                f"{rate.tokens:.2f}x the input tokens per chunk, over {rate.seen} chunks asked of {model}")
    return (f"re-asks not included: fewer than {MIN_HISTORY} chunks asked of {model} in this workspace "
            "yet (a small local model may need 2-4 requests a chunk)")


def estimate(transcripts: list[Transcript], workspace: Workspace, cfg: ProviderConfig,
             options) -> DryRunEstimate:
    """What a real run would send: cached chunks are free, the rest counted as sent, re-asks estimated."""
    from synth.extract.llm_run import redactor_for

    prices = load_prices(options.prices_path)
    mode = known_mode(workspace, cfg)  # the mode a real run would use; a dry run sends nothing to probe
    source = "given" if cfg.mode else "stored" if stored(workspace, cfg) is not None else \
        "provider default" if cfg.hosted else "first guess: not probed yet"
    tools_in_prompt = schema_in_prompt(cfg)
    chunks = cached = first = tin = 0
    for t in transcripts:
        red = redactor_for(t) if options.redact else None
        chs = list(chunk_transcript(t, options.budget_tokens, options.overlap_turns, cfg.model))
        name = red.redact(t.file_name) if red else t.file_name
        for ch in chs:
            chunks += 1
            text = red.redact(ch.text) if red else ch.text
            ctx = chunk_context(name, ch.index, len(chs))
            if workspace.cache_get(cache_key(text, cfg, options.redact, ctx, mode)) is not None:
                cached += 1
                continue
            first += 1
            tin += request_tokens(build_messages(text, ctx), chunk_schema(), mode, cfg.model,
                                  tools_in_prompt=tools_in_prompt)
        if needs_check(t):  # the role checks of a file ingest is unsure of go first (roles_llm.py)
            redact = red.redact if red else None
            for window in role_windows(t):
                chunks += 1
                if workspace.cache_get(roles_cache_key(t, cfg, mode, redact, window)) is not None:
                    cached += 1
                    continue
                first += 1
                tin += request_tokens(role_messages(t, redact, window), RoleAnswer, mode, cfg.model,
                                      tools_in_prompt=tools_in_prompt)
    rate = reask_rate(workspace, cfg.model)
    calls, tokens = round(first * rate.calls), round(tin * rate.tokens)
    note = reask_note(rate, cfg.model)
    # structured output is usually a fraction of the input; 35% with a floor per call is conservative
    tout = max(int(tokens * 0.35), calls * 400) if calls else 0
    cost = prices.cost(cfg.model, tokens, tout, local=is_local(cfg))
    return DryRunEstimate(model=cfg.model, mode=mode.value, mode_source=source, chunks=chunks, cached=cached,
                          first_requests=first, calls=calls, tokens_in=tokens, tokens_out_estimate=tout,
                          cost_usd=None if cost is None else round(cost, 4), prices_version=prices.version,
                          reask_note=note)
