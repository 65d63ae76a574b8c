"""An item's statement must be what its quote says: a verbatim quote about something else is not evidence.

Grounding proves a quote is the interviewee's words; it does not prove the item's statement (the
model's paraphrase, shown as a finding and a theme label) is what those words say. A model that copies
the wrong line, or obeys an instruction planted in a transcript ("buy our product", quoting three
words of a real turn), passes every other check. So every pain, trigger and alternative is judged
against each of its quotes by two signals:

- MiniLM cosine similarity between statement and quote (the embedder the run already loads);
- content-word overlap: the share of the statement's content words (stop words and fillers out,
  crude stems, numbers by value) that the quote says.

`score = similarity + OVERLAP_WEIGHT * overlap`; a pair is supported at `score >= THRESHOLD`. Both
constants were calibrated on the dev study's gold statement/quote pairs against mismatched pairs of
the same transcripts (`python -m evals.support`; the ROC and the chosen point are in evals/README.md).
With no embedder (it could not be loaded) the overlap alone decides, at `OVERLAP_ONLY_THRESHOLD`.

Minimum evidence: a quote under `MIN_WORDS` words or `MIN_CONTENT` content words says too little to
carry a pain or trigger on its own; it stays only beside another quote of the item that supports it.

What happens to an item no quote supports (after the LLM path's one re-ask, synth/extract/reask.py):
its statement becomes its best quote's own clause (counted `statements_replaced`), or the item is
dropped (`items_unsupported`) when the quote has no clause that says anything. An alternative's
unsupported shortfall is emptied (`fields_nulled`); the alternative itself stands on its said name. DMU members are not
judged here: their statement is synth's label of title and role, each checked in verify.py.
"""
from __future__ import annotations

import re
import threading
from typing import Callable, Optional, Sequence

import numpy as np

from synth.models import Alternative, Evidence, Extraction, Item, PainPoint, Trigger
from synth.numbers import numbers_in

Encode = Callable[[list[str]], np.ndarray]

OVERLAP_WEIGHT = 0.5
THRESHOLD = 0.28
OVERLAP_ONLY_THRESHOLD = 0.1
MIN_WORDS, MIN_CONTENT = 6, 3
# a re-asked quote must be the proposed quote's own words: this share of its content words at least
REASK_SHARE = 0.6

STOP = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before being
below between both but by can can't could couldn't did didn't do does doesn't doing don't down during each
few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers
herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me
more most mustn't my myself no nor not of off on once only or other ought our ours ourselves out over own
same shan't she she'd she'll she's should shouldn't so some such than that that's the their theirs them
themselves then there there's these they they'd they'll they're they've this those through to too under
until up very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's
which while who who's whom why why's with won't would wouldn't you you'd you'll you're you've your yours
yourself yourselves um uh uhm erm hmm like just really basically actually honestly literally kind sort
yeah yes okay ok oh well know think mean guess stuff thing things lot lots get gets got getting going
gonna wanna gotta go goes went say said says tell told right maybe probably pretty quite bit even still
much many every something anything everything someone anyone everyone one ones way ways also already
always never now then there's around sure let us via per will shall may might must need needs
""".split())
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def _stem(w: str) -> str:
    w = w.split("'")[0]
    for suf, rep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("ly", "")):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            w = w[: len(w) - len(suf)] + rep
            break
    return w[:6]


def content_words(text: str) -> set[str]:
    """Stems of the words that carry meaning, plus every number said, by value ("#40")."""
    low = text.lower().replace("’", "'")
    nums = {f"#{m.value:g}" for m in numbers_in(text)}
    spans = [(m.start, m.end) for m in numbers_in(text)]
    words = set()
    for m in _WORD.finditer(low):
        if any(a <= m.start() < b for a, b in spans):
            continue  # said as a number: counted by value
        w = m.group(0)
        if w in STOP or w.split("'")[0] in STOP or len(w) < 3 or w.isdigit():
            continue
        words.add(_stem(w))
    return words | nums


def overlap(statement: str, quote: str) -> float:
    """The share of the statement's content words the quote says (1.0 for a statement with none)."""
    s = content_words(statement)
    return len(s & content_words(quote)) / len(s) if s else 1.0


def share(answer: str, proposed: str) -> float:
    """The share of `answer`'s content words that `proposed` has: a re-ask answer must be mostly the
    proposed quote's own words, not another line of the chunk."""
    a = content_words(answer)
    return len(a & content_words(proposed)) / len(a) if a else 0.0


def too_short(quote: str) -> bool:
    """Says too little to carry an item on its own: under 6 words or under 3 content words."""
    return len(quote.split()) < MIN_WORDS or len(content_words(quote)) < MIN_CONTENT  # a number counts


