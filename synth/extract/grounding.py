"""Locate a proposed quote in the transcript; a quote that cannot be located is not evidence.

Search order: exact, then normalized (whitespace, curly quotes and dashes, case), then fuzzy
(rapidfuzz partial ratio >= 90, then a word alignment that tolerates a few inserted or dropped words). Only non-interviewer turns are searched: interviewer talk is context.

What is shown is always the transcript's own text at the span found, never the proposed quote, and
a span always starts and ends on word boundaries ("opens in Ju" is snapped to "opens in June").
A fuzzy match tolerates slips, not changes of meaning: it is refused when the quote and the span
differ in a number, a negation (not, never, no, n't, without, ...) or a capitalised name, so "about
400 hours" is never located at "about 40 hours".

`salvage` is the last resort before a quote is given up: the longest verbatim run of at least
`SALVAGE_MIN_WORDS` words of the proposed quote inside one interviewee turn (match kind `salvaged`).
"""
from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Iterable, Optional

from rapidfuzz import fuzz

from synth.models import Evidence, Transcript, Turn
from synth.numbers import NEGATIONS, number_signature

FUZZY_THRESHOLD = 90.0
SALVAGE_MIN_WORDS = 6
_TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ", "\u2026": "...",
})
_WS = re.compile(r"\s+")
_WORDS = re.compile(r"[\w$%][\w$%'’.,-]*[\w$%]|[\w$%]")
_SENTENCE_END = re.compile(r"[.!?:;\"“”]$")


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


def snap(text: str, start: int, end: int) -> tuple[int, int]:
    """`start:end` moved onto word boundaries: a word cut at an edge is taken whole when at least
    half of it is inside the span, else left out; surrounding spaces are trimmed."""
    def word_at(i: int) -> tuple[int, int]:
        a = i
        while a > 0 and text[a - 1].isalnum():
            a -= 1
        b = i
        while b < len(text) and text[b].isalnum():
            b += 1
        return a, b

    if 0 < start < len(text) and text[start].isalnum() and text[start - 1].isalnum():
        a, b = word_at(start)
        start = a if (b - start) * 2 >= (b - a) else b
    if 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        a, b = word_at(end - 1)
        end = b if (end - a) * 2 >= (b - a) else a
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _negations(s: str) -> Counter:
    words = re.findall(r"[a-z]+(?:'[a-z]+)?", s.lower().translate(_TRANSLATE))
    c = Counter(w for w in words if w in NEGATIONS)
    c["n't"] = sum(1 for w in words if w.endswith("n't")) + words.count("cannot")
    return c


def _names(s: str) -> set[str]:
    """Capitalised words that are not capitalised for being first in a sentence, nor 'I'."""
    out: set[str] = set()
    prev = ""
    for i, w in enumerate(_WS.split(s.strip())):
        core = w.strip("\"'“”‘’()[],.;:!?")
        if core[:1].isupper() and i > 0 and not _SENTENCE_END.search(prev) and \
                core.split("'")[0].split("’")[0] != "I":
            out.add(core.lower())
        prev = w
    return out


def meaning_differs(quote: str, span: str) -> Optional[str]:
    """Why `span` cannot stand for `quote` (a differing number, negation or name), or None."""
    if sorted(number_signature(quote)) != sorted(number_signature(span)):
        return "number"
    if _negations(quote) != _negations(span):
        return "negation"
    q_low, s_low = set(re.findall(r"\w+", quote.lower())), set(re.findall(r"\w+", span.lower()))
    for name in _names(quote) | _names(span):
        parts = set(re.findall(r"\w+", name))
        if not (parts <= q_low and parts <= s_low):
            return "name"
    return None


def _evidence(t: Transcript, turn: Turn, start: int, end: int, match: str) -> Evidence:
    start, end = snap(turn.text, start, end)
    a, b = turn.char_start + start, turn.char_start + end
    return Evidence(
        quote=t.text[a:b], file=t.file_name, transcript_hash=t.content_hash, speaker=turn.speaker,
        turn_index=turn.index, char_start=a, char_end=b, start=turn.start, match=match,
    )


def evidence_turns(t: Transcript) -> list[Turn]:
    return [x for x in t.turns if x.evidence_ok]


def _ordered(t: Transcript, hint: Optional[Iterable[Turn]]) -> list[Turn]:
    pool = evidence_turns(t)
    candidates = [x for x in (hint or []) if x.evidence_ok]
    # by turn index: `x not in candidates` compared pydantic models field by field, pool x hint
    # times per quote (it was the largest CPU cost of a cached-client extraction run)
    hinted = {x.index for x in candidates}
    return candidates + [x for x in pool if x.index not in hinted] if candidates else pool


