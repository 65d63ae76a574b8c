"""Offline "related evidence": where in each interview the hypothesis' subject comes up, by similarity.

No model judges truth here, so the method claims less: an interview *supports* a hypothesis when its
interviewee sentences and extracted items are close to the hypothesis in MiniLM space, and
*contradicts* it only where the closest evidence is a clear dismissal ("not really an issue",
"nothing forcing it", an item the speaker waved off). How the score is built (set on the dev study):

1. units: every interviewee sentence of 4+ words and every extracted item (its statement; the quote
   shown is its evidence); a hypothesis with a category skips items of other categories. Interviewer
   turns are never units.
2. unit score: mean cosine similarity to the hypothesis' texts (the whole text and, where it has
   several parts such as "label: description", each part), minus the unit's mean similarity to
   every hypothesis of the set and a few generic interview sentences: a sentence about the
   study's domain in general is close to every hypothesis and gains nothing.
3. interview score: the mean of its 5 best units, minus half the hypothesis' median over interviews
   (some hypotheses are closer to everything than others).
4. supports when the score reaches `RELATED_THRESHOLD` and at least one of the best units' quotes is
   itself close to the hypothesis (`QUOTE_FLOOR`): the quote shown must be about the claim.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import numpy as np

from synth.models import Evidence, Transcript

from .model import Hypothesis, InterviewStance
from .study import Interview

RELATED_THRESHOLD = 0.09
QUOTE_FLOOR = 0.30
TOP_UNITS = 5
CONTRAST_WEIGHT = 1.0
BASELINE_WEIGHT = 0.5
MAX_QUOTES = 3
MIN_WORDS = 4
SAME_CATEGORY_ITEMS = True   # a hypothesis with a category ignores extracted items of other categories
WINDOW_SENTENCES = 1     # also score runs of up to this many sentences of one turn (2 gained nothing on dev)
GENERIC = (
    "Thanks for making the time to talk today.",
    "Let me tell you a bit about my role and my team.",
    "That's a good question, let me think.",
    "We are a company with customers and a product.",
    "I'm not sure, I would have to check.",
    "We use a few different tools for different things.",
    "It takes time and it costs money.",
    "The team has grown over the last year.",
    "Happy to help, send me the follow-up.",
)
_SENT = re.compile(r"[^.!?]+(?:[.!?]+|$)")
_PARTS = re.compile(r"(?<=[.!?:;])\s+")
# a clear dismissal of a claim; negation alone is not one (pains are mostly said with a "can't")
DISMISSAL = re.compile(
    r"\b(?:(?:is|was|are|were)\s*n[o']t|not|never)\s+(?:really\s+|been\s+|much\s+of\s+|that\s+much\s+of\s+|"
    r"that\s+big\s+of\s+|such\s+)*(?:a\s+|an\s+)?(?:big\s+|real\s+|major\s+|huge\s+)?"
    r"(?:concern|issue|problem|priority|pain|deal|worry|blocker|factor|crisis)\b"
    r"|\b(?:do|does|did)\s*(?:n[o']t|not)\s+(?:really\s+)?(?:care|matter|bother|need|worry|mind)\b"
    r"|\bno\s+(?:real\s+)?(?:problem|issue|concern|need)s?\b"
    r"|\bworks?\s+(?:just\s+|perfectly\s+)?fine\b|\bnot\s+on\s+(?:our|my)\s+(?:radar|list)\b"
    r"|\bnothing\s+(?:really\s+)?(?:forcing|pushing|driving)\b",
    re.I)


@dataclass
class Unit:
    text: str              # what is embedded
    evidence: Evidence     # what is shown
    dismissal: bool
    category: Optional[str] = None   # items only: a hypothesis with another category skips them


def _evidence(t: Transcript, turn, start: int, end: int) -> Evidence:
    return Evidence(quote=t.text[start:end], file=t.file_name, transcript_hash=t.content_hash, speaker=turn.speaker,
                    turn_index=turn.index, char_start=start, char_end=end, start=turn.start)


def units_of(iv: Interview) -> list[Unit]:
    t = iv.transcript
    out: list[Unit] = []
    for turn in t.turns:
        if turn.is_interviewer:
            continue
        spans = []
        for m in _SENT.finditer(turn.text):
            raw = m.group()
            lead = len(raw) - len(raw.lstrip())
            s = raw.strip()
            if s:
                spans.append((turn.char_start + m.start() + lead, turn.char_start + m.start() + lead + len(s)))
        for w in range(1, WINDOW_SENTENCES + 1):
            for k in range(len(spans) - w + 1):
                a, b = spans[k][0], spans[k + w - 1][1]
                s = t.text[a:b]
                if len(s.split()) >= MIN_WORDS:
                    out.append(Unit(s, _evidence(t, turn, a, b), bool(DISMISSAL.search(s))))
    for it in iv.items:
        if not it.evidence:
            continue
        ev = it.evidence[0]
        turn = t.turn_at(ev.char_start)
        if turn is None or turn.is_interviewer or t.text[ev.char_start:ev.char_end] != ev.quote:
            continue  # evidence rules: verbatim, interviewee turn
        out.append(Unit(it.statement, ev, it.dismissed or bool(DISMISSAL.search(ev.quote)), it.category))
    return out


def query_texts(h: Hypothesis) -> list[str]:
    parts = [p.strip(" :;") for p in _PARTS.split(h.text) if len(p.strip(" :;").split()) >= 2]
    return [h.text] + (parts if len(parts) > 1 else [])


def related_evidence(hypotheses: list[Hypothesis], interviews: list[Interview], embedder,
                     threshold: float = RELATED_THRESHOLD) -> dict[str, list[InterviewStance]]:
    """hypothesis id -> one stance per interview (in `interviews` order)."""
    queries = [query_texts(h) for h in hypotheses]
    flat = [q for qs in queries for q in qs]
    qv = embedder.encode(flat + list(GENERIC))
    hv, k = [], 0
    for qs in queries:
        hv.append(qv[k:k + len(qs)])
        k += len(qs)
    gv = qv[len(flat):]
    per_unit: list[tuple[list[Unit], np.ndarray, np.ndarray]] = []
    for iv in interviews:
        units = units_of(iv)
        if not units:
            per_unit.append((units, np.zeros((0, len(hypotheses))), np.zeros((0, len(hypotheses)))))
            continue
        uv = embedder.encode([u.text for u in units])
        ev = embedder.encode([u.evidence.quote for u in units])
        own = np.stack([(uv @ q.T).mean(axis=1) for q in hv], axis=1)          # units x hypotheses
        quote_sim = np.stack([(ev @ q.T).mean(axis=1) for q in hv], axis=1)
        contrast = np.concatenate([own, uv @ gv.T], axis=1).mean(axis=1, keepdims=True)
        adj = own - CONTRAST_WEIGHT * contrast
        if SAME_CATEGORY_ITEMS:
            for i, h in enumerate(hypotheses):
                off = [k for k, u in enumerate(units) if h.category and u.category and u.category != h.category]
                adj[off, i] = -1.0
        per_unit.append((units, adj, quote_sim))
    raw = np.zeros((len(hypotheses), len(interviews)))
    for j, (units, adj, _) in enumerate(per_unit):
        if len(units):
            top = -np.sort(-adj, axis=0)[:TOP_UNITS]
            raw[:, j] = top.mean(axis=0)
    base = np.median(raw, axis=1, keepdims=True) if len(interviews) >= 3 else np.zeros((len(hypotheses), 1))
    score = raw - BASELINE_WEIGHT * base
    out: dict[str, list[InterviewStance]] = {}
    for i, h in enumerate(hypotheses):
        rows = []
        for j, iv in enumerate(interviews):
            units, adj, qsim = per_unit[j]
            rows.append(_stance(iv, units, adj[:, i] if len(units) else np.zeros(0),
                                qsim[:, i] if len(units) else np.zeros(0), float(score[i, j]), threshold))
        out[h.id] = rows
    return out


def _stance(iv: Interview, units: list[Unit], adj: np.ndarray, qsim: np.ndarray, score: float,
            threshold: float) -> InterviewStance:
    row = InterviewStance(file=iv.file, account=iv.account, outcome=iv.outcome, date=iv.date,
                          score=round(score, 4))
    if score < threshold or not units:
        return row
    order = [int(x) for x in np.argsort(-adj, kind="stable")[:TOP_UNITS]]
    shown = [k for k in order if qsim[k] >= QUOTE_FLOOR]
    if not shown:
        row.note = "related by score, but no single quote is close enough to the hypothesis to show"
        return row
    against = [k for k in shown if units[k].dismissal]
    pro = [k for k in shown if not units[k].dismissal]
    picked = against if against and against[0] == shown[0] else pro
    row.stance = "contradicts" if picked is against else "supports"
    row.mixed = bool(against and pro)
    row.quotes = _dedupe([units[k].evidence for k in picked])[:MAX_QUOTES]
    return row


def _dedupe(evs: list[Evidence]) -> list[Evidence]:
    out: list[Evidence] = []
    for e in evs:
        if not any(o.file == e.file and o.char_start < e.char_end and e.char_start < o.char_end for o in out):
            out.append(e)
    return out


def item_evidence(h: Hypothesis, interviews: list[Interview]) -> list[InterviewStance]:
    """ICP criteria: the interviews whose items the criterion was built from, with those items' quotes."""
    wanted = set(h.item_ids)
    rows = []
    for iv in interviews:
        mine = [it for it in iv.items if it.id in wanted and it.evidence and not it.dismissed]
        row = InterviewStance(file=iv.file, account=iv.account, outcome=iv.outcome, date=iv.date)
        if mine:
            row.stance = "supports"
            row.quotes = _dedupe([it.evidence[0] for it in mine])[:MAX_QUOTES]
        rows.append(row)
    return rows

