"""Ground a chunk's proposed quotes: first as given, then by re-asking the model, then by salvage.

Models return some quotes that are not verbatim (a few words inserted, a clause reordered, fillers
dropped). Dropping those items loses real findings, so before a quote is given up:

1. it is located as proposed (synth/extract/grounding.py: exact, normalized, meaning-safe fuzzy);
2. the model is asked again, once (twice when the first re-ask fixed some but not all), naming each
   failing quote and asking for the exact words of an interviewee line of the same chunk. The
   re-ask is a cached call like any other: its key covers the chunk's key and the failing quotes,
   so a re-run asks nothing and a changed answer asks anew. An answer must be the proposed quote's
   own words: verbatim somewhere is not enough, most of its content words must be the proposed
   quote's (`support.share`); another line of the chunk is refused (`reask_answers_refused`) and
   the proposed words go on to salvage;
3. what is still missing is salvaged: the longest verbatim run of >= 6 words of the proposed quote
   inside one interviewee turn becomes the evidence (match kind `salvaged`).

Only then is the quote dropped. Every outcome is counted in `ExtractionStats`.
"""
from __future__ import annotations

import hashlib
import json
from typing import Optional

from pydantic import BaseModel, Field

from synth.extract.chunking import Chunk
from synth.extract.grounding import locate, salvage
from synth.extract.redact import Redactor
from synth.extract.request import build_messages, prompt_version
from synth.extract.schema import ChunkExtraction
from synth.extract.support import REASK_SHARE, share
from synth.llm.caller import ChunkFailed, LlmCaller
from synth.models import CATEGORIES, Evidence, ExtractionStats, Transcript

MAX_REASKS = 2


class QuoteFix(BaseModel):
    n: int = Field(description="the number of the quote being corrected")
    quote: Optional[str] = Field(
        None, description="the exact words copied from one INTERVIEWEE line of the transcript, "
                          "or null when the interviewee did not say it")


class QuoteFixes(BaseModel):
    """Exact transcript words for quotes that were not found verbatim."""

    fixes: list[QuoteFix] = Field(default_factory=list)


def proposed_quotes(ce: ChunkExtraction) -> list[str]:
    """Every quote of a chunk's answer, in the order `llm_run.to_items` consumes them."""
    out: list[str] = []
    for spec in CATEGORIES.values():  # table order: the order `to_items` builds items in
        for it in getattr(ce, spec.field):
            out.extend(it.quotes)
    out.extend(tr.quote for tr in ce.traits)
    return out


def reask_messages(chunk_text: str, context: str, failing: list[tuple[int, str]]) -> list[dict]:
    listing = "\n".join(f"{n}. {json.dumps(q, ensure_ascii=False)}" for n, q in failing)
    ask = ("These quotes from your extraction are not in the transcript word for word:\n"
           f"{listing}\n\nFor each number, copy the exact words as they appear in one INTERVIEWEE line of "
           "the transcript above (6-40 words, character for character, no words added, dropped or "
           "reordered, nothing from the interviewer). If the interviewee did not say it, return null "
           "for that number.")
    return [*build_messages(chunk_text, context), {"role": "user", "content": ask}]


def reask_key(chunk_key: str, round_no: int, failing: list[tuple[int, str]]) -> str:
    blob = json.dumps([chunk_key, "reask", round_no, failing], ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


async def ground_chunk(ce: ChunkExtraction, t: Transcript, chunk: Chunk, red: Optional[Redactor],
                       caller: Optional[LlmCaller], chunk_text: str, context: str, chunk_key: str,
                       stats: ExtractionStats) -> list[Optional[Evidence]]:
    """Evidence for each proposed quote (None: dropped), after re-asks and salvage."""
    restore = red.restore if red else (lambda s: s)
    hint = [t.turns[i] for i in chunk.turn_indices]
    quotes = proposed_quotes(ce)
    found: list[Optional[Evidence]] = [locate(restore(q), t, hint) for q in quotes]
    stats.quotes_proposed += len(quotes)
    stats.quotes_grounded_first += sum(e is not None for e in found)
    latest = list(quotes)  # the model's latest words for each quote, salvaged from if all else fails
    for round_no in range(1, MAX_REASKS + 1):
        failing = [(i + 1, latest[i]) for i, e in enumerate(found) if e is None]
        if not failing or caller is None:
            break
        try:
            # `scope` folds the chunk's own key, the round and the failing quotes into the cache key
            res = await caller.structured(reask_messages(chunk_text, context, failing), QuoteFixes,
                                          scope=reask_key(chunk_key, round_no, failing), purpose="reask",
                                          prompt_version=prompt_version())
        except ChunkFailed:
            break  # the re-ask failed: salvage what can be salvaged; the chunk's answer stands
        stats.reask_calls += 0 if res.cached else 1
        stats.calls += 0 if res.cached else 1
        stats.cache_hits += 1 if res.cached else 0
        stats.tokens_in += res.tokens_in
        stats.tokens_out += res.tokens_out
        stats.cost_usd += res.cost_usd or 0.0
        fixed = 0
        asked = {n for n, _ in failing}
        for fx in res.parsed.fixes:  # type: ignore[attr-defined]
            i = fx.n - 1
            if fx.n not in asked or not fx.quote or found[i] is not None:
                continue
            ev = locate(restore(fx.quote), t, hint)
            if ev is not None and share(ev.quote, restore(quotes[i])) < REASK_SHARE:
                stats.reask_answers_refused += 1  # a real line, but not the one first proposed
                continue
            if ev is not None:
                found[i] = ev
                fixed += 1
                stats.quotes_reasked += 1
            else:
                latest[i] = fx.quote
        if fixed == 0:
            break  # a second re-ask after one that fixed nothing would only repeat it
    for i, e in enumerate(found):
        if e is not None:
            continue
        cands = [salvage(restore(q), t, hint) for q in dict.fromkeys([quotes[i], latest[i]])]
        best = max((c for c in cands if c is not None), key=lambda c: c.char_end - c.char_start, default=None)
        if best is not None:
            found[i] = best
            stats.quotes_salvaged += 1
        else:
            stats.quotes_dropped += 1
    stats.quotes_grounded += sum(e is not None for e in found)
    return found


__all__ = ["ground_chunk", "proposed_quotes", "QuoteFixes", "QuoteFix", "reask_messages", "MAX_REASKS"]
