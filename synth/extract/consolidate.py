"""Merge items across chunks: one problem said three times is ONE item with three pieces of evidence.

Two items of a category are the same when their evidence overlaps, their statements are near
duplicates (token-set ratio), the same alternative is named, or the same person/title is described.
Merging keeps the first item's wording (stable order) and unions evidence by span.
"""
from __future__ import annotations

from typing import Callable, Optional, Sequence, TypeVar

import numpy as np
from rapidfuzz import fuzz

from synth.models import Alternative, DmuMember, Evidence, Item, PainPoint, Trigger

T = TypeVar("T", bound=Item)
STATEMENT_RATIO = 88.0


def _overlap(a: Evidence, b: Evidence) -> bool:
    return a.transcript_hash == b.transcript_hash and a.char_start < b.char_end and b.char_start < a.char_end


def _norm(s: Optional[str]) -> str:
    return " ".join((s or "").lower().split())


def same_item(a: Item, b: Item) -> bool:
    if type(a) is not type(b) or a.dismissed != b.dismissed:
        return False  # a concern dismissed once must not erase the same concern held elsewhere
    if any(_overlap(x, y) for x in a.evidence for y in b.evidence):
        return True
    if isinstance(a, Alternative):
        return _norm(a.name) == _norm(b.name)  # type: ignore[union-attr]
    if isinstance(a, DmuMember):
        b2: DmuMember = b  # type: ignore[assignment]
        if a.name and b2.name:
            return _norm(a.name) == _norm(b2.name)
        return bool(a.title and b2.title and _norm(a.title) == _norm(b2.title) and a.role == b2.role)
    if isinstance(a, Trigger) and a.kind != b.kind:  # type: ignore[union-attr]
        return False
    return fuzz.token_set_ratio(_norm(a.statement), _norm(b.statement)) >= STATEMENT_RATIO


def merge_into(keep: T, other: T) -> T:
    spans = {(e.char_start, e.char_end) for e in keep.evidence}
    for e in other.evidence:
        if (e.char_start, e.char_end) not in spans and not any(_overlap(e, k) for k in keep.evidence):
            keep.evidence.append(e)
            spans.add((e.char_start, e.char_end))
    keep.evidence.sort(key=lambda e: e.char_start)
    keep.dismissed = keep.dismissed and other.dismissed
    if isinstance(keep, PainPoint) and isinstance(other, PainPoint):
        keep.severity = max(keep.severity, other.severity)
        keep.quantity = keep.quantity or other.quantity
    if isinstance(keep, Trigger) and isinstance(other, Trigger):
        keep.when = keep.when or other.when
        if keep.days_before_interview is None:
            keep.days_before_interview = other.days_before_interview
    if isinstance(keep, Alternative) and isinstance(other, Alternative):
        keep.shortfall = keep.shortfall or other.shortfall
    if isinstance(keep, DmuMember) and isinstance(other, DmuMember):
        keep.name = keep.name or other.name
        keep.title = keep.title or other.title
    return keep


def consolidate(items: Sequence[T], similar: Optional[Callable[[T, T], bool]] = None) -> list[T]:
    """Greedy single pass in input order, so the result is deterministic."""
    out: list[T] = []
    for it in items:
        for k in out:
            if same_item(k, it) or (similar is not None and type(k) is type(it) and similar(k, it)):
                merge_into(k, it)
                break
        else:
            # merge_into only appends to and sorts `evidence`: a copy of that list keeps the input
            # untouched at a fraction of a deep copy's cost
            out.append(it.model_copy(update={"evidence": list(it.evidence)}))
    return out


def embedding_similarity(statements: list[str], vectors: np.ndarray, threshold: float):
    """A `similar` predicate for `consolidate` backed by precomputed normalized vectors."""
    index = {s: i for i, s in enumerate(statements)}

    def similar(a: Item, b: Item) -> bool:
        i, j = index.get(a.statement), index.get(b.statement)
        if i is None or j is None:
            return False
        return float(vectors[i] @ vectors[j]) >= threshold

    return similar