def locate(quote: str, t: Transcript, hint: Optional[Iterable[Turn]] = None) -> Optional[Evidence]:
    """Find `quote` in a non-interviewer turn. `hint` (the chunk's turns) is searched first."""
    q = quote.strip().strip('"').strip()
    if len(q) < 3:
        return None
    ordered = _ordered(t, hint)
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
    # 3) fuzzy, only where the quote is long enough for a ratio to mean something, and only where
    # the slip cannot change what was said
    if len(nq) < 12:
        return None
    found: list[tuple[float, Turn, int, int]] = []
    for turn in ordered:
        if len(turn.text) < len(q) * 0.6:
            continue
        al = fuzz.partial_ratio_alignment(q, turn.text, processor=str.lower,
                                          score_cutoff=FUZZY_THRESHOLD)
        if al is not None:
            found.append((al.score, turn, al.dest_start, al.dest_end))
    for _, turn, a, b in sorted(found, key=lambda f: -f[0]):  # stable: ties keep turn order
        a, b = snap(turn.text, a, b)
        if a < b and meaning_differs(q, turn.text[a:b]) is None:
            return _evidence(t, turn, a, b, "fuzzy")
    # 4) word by word: a few words inserted into the quote or dropped from the speech ("um"s)
    return _aligned(q, t, ordered)


def _aligned(q: str, t: Transcript, turns: list[Turn]) -> Optional[Evidence]:
    """The turn span whose words are the quote's, give or take a few inserted or dropped words.

    Models insert words into quotes ("every single quarter", "basically") and drop fillers; a
    character ratio falls below its threshold on a few such words, a word alignment does not. At
    most a quarter of the quote's words may be unmatched, gaps are at most 3 words, and the
    meaning check applies: an inserted "not" or a changed number is never aligned away."""
    qw = [w for w, _, _ in _word_spans(q)]
    if len(qw) < SALVAGE_MIN_WORDS:
        return None
    need = max(SALVAGE_MIN_WORDS, int(len(qw) * 0.75 + 0.999))
    qset = set(qw)
    best: tuple[int, Optional[Turn], int, int] = (0, None, 0, 0)
    for turn in turns:
        spans = _word_spans(turn.text)
        if len(qset.intersection(w for w, _, _ in spans)) < need * 0.6:
            continue
        blocks = [b for b in SequenceMatcher(None, qw, [w for w, _, _ in spans], autojunk=False)
                  .get_matching_blocks() if b.size]
        i = 0
        while i < len(blocks):  # chains of blocks separated by small gaps on either side
            j, got = i, blocks[i].size
            while j + 1 < len(blocks):
                prev, nxt = blocks[j], blocks[j + 1]
                if nxt.a - (prev.a + prev.size) > 3 or nxt.b - (prev.b + prev.size) > 3:
                    break
                j += 1
                got += nxt.size
            b0, b1 = blocks[i].b, blocks[j].b + blocks[j].size
            extra = (b1 - b0) - got  # speech words the quote left out
            if got >= need and extra <= max(2, got // 6) and got > best[0]:
                a, b = spans[b0][1], spans[b1 - 1][2]
                if meaning_differs(q, turn.text[a:b]) is None:
                    best = (got, turn, a, b)
            i = j + 1
    if best[1] is None:
        return None
    return _evidence(t, best[1], best[2], best[3], "fuzzy")


def _word_spans(text: str) -> list[tuple[str, int, int]]:
    return [(normalize(m.group(0)), m.start(), m.end()) for m in _WORDS.finditer(text)]


def _runs(blocks) -> list[tuple[int, int]]:
    """(start, length) in the turn of each run of its words the quote has in order: matching blocks
    that touch in the turn are one run even when the quote has words between them (words a model
    inserted: "he'd tell you, I mean, basically, it's three days" is the turn's "he'd tell you it's
    three days"). Every word of a run is the turn's own, contiguous, and in the quote."""
    out: list[tuple[int, int]] = []
    for bl in (x for x in blocks if x.size):
        if out and out[-1][0] + out[-1][1] == bl.b:
            out[-1] = (out[-1][0], out[-1][1] + bl.size)
        else:
            out.append((bl.b, bl.size))
    return out


def salvage(quote: str, t: Transcript, hint: Optional[Iterable[Turn]] = None,
            min_words: int = SALVAGE_MIN_WORDS) -> Optional[Evidence]:
    """The longest verbatim run of >= `min_words` words of `quote` inside one interviewee turn (words
    the quote inserted into the run are left out, `_runs`).

    Words are compared case- and punctuation-folded; the evidence is the turn's own text. A run is
    refused when leaving out the rest of the quote drops a negation ("we did not lose two engineers
    a week" never becomes "lose two engineers a week")."""
    qwords = [w for w, _, _ in _word_spans(quote)]
    if len(qwords) < min_words:
        return None
    best: tuple[int, Optional[Turn], int, int] = (0, None, 0, 0)
    for turn in _ordered(t, hint):
        spans = _word_spans(turn.text)
        sm = SequenceMatcher(None, qwords, [w for w, _, _ in spans], autojunk=False)
        for b0, size in _runs(sm.get_matching_blocks()):
            if size >= min_words and size > best[0]:
                a, b = spans[b0][1], spans[b0 + size - 1][2]
                if _negations(quote) == _negations(turn.text[a:b]):
                    best = (size, turn, a, b)
    if best[1] is None:
        return None
    return _evidence(t, best[1], best[2], best[3], "salvaged")
