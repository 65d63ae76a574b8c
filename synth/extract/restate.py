"""An unsupported statement is re-asked once, naming the pair, before it is replaced or dropped.

After grounding and verification (synth/extract/verify.py), the support check
(synth/extract/support.py) finds the items whose statement none of their quotes says. The LLM path
asks the model once, in one call per file, for each such pair: "this statement does not say what this
quote says: restate it as what the quote says, or null". An answer is kept only when the same check
finds it supported by the item's own quotes and it claims no number they do not say; everything
else is settled by the support check (the quote's own clause, or the item dropped). The call is
cached like any other (its messages name the pairs), so a re-run asks nothing.
"""
from __future__ import annotations

import asyncio
import json
from typing import Optional

from pydantic import BaseModel, Field

from synth.extract.llm_run import redactor_for
from synth.extract.support import SupportJudge, carrying, settle, unsupported
from synth.llm.caller import ChunkFailed, LlmCaller
from synth.models import Alternative, Extraction, Item, Transcript
from synth.numbers import matches, numbers_in
from synth.resources import load_prompt

PROMPT_FILE = "restate_v1.md"


class StatementFix(BaseModel):
    n: int = Field(description="the number of the finding being restated")
    statement: Optional[str] = Field(None, description="what the quote itself says, at most 20 words; "
                                                       "null when the quote does not express such a finding")


class StatementFixes(BaseModel):
    """Statements restated as what their own quotes say."""

    fixes: list[StatementFix] = Field(default_factory=list)


def _claim(it: Item) -> str:
    return (it.shortfall or "") if isinstance(it, Alternative) else it.statement


def restate_messages(pairs: list[tuple[int, str, str, str]]) -> list[dict]:
    prompt = load_prompt(PROMPT_FILE)
    listing = "\n".join(f"{n}. {cat}: {json.dumps(stmt, ensure_ascii=False)}\n   quote: "
                        f"{json.dumps(quote, ensure_ascii=False)}" for n, cat, stmt, quote in pairs)
    return [{"role": "system", "content": prompt.text},
            {"role": "user", "content": f"<findings>\n{listing}\n</findings>"}]


def _numbers_said(statement: str, quotes: list[str]) -> bool:
    said = [m for q in quotes for m in numbers_in(q)]
    return all(any(matches(c.value, m) for m in said) for c in numbers_in(statement) if not c.bare_one)


def _pairs(ex: Extraction, judge: SupportJudge) -> tuple[list[Item], list[tuple[int, str, str, str]]]:
    """The statements to re-ask: pains and triggers (an alternative's shortfall is a field, emptied
    like the other fields its quote does not say; a dismissed concern too short to stand is not
    restated), each with its best-scoring quote. The rest is settled at once."""
    items = unsupported(ex, judge)
    direct = [it for it in items if isinstance(it, Alternative) or it.dismissed]
    settle(ex, judge, direct)
    gone = {id(it) for it in direct}
    items = [it for it in items if id(it) not in gone]
    pairs = []
    for n, it in enumerate(items, 1):
        quotes = [e.quote for e in it.evidence]
        best = quotes[max(range(len(quotes)), key=judge.scores([(_claim(it), q) for q in quotes]).__getitem__)]
        pairs.append((n, it.category, _claim(it), best))
    return items, pairs


def _apply(ex: Extraction, judge: SupportJudge, items: list[Item], fixes: dict[int, str]) -> None:
    still = []
    for n, it in enumerate(items, 1):
        new = fixes.get(n, "").strip()
        quotes = [e.quote for e in it.evidence]
        if new and len(new.split()) <= 40 and _numbers_said(new, quotes) and carrying(it, judge, statement=new):
            if isinstance(it, Alternative):
                it.shortfall = new
                it.statement = f"{it.name}: {new}"
            else:
                it.statement = new
        else:
            still.append(it)
    settle(ex, judge, still)


async def support_statements(ex: Extraction, t: Transcript, caller: LlmCaller, judge: SupportJudge) -> None:
    """Re-ask each unsupported statement once; settle what is still unsupported (support.settle).

    The judging runs in a worker thread: embedding (and the first model load, ~7 s) must not hold
    up the event loop while other files' requests are in flight, or their deadlines pass."""
    items, pairs = await asyncio.to_thread(_pairs, ex, judge)
    if not items:
        return
    red = redactor_for(t) if caller.redact else None
    hide = red.redact if red else (lambda s: s)
    restore = red.restore if red else (lambda s: s)
    pairs = [(n, cat, hide(stmt), hide(q)) for n, cat, stmt, q in pairs]
    ex.stats.statements_reasked += len(items)
    fixes: dict[int, str] = {}
    try:
        res = await caller.structured(restate_messages(pairs), StatementFixes, purpose="restate",
                                      prompt="restate", prompt_version=load_prompt(PROMPT_FILE).version)
    except ChunkFailed:
        res = None  # the re-ask failed: the check settles every pair as if it had answered null
    if res is not None:
        sent = caller.ledger.scoped()  # this file's requests, the re-ask included (synth/llm/ledger.py)
        if sent is not None:
            st = ex.stats
            st.calls, st.cache_hits = sent.sent, sent.cache_hits
            st.tokens_in, st.tokens_out, st.cost_usd = sent.tokens_in, sent.tokens_out, sent.cost_usd or 0.0
        fixes = {f.n: restore(f.statement) for f in res.parsed.fixes  # type: ignore[attr-defined]
                 if f.statement and f.statement.strip()}
    await asyncio.to_thread(_apply, ex, judge, items, fixes)


__all__ = ["support_statements", "StatementFixes", "StatementFix", "restate_messages"]
