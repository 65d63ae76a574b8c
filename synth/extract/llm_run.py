"""The LLM extractor: chunk -> (redact) -> cached instructor call -> restore -> ground -> consolidate."""
from __future__ import annotations

import asyncio
from typing import Callable, Optional

from synth.extract.chunking import Chunk, chunk_transcript
from synth.extract.consolidate import consolidate
from synth.extract.grounding import locate
from synth.extract.redact import Redactor
from synth.extract.schema import ChunkExtraction
from synth.extract.traits import base_traits
from synth.extract.when import days_before
from synth.llm.caller import ChunkFailed, LlmCaller, StructuredResult, chunk_context
from synth.models import (
    AccountRow,
    Alternative,
    DmuMember,
    Evidence,
    Extraction,
    ExtractionStats,
    Item,
    PainPoint,
    Trait,
    Transcript,
    Trigger,
)

Progress = Callable[[str, int], None]


def redactor_for(t: Transcript) -> Redactor:
    names = list(t.speakers) + [t.meta.interviewee or "", t.meta.interviewer or "", *t.interviewers]
    return Redactor(names)


def _ground_all(quotes: list[str], t: Transcript, chunk: Chunk, red: Optional[Redactor],
                stats: ExtractionStats) -> list[Evidence]:
    hint = [t.turns[i] for i in chunk.turn_indices]
    out: list[Evidence] = []
    for q in quotes:
        stats.quotes_proposed += 1
        ev = locate(red.restore(q) if red else q, t, hint)
        if ev is not None:
            stats.quotes_grounded += 1
            out.append(ev)
    return out


def to_items(ce: ChunkExtraction, t: Transcript, chunk: Chunk, red: Optional[Redactor],
             stats: ExtractionStats, account: Optional[AccountRow]) -> tuple[list[Item], list[tuple[str, Trait]]]:
    """Ground every quote; an item none of whose quotes can be found is dropped and counted."""
    items: list[Item] = []
    interview_date = account.interview_date if account and account.interview_date else t.meta.date
    restore = red.restore if red else (lambda s: s)

    def keep(item: Item) -> None:
        stats.items_proposed += 1
        if item.evidence:
            stats.items_grounded += 1
            items.append(item)
        else:
            stats.items_dropped += 1

    for p in ce.pains:
        keep(PainPoint(statement=restore(p.statement), severity=p.severity, quantity=p.quantity,
                       dismissed=p.dismissed, evidence=_ground_all(p.quotes, t, chunk, red, stats)))
    for g in ce.triggers:
        keep(Trigger(statement=restore(g.event), kind=g.kind, when=g.when, dismissed=g.dismissed,
                     days_before_interview=days_before(g.when, interview_date),
                     evidence=_ground_all(g.quotes, t, chunk, red, stats)))
    for a in ce.alternatives:
        keep(Alternative(statement=restore(f"{a.name}" + (f": {a.shortfall}" if a.shortfall else "")),
                         name=restore(a.name), kind=a.kind, shortfall=a.shortfall and restore(a.shortfall),
                         dismissed=a.dismissed, evidence=_ground_all(a.quotes, t, chunk, red, stats)))
    for d in ce.dmu:
        label = " ".join(x for x in [d.title and restore(d.title), d.role.replace("_", " ")] if x)
        keep(DmuMember(statement=label, name=d.name and restore(d.name), title=d.title and restore(d.title),
                       role=d.role, dismissed=d.dismissed,
                       evidence=_ground_all(d.quotes, t, chunk, red, stats)))
    traits: list[tuple[str, Trait]] = []
    for tr in ce.traits:
        evs = _ground_all([tr.quote], t, chunk, red, stats)
        if evs:
            traits.append((tr.field, Trait(value=restore(tr.value), source="transcript", evidence=evs[0])))
    return items, traits


async def extract_transcript_llm(t: Transcript, caller: LlmCaller, account: Optional[AccountRow],
                                 *, budget: int, overlap: int, progress: Optional[Progress] = None
                                 ) -> Extraction:
    red = redactor_for(t) if caller.redact else None
    chunks = list(chunk_transcript(t, budget=budget, overlap_turns=overlap, model=caller.cfg.model))
    stats = ExtractionStats()
    async def one(ch: Chunk) -> tuple[Chunk, StructuredResult]:
        text = red.redact(ch.text) if red else ch.text
        name = red.redact(t.file_name) if red else t.file_name
        res = await caller.extract_chunk(text, chunk_context(name, ch.index, len(chunks)))
        if progress:
            progress("calls", 1)
        return ch, res

    results = await asyncio.gather(*(one(c) for c in chunks))
    # grounding below is CPU work with no await in it: let the calls that were waiting for this
    # one's concurrency slot go out first, or each response delays the next request by its parsing
    await asyncio.sleep(0)
    all_items: list[Item] = []
    traits: list[tuple[str, Trait]] = []
    for ch, res in results:
        stats.calls += 0 if res.cached else 1
        stats.cache_hits += 1 if res.cached else 0
        stats.tokens_in += res.tokens_in
        stats.tokens_out += res.tokens_out
        stats.cost_usd += res.cost_usd
        its, trs = to_items(res.parsed, t, ch, red, stats, account)
        all_items.extend(its)
        traits.extend(trs)
    merged = consolidate(all_items)
    ex = Extraction(file=t.file_name, transcript_hash=t.content_hash, extractor="llm",
                    model=caller.cfg.model, prompt_version=caller.prompt_version,
                    traits=base_traits(account, t, traits), stats=stats)
    for it in merged:
        it.id = it.stable_id(it.category, t.content_hash)
        ex.add(it)
    return ex


__all__ = ["extract_transcript_llm", "ChunkFailed", "redactor_for"]
