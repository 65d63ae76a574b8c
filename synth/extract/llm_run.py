"""The LLM extractor: chunk -> (redact) -> cached instructor call -> restore -> ground (re-ask,
salvage: synth/extract/reask.py) -> consolidate. Fields are checked against their evidence after
this, in the shared flow (synth/extract/verify.py, synth/extract/support.py).

One chunk the model never answers usably (after its retries, halves and re-asks) costs that chunk,
not the file: it is recorded in `Extraction.failed_chunks` with one human line, the other chunks
are kept, and since a failure is never cached the next run asks only that chunk again (a file all
of whose chunks failed is partial too: every chunk named as lost). A value outside the schema's range in an otherwise usable
answer (severity 7 of 1-5) is clamped and counted (`values_clamped`), not a failure."""
from __future__ import annotations

import asyncio
from typing import Callable, Iterator, Optional

from synth.extract.chunking import Chunk, chunk_transcript
from synth.extract.consolidate import consolidate
from synth.extract.reask import ground_chunk
from synth.extract.redact import Redactor, transcript_names
from synth.extract.request import LOST_TRY, cache_key, chunk_context, extract_chunk, prompt_version
from synth.extract.schema import ChunkExtraction
from synth.extract.traits import base_traits
from synth.extract.when import days_before
from synth.llm.caller import ChunkFailed, LlmCaller, StructuredResult
from synth.llm.ledger import SCOPE
from synth.models import (
    CATEGORIES,
    AccountRow,
    ChunkFailure,
    Evidence,
    Extraction,
    ExtractionStats,
    Item,
    ItemContext,
    Trait,
    Transcript,
    interview_date,
)

Progress = Callable[[str, int], None]


def redactor_for(t: Transcript) -> Redactor:
    return Redactor(transcript_names(t))


def to_items(ce: ChunkExtraction, t: Transcript, red: Optional[Redactor], stats: ExtractionStats,
             account: Optional[AccountRow], evidence: list[Optional[Evidence]]
             ) -> tuple[list[Item], list[tuple[str, Trait]]]:
    """Build items from a chunk's answer; `evidence` holds, in `reask.proposed_quotes` order, what
    grounding made of each quote (None: dropped). An item none of whose quotes survived is dropped."""
    items: list[Item] = []
    date = interview_date(account, t)
    restore = red.restore if red else (lambda s: s)
    found: Iterator[Optional[Evidence]] = iter(evidence)

    def evs(quotes: list[str]) -> list[Evidence]:
        return [e for e in (next(found) for _ in quotes) if e is not None]

    def keep(item: Item) -> None:
        stats.items_proposed += 1
        if item.evidence:
            stats.items_grounded += 1
            items.append(item)
        else:
            stats.items_dropped += 1

    ctx = ItemContext(restore=restore, days_before=lambda when: days_before(when, date))
    for spec in CATEGORIES.values():  # in the order `reask.proposed_quotes` lists the quotes
        for out in getattr(ce, spec.field):
            stats.values_clamped += out.clamped
            item = out.to_item(ctx)
            item.evidence = evs(out.quotes)
            keep(item)
    traits: list[tuple[str, Trait]] = []
    for tr in ce.traits:
        got = evs([tr.quote])
        if got:
            traits.append((tr.field, Trait(value=restore(tr.value), source="transcript", evidence=got[0])))
    return items, traits


async def extract_transcript_llm(t: Transcript, caller: LlmCaller, account: Optional[AccountRow],
                                 *, budget: int, overlap: int, progress: Optional[Progress] = None
                                 ) -> Extraction:
    red = redactor_for(t) if caller.redact else None
    SCOPE.set(t.file_name)  # this task's requests are counted under this file (its own context)
    chunks = list(chunk_transcript(t, budget=budget, overlap_turns=overlap, model=caller.cfg.model))
    stats = ExtractionStats()
    name = red.redact(t.file_name) if red else t.file_name

    async def one(ch: Chunk) -> tuple[StructuredResult, list[Optional[Evidence]]]:
        text = red.redact(ch.text) if red else ch.text
        ctx = chunk_context(name, ch.index, len(chunks))
        try:
            res = await extract_chunk(caller, text, ctx)
        except ChunkFailed as exc:  # this chunk only: recorded, the file's other chunks stand
            failed.append(ChunkFailure(chunk=ch.index + 1, chunks=len(chunks), error=str(exc)))
            raise
        if progress:  # what was done: a chunk answered by the model, or found in the cache
            progress("chunks from cache" if res.cached else "chunks answered", 1)
        if res.parts_lost:  # a cut-off chunk's halves were cut off again: nothing taken from them
            what = "both halves" if res.parts_lost >= 2 else "half"
            failed.append(ChunkFailure(chunk=ch.index + 1, chunks=len(chunks),
                                       error=f"the model's reply {'looped' if res.loops else 'ran'} to the token "
                                             f"cap, and {what} of the chunk again; {LOST_TRY}"))
        # grounding is CPU work with no await in it: let the calls that were waiting for this
        # one's concurrency slot go out first, or each response delays the next request by its parsing
        await asyncio.sleep(0)
        evidence = await ground_chunk(res.parsed, t, ch, red, caller, text, ctx,  # type: ignore[arg-type]
                                      cache_key(text, caller.cfg, caller.redact, ctx), stats)
        return res, evidence

    # every chunk is asked even when one fails: what was answered is cached and kept (a partial file),
    # so the next run asks only the chunks that failed (a timed-out one included), each one named
    failed: list[ChunkFailure] = []
    results = await asyncio.gather(*(one(c) for c in chunks), return_exceptions=True)
    for r in results:
        if isinstance(r, BaseException) and not isinstance(r, ChunkFailed):
            raise r
    failed.sort(key=lambda f: f.chunk)
    # kept even when no chunk answered: shown as partial (every chunk lost, each named), never as
    # a file with nothing in it, and the next run asks those chunks again
    answered = [r for r in results if not isinstance(r, BaseException)]
    all_items: list[Item] = []
    traits: list[tuple[str, Trait]] = []
    for res, evidence in answered:
        stats.replies_truncated += res.truncated
        stats.replies_looping += res.loops
        stats.parts_lost += res.parts_lost
        its, trs = to_items(res.parsed, t, red, stats, account, evidence)  # type: ignore[arg-type]
        all_items.extend(its)
        traits.extend(trs)
    sent = caller.ledger.scoped()  # every request this file made (re-asks, halves, failures), and its hits
    if sent is not None:
        stats.calls, stats.cache_hits = sent.sent, sent.cache_hits
        stats.tokens_in, stats.tokens_out, stats.cost_usd = sent.tokens_in, sent.tokens_out, sent.cost_usd or 0.0
    stats.chunks_failed = len({f.chunk for f in failed})
    merged = consolidate(all_items)
    ex = Extraction(file=t.file_name, transcript_hash=t.content_hash, extractor="llm",
                    model=caller.cfg.model, prompt_version=prompt_version(),
                    traits=base_traits(account, t, traits), stats=stats, failed_chunks=failed)
    for it in merged:
        it.id = it.stable_id(it.category, t.content_hash)
        ex.add(it)
    return ex


__all__ = ["extract_transcript_llm", "ChunkFailed", "redactor_for", "to_items"]