class SupportJudge:
    """Scores statement/quote pairs. `encode` is the run's sentence embedder (normalized vectors);
    None: overlap alone decides (documented above)."""

    def __init__(self, encode: Optional[Encode] = None, threshold: Optional[float] = None):
        self._encode = encode
        self._lock = threading.Lock()  # files are judged in worker threads; the model loads once
        self.threshold = threshold if threshold is not None else (THRESHOLD if encode else OVERLAP_ONLY_THRESHOLD)

    def scores(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        if not pairs:
            return []
        ov = np.array([overlap(s, q) for s, q in pairs], dtype=np.float32)
        if self._encode is None:
            return [float(x) for x in ov]
        texts = list(dict.fromkeys([x for p in pairs for x in p]))
        with self._lock:
            vecs = self._encode(texts)
        at = {t: i for i, t in enumerate(texts)}
        sim = np.array([float(vecs[at[s]] @ vecs[at[q]]) for s, q in pairs], dtype=np.float32)
        return [float(x) for x in sim + OVERLAP_WEIGHT * ov]

    def supports(self, statement: str, quotes: Sequence[str]) -> list[bool]:
        return [s >= self.threshold for s in self.scores([(statement, q) for q in quotes])]


def judged(it: Item) -> bool:
    """Pains, triggers and alternatives' shortfalls. A dismissed concern's quote is the dismissal
    ("realistically we'd rotate it in ten minutes"), which seldom restates the concern: only the
    minimum evidence applies to it (it is shown flagged as dismissed, never as a finding)."""
    return isinstance(it, (PainPoint, Trigger, Alternative)) and not it.dismissed


def _claim(it: Item) -> str:
    """What the item claims in words: an alternative's name alone is checked in verify.py, so only a
    stated shortfall is a claim here."""
    if isinstance(it, Alternative):
        return it.shortfall or ""
    return it.statement


def carrying(it: Item, judge: SupportJudge, statement: Optional[str] = None) -> list[Evidence]:
    """The item's evidence that supports its statement, minimum evidence applied: a short quote
    counts only when a long one of the same item supports it too."""
    claim = statement if statement is not None else _claim(it)
    if it.dismissed and isinstance(it, (PainPoint, Trigger)):
        return [e for e in it.evidence if not too_short(e.quote)]
    if not claim.strip() or not judged(it):
        return list(it.evidence)
    ok = judge.supports(claim, [e.quote for e in it.evidence])
    long_ok = [e for e, y in zip(it.evidence, ok) if y and not too_short(e.quote)]
    if not long_ok and isinstance(it, (PainPoint, Trigger)):
        return []
    if not long_ok:  # an alternative: its name said in a short quote ("We looked at Zapier.") carries it
        return [e for e, y in zip(it.evidence, ok) if y]
    return [e for e, y in zip(it.evidence, ok) if y]


def unsupported(ex: Extraction, judge: SupportJudge) -> list[Item]:
    """Items none of whose evidence carries their statement, in storage order."""
    return [it for it in ex.items() if isinstance(it, (PainPoint, Trigger, Alternative))
            and not carrying(it, judge)]


_CLAUSE = re.compile(r"(?<=[.!?;])\s+|\s+(?:-|—|–)\s+|,\s+(?:and|but|so|because|which)\s+")
_FILLER = re.compile(r"^(?:(?:so|and|but|well|yeah|um|uh|like|i mean|you know|honestly|basically|okay)[,\s]+)+",
                     re.I)


def own_clause(it: Item, claim: str, judge: SupportJudge) -> Optional[str]:
    """The clause of the item's quotes closest to what it claimed, as said (fillers trimmed at its
    start); None when no clause of a long-enough quote says anything."""
    cands: list[str] = []
    for e in it.evidence:
        if too_short(e.quote) and isinstance(it, (PainPoint, Trigger)):
            continue
        for c in _CLAUSE.split(e.quote):
            c = _FILLER.sub("", c.strip()).strip(" ,")
            if len(content_words(c)) >= MIN_CONTENT:
                cands.append(c[:1].upper() + c[1:])
    if not cands:
        return None
    if len(cands) == 1 or not claim.strip():
        return cands[0]
    sc = judge.scores([(claim, c) for c in cands])
    return cands[int(np.argmax(sc))]


def settle(ex: Extraction, judge: SupportJudge, items: Sequence[Item]) -> None:
    """Each unsupported item: its statement replaced by its quote's own clause, or the item dropped.
    Counted in `statements_replaced` / `items_unsupported`."""
    ids = {id(it) for it in items}
    for field in ("pains", "triggers", "alternatives"):
        kept = []
        for it in getattr(ex, field):
            if id(it) not in ids:
                kept.append(it)
                continue
            if isinstance(it, Alternative):
                # only the stated shortfall was a claim: it goes, the alternative (its name said) stays
                it.shortfall = None
                it.statement = it.name
                ex.stats.fields_nulled += 1
                kept.append(it)
                continue
            clause = own_clause(it, _claim(it), judge)
            if clause is None:
                ex.stats.items_unsupported += 1
                continue
            it.statement = clause
            # evidence too short to say anything alone goes with the claim it carried
            if isinstance(it, (PainPoint, Trigger)):
                long = [e for e in it.evidence if not too_short(e.quote)]
                it.evidence = long or it.evidence
            ex.stats.statements_replaced += 1
            kept.append(it)
        setattr(ex, field, kept)


def check_support(ex: Extraction, judge: SupportJudge) -> Extraction:
    """The offline path (no model to re-ask): every unsupported item settled at once."""
    settle(ex, judge, unsupported(ex, judge))
    return ex


__all__ = ["SupportJudge", "check_support", "unsupported", "settle", "carrying", "content_words",
           "overlap", "share", "too_short", "own_clause", "THRESHOLD", "REASK_SHARE"]
