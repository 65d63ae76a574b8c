"""Locate a proposed quote in the transcript; a quote that cannot be located is not evidence.

Search order: exact, then normalized (whitespace, curly quotes and dashes, case), then fuzzy
(rapidfuzz partial ratio >= 90). Only non-interviewer turns are searched: interviewer talk is context.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Optional

from rapidfuzz import fuzz

from synth.models import Evidence, Transcript, Turn

FUZZY_THRESHOLD = 90.0
_TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ", "\u2026": "...",
})
_WS = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def _normalize_with_map(s: str) -> tuple[str, tuple[int, ...]]:
    """Lower-cased, quote/dash-folded, whitespace-collapsed text plus a map to original offsets.

    Cached: every quote that is not found verbatim normalizes the chunk's turns again."""
    out: list[str] = []
    pos: list[int] = []
    prev_space = True
    for i, ch in enumerate(s):
        c = ch.translate(_TRANSLATE)
        if c.isspace():
            if prev_space:
                continue
            c, prev_space = " ", True
        else:
            prev_space = False
        for cc in c.lower():
            out.append(cc)
            pos.append(i)
    while out and out[-1] == " ":
        out.pop()
        pos.pop()
    return "".join(out), tuple(pos)


def normalize(s: str) -> str:
    return _normalize_with_map(s)[0].strip(" .,;:!?\"'")


def _evidence(t: Transcript, turn: Turn, start: int, end: int, match: str) -> Evidence:
    a, b = turn.char_start + start, turn.char_start + end
    return Evidence(
        quote=t.text[a:b], file=t.file_name, transcript_hash=t.content_hash, speaker=turn.speaker,
        turn_index=turn.index, char_start=a, char_end=b, start=turn.start, match=match,
    )


def evidence_turns(t: Transcript) -> list[Turn]:
    turns = [x for x in t.turns if not x.is_interviewer]
    return turns


def locate(quote: str, t: Transcript, hint: Optional[Iterable[Turn]] = None) -> Optional[Evidence]:
    """Find `quote` in a non-interviewer turn. `hint` (the chunk's turns) is searched first."""
    q = quote.strip().strip('"').strip()
    if len(q) < 3:
        return None
    pool = evidence_turns(t)
    candidates = [x for x in (hint or []) if not x.is_interviewer]
    # by turn index: `x not in candidates` compared pydantic models field by field, pool x hint
    # times per quote (it was the largest CPU cost of a cached-client extraction run)
    hinted = {x.index for x in candidates}
    ordered = candidates + [x for x in pool if x.index not in hinted] if candidates else pool
    # 1) exact
    for turn in ordered:
        i = turn.text.find(q)
        if i >= 0:
            return _evidence(t, turn, i, i + len(q), "exact")
    # 2) normalized
    nq = normalize(q)
    if len(nq) >= 3:
        for turn in ordered:
            nt, mp = _normalize_with_map(turn.text)
            i = nt.find(nq)
            if i >= 0:
                return _evidence(t, turn, mp[i], mp[i + len(nq) - 1] + 1, "normalized")
    # 3) fuzzy, only where the quote is long enough for a ratio to mean something
    if len(nq) < 12:
        return None
    best: tuple[float, Optional[Turn], int, int] = (0.0, None, 0, 0)
    for turn in ordered:
        if len(turn.text) < len(q) * 0.6:
            continue
        al = fuzz.partial_ratio_alignment(q, turn.text, processor=str.lower,
                                          score_cutoff=FUZZY_THRESHOLD)
        if al is not None and al.score > best[0]:
            best = (al.score, turn, al.dest_start, al.dest_end)
            if al.score >= 99.5:
                break
    if best[1] is not None:
        return _evidence(t, best[1], best[2], best[3], "fuzzy")
    return None
