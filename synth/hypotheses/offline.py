"""Offline "related evidence": where in each interview the hypothesis' subject comes up, by similarity.

No model judges truth here, so the method claims less: an interview *supports* a hypothesis when its
extracted items and interviewee sentences are about that hypothesis rather than another one of the
set, and *contradicts* it only where the closest evidence is a clear dismissal ("not really an issue",
"nothing forcing it", an item the speaker waved off). How the score is built (every constant set on
the dev study, `python -m evals.hypotheses --sweep --study dev`; the held-out study is only measured):

1. units: every interviewee sentence of 4+ words and every extracted item (its statement; the quote
   shown is its evidence). Interviewer turns are never units.
2. which hypothesis a unit is about: a softmax over the unit's MiniLM similarities to each hypothesis
   of the set (mean over the hypothesis' whole text and, where it has several parts such as
   "label: description", each part) and to a few generic interview sentences (the "about nothing in
   particular" option). An item competes only among the hypotheses of its own category (a pain item
   is about one of the pain hypotheses, or none); a sentence among all. Absolute similarity does not
   transfer: in a one-subject study every hypothesis is close to many sentences, so a unit counts for
   a hypothesis by how much more it is about this one than about the others.
3. interview score: `ITEM_WEIGHT` x the mean of its `TOP_ITEMS` best items + the rest x the mean of its
   `TOP_SENTENCES` best sentences (items are the sharper evidence: on dev the items alone separate
   interviews better than the sentences alone, AUC 0.83-0.85 vs 0.75), minus half the hypothesis' median
   over interviews (a hypothesis the study talks about everywhere needs more to count).
4. supports when the score reaches `RELATED_THRESHOLD` and at least one of the best units' quotes is
   itself close to the hypothesis (`QUOTE_FLOOR`): the quote shown must be about the claim.
   The threshold is the one that, on the dev study, leaves the widest margin to both the precision and
   the recall bar (precision >= 0.8, recall >= 0.6; `evals/hypotheses.py` `choose_threshold`).
5. names: a hypothesis about an alternative names the products it is about ("Stripe Billing,
   Chargebee, Metronome, Orb"), and an interviewee sentence that says one of those names is that
   alternative coming up, whatever its similarity (MiniLM knows little of product names: "So we're on
   Chargebee." is far from "Named billing vendors"). Such an interview supports (or contradicts, where
   the sentence is a clear dismissal) with that sentence shown first and the names in its note. Only
   alternatives: a pain or a trigger names products and roles as context ("the billing tool (Stripe
   Billing, Chargebee) cannot express commits"; "a newly hired CFO"), and on dev counting their names
   lowers precision more than it adds recall (margin to the bars 0.024, against 0.098 for alternatives only).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import numpy as np

from synth.models import Evidence, Transcript

from .model import Hypothesis, InterviewStance
from .study import Interview

RELATED_THRESHOLD = 0.21
QUOTE_FLOOR = 0.30
ITEM_WEIGHT = 0.65
TOP_ITEMS = 2
TOP_SENTENCES = 5
ITEM_TEMPERATURE = 0.03      # softmax temperatures over cosine similarities (set on dev; 0.02-0.04 all hold)
SENTENCE_TEMPERATURE = 0.02
NAMED_CATEGORIES = ("alternative",)   # step 5
BASELINE_WEIGHT = 0.5
MAX_QUOTES = 3
MIN_WORDS = 4
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
_CAPITALIZED = re.compile(r"\b[A-Z][A-Za-z0-9]+\b")
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

    @property
    def is_item(self) -> bool:
        return self.category is not None


def _evidence(t: Transcript, turn, start: int, end: int) -> Evidence:
    return Evidence(quote=t.text[start:end], file=t.file_name, transcript_hash=t.content_hash, speaker=turn.speaker,
                    turn_index=turn.index, char_start=start, char_end=end, start=turn.start)


def units_of(iv: Interview) -> list[Unit]:
    t = iv.transcript
    out: list[Unit] = []
    for turn in t.turns:
        if not turn.evidence_ok:  # the interviewer's, or a side ingest only guessed (Turn.evidence_ok)
            continue
        spans = []
        for m in _SENT.finditer(turn.text):
            raw = m.group()
            lead = len(raw) - len(raw.lstrip())
            s = raw.strip()
            if s:
                spans.append((turn.char_start + m.start() + lead, turn.char_start + m.start() + lead + len(s)))
        for a, b in spans:
            s = t.text[a:b]
            if len(s.split()) >= MIN_WORDS:
                out.append(Unit(s, _evidence(t, turn, a, b), bool(DISMISSAL.search(s))))
    for it in iv.items:
        if not it.evidence:
            continue
        ev = it.evidence[0]
        turn = t.turn_at(ev.char_start)
        if turn is None or not turn.evidence_ok or t.text[ev.char_start:ev.char_end] != ev.quote:
            continue  # evidence rules: verbatim, an interviewee turn (the same test as items')
        out.append(Unit(it.statement, ev, it.dismissed or bool(DISMISSAL.search(ev.quote)), it.category))
    return out


def query_texts(h: Hypothesis) -> list[str]:
    parts = [p.strip(" :;") for p in _PARTS.split(h.text) if len(p.strip(" :;").split()) >= 2]
    return [h.text] + (parts if len(parts) > 1 else [])


def interviewee_text(interviews: list[Interview]) -> str:
    """Everything the interviewees said (the turns evidence may come from), to tell names from words."""
    return "\n".join(iv.transcript.text[t.char_start:t.char_end] for iv in interviews
                     for t in iv.transcript.turns if t.evidence_ok)


def names_of(h: Hypothesis, said: str) -> list[str]:
    """The product names a hypothesis about an alternative gives (step 5), as the interviewees use them:
    a capitalized word of its text that they say capitalized after a lower-case word or a comma (a name
    mid-sentence) and never in lower case. "Chargebee" and "Excel" are names; "Go" (also a verb) and
    "Off" (as in "Off-the-shelf") are not."""
    if h.category not in NAMED_CATEGORIES:
        return []
    out = []
    for w in dict.fromkeys(m.group() for m in _CAPITALIZED.finditer(h.text)):
        mid = re.search(r"[a-z,;]\s+" + re.escape(w) + r"\b", said)
        if mid and not re.search(r"\b" + re.escape(w.lower()) + r"\b", said):
            out.append(w)
    return out


def naming(units: list[Unit], names: list[str]) -> list[int]:
    """The interviewee sentences (not items: their quotes are those sentences) that say one of `names`."""
    if not names:
        return []
    said = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b")
    return [k for k, u in enumerate(units) if not u.is_item and said.search(u.evidence.quote)]


def _softmax(z: np.ndarray, temperature: float) -> np.ndarray:
    z = z / temperature
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def unit_scores(units: list[Unit], uv: np.ndarray, hv: list[np.ndarray], gv: np.ndarray,
                categories: list[Optional[str]]) -> np.ndarray:
    """units x hypotheses: how much each unit is about each hypothesis rather than another (step 2)."""
    own = np.stack([(uv @ q.T).mean(axis=1) for q in hv], axis=1)            # units x hypotheses
    generic = uv @ gv.T
    out = np.zeros_like(own)
    sentences = np.array([not u.is_item for u in units])
    if sentences.any():
        out[sentences] = _softmax(np.concatenate([own[sentences], generic[sentences]], axis=1),
                                  SENTENCE_TEMPERATURE)[:, :len(hv)]
    for k, u in enumerate(units):
        if not u.is_item:
            continue
        cols = [i for i, c in enumerate(categories) if c is None or c == u.category]
        if cols:
            p = _softmax(np.concatenate([own[k, cols], generic[k]])[None, :], ITEM_TEMPERATURE)[0]
            out[k, cols] = p[:len(cols)]
    return out


def _top_mean(x: np.ndarray, k: int) -> np.ndarray:
    """Mean of the k largest per column, counting missing rows as 0 (two items outweigh one)."""
    if not len(x):
        return np.zeros(x.shape[1])
    top = -np.sort(-x, axis=0)[:k]
    return top.sum(axis=0) / k


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
    cats = [h.category for h in hypotheses]
    said = interviewee_text(interviews)
    names = [names_of(h, said) for h in hypotheses]
    per_unit: list[tuple[list[Unit], np.ndarray, np.ndarray]] = []
    raw = np.zeros((len(hypotheses), len(interviews)))
    for j, iv in enumerate(interviews):
        units = units_of(iv)
        if not units:
            per_unit.append((units, np.zeros((0, len(hypotheses))), np.zeros((0, len(hypotheses)))))
            continue
        uv = embedder.encode([u.text for u in units])
        ev = embedder.encode([u.evidence.quote for u in units])
        scores = unit_scores(units, uv, hv, gv, cats)
        quote_sim = np.stack([(ev @ q.T).mean(axis=1) for q in hv], axis=1)
        items = np.array([u.is_item for u in units])
        raw[:, j] = (ITEM_WEIGHT * _top_mean(scores[items], TOP_ITEMS)
                     + (1 - ITEM_WEIGHT) * _top_mean(scores[~items], TOP_SENTENCES))
        # shown in this order: a unit's share of the interview score
        shown = scores * np.where(items, ITEM_WEIGHT / TOP_ITEMS, (1 - ITEM_WEIGHT) / TOP_SENTENCES)[:, None]
        per_unit.append((units, shown, quote_sim))
    base = np.median(raw, axis=1, keepdims=True) if len(interviews) >= 3 else np.zeros((len(hypotheses), 1))
    score = raw - BASELINE_WEIGHT * base
    out: dict[str, list[InterviewStance]] = {}
    for i, h in enumerate(hypotheses):
        rows = []
        for j, iv in enumerate(interviews):
            units, adj, qsim = per_unit[j]
            rows.append(_stance(iv, units, adj[:, i] if len(units) else np.zeros(0),
                                qsim[:, i] if len(units) else np.zeros(0), float(score[i, j]), threshold,
                                naming(units, names[i]), names[i]))
        out[h.id] = rows
    return out


def _stance(iv: Interview, units: list[Unit], adj: np.ndarray, qsim: np.ndarray, score: float,
            threshold: float, named: list[int], names: list[str]) -> InterviewStance:
    row = InterviewStance(file=iv.file, account=iv.account, outcome=iv.outcome, date=iv.date,
                          score=round(score, 4))
    if (score < threshold and not named) or not units:
        return row
    order = [int(x) for x in np.argsort(-adj, kind="stable")[:TOP_ITEMS + TOP_SENTENCES]] if score >= threshold else []
    # a sentence that names the alternative is its own evidence (step 5): shown first, no similarity floor
    shown = named + [k for k in order if qsim[k] >= QUOTE_FLOOR and k not in named]
    if named:
        row.note = "names " + ", ".join(n for n in names if any(re.search(rf"\b{re.escape(n)}\b", units[k].evidence.quote)
                                                             for k in named))
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

