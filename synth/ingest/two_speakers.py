"""Two people, one interviews: a vote of the cues a reader uses, and how clear it is.

For a file with two labelled speakers the interviewer is decided by several cues at once, each a
signed vote (positive: the first label interviews), so one misleading cue (a guest's rhetorical
questions, a host who talks at length) does not reverse the decision on its own:

- who asks: the difference in the share of question turns;
- who makes the interviewer's moves: prompts, pitches, recaps, praise (sequence.interviewer_move);
- who hosts: "welcome to", "my guest", "tell us about yourself", "thanks for joining" against the
  guest's "thanks for having me", "happy to be here";
- who talks in the shorter turns (the log ratio of mean turn lengths);
- who speaks first.

The margin's size is the decision's confidence: below `roles.LOW_CONFIDENCE` the file gets a
warning naming its labels and the fix. The weights were set on the dev half of the real corpus
(evals/real), checking that no dev file is decided reversed with a clear margin.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

from .sequence import interviewer_move
from .talk import question_turn

# a host's phrases: a welcome to the show (not "being welcome to contributors"), a guest welcomed
# by name, "my guest", an invitation to introduce oneself, thanks for coming on
_HOSTS = re.compile(r"\bwelcome (?:back )?to (?:the |our |this |my |another |yet another )?(?:[\w'-]+ ){0,4}?"
                    r"(?:show|podcast|program|programme|episode|session|interview|call|series|stream|channel)\b|"
                    r"\bwelcome(?: back)?,? (?:everyone|everybody|(?-i:[A-Z][a-z]+)[.!,])|\b(?:my|our) guests?\b|"
                    r"\btell (?:us|me) (?:a (?:little|bit) )?(?:more )?about yourself\b|\bintroduce yourself\b|"
                    r"\bthanks? (?:you )?(?:so much |very much )?for (?:joining|coming on|being (?:here|on)|"
                    r"taking the time)\b", re.I)
_GUEST = re.compile(r"\b(?:thanks? (?:you )?(?:so much |very much )?for having me|(?:happy|glad|great|excited) "
                    r"to be (?:here|on)|pleasure to be (?:here|on))\b", re.I)

W_ASKS = 3.0      # per unit of difference in question share (0..1)
W_MOVES = 2.0     # per unit of difference in the share of turns that are interviewer moves
W_HOSTING = 1.0   # per hosting phrase more (capped at 2), the guest's phrases counting the other way
W_SHORTER = 0.8   # per unit of log ratio of mean turn length, capped at +-1.5
W_FIRST = 0.3     # speaks first
SCALE = 1.5       # margin -> confidence: 0.5 + 0.5 * tanh(|margin| / SCALE)


@dataclass
class Vote:
    interviewer: str
    interviewee: str
    margin: float
    reasons: list[str] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        return round(0.5 + 0.5 * math.tanh(abs(self.margin) / SCALE), 2)


@dataclass
class _Side:
    turns: int = 0
    questions: int = 0
    moves: int = 0
    words: int = 0
    hosting: int = 0
    first: Optional[int] = None  # index of the label's first turn


def _sides(turns, labels: Iterable[str]) -> dict[str, _Side]:
    out = {s: _Side() for s in labels}
    for i, t in enumerate(turns):
        s = out.get(t.speaker)
        if s is None:
            continue
        if s.first is None:
            s.first = i
        s.turns += 1
        s.questions += question_turn(t.text)
        s.moves += interviewer_move(t.text)
        s.words += len(t.text.split())
        s.hosting += len(_HOSTS.findall(t.text)) - len(_GUEST.findall(t.text))
    return out


def vote(turns, a: str, b: str) -> Vote:
    """Which of labels `a` and `b` interviews, by how much (see the module docstring)."""
    return _vote(_sides(turns, (a, b)), a, b)


def votes(turns, labels: Iterable[str]) -> dict[tuple[str, str], Vote]:
    """`vote` for every ordered pair of `labels`, each label's turns read once (several_speakers.py
    votes every label against every other: with 20 labels, 380 votes over the same turns)."""
    labels = list(labels)
    sides = _sides(turns, labels)
    return {(a, b): _vote(sides, a, b) for a in labels for b in labels if a != b}


def _vote(sides: dict[str, _Side], a: str, b: str) -> Vote:
    x, y = sides[a], sides[b]
    parts: list[tuple[str, float]] = []
    parts.append(("asks", W_ASKS * (x.questions / (x.turns + 1) - y.questions / (y.turns + 1))))
    parts.append(("moves", W_MOVES * (x.moves / (x.turns + 1) - y.moves / (y.turns + 1))))
    parts.append(("hosts", W_HOSTING * max(-2, min(2, x.hosting - y.hosting))))
    mean_x, mean_y = x.words / max(1, x.turns), y.words / max(1, y.turns)
    parts.append(("shorter turns", W_SHORTER * max(-1.5, min(1.5, math.log((mean_y + 1) / (mean_x + 1))))))
    first = b if y.first is not None and (x.first is None or y.first < x.first) else a
    parts.append(("speaks first", W_FIRST if first == a else -W_FIRST))
    margin = sum(v for _, v in parts)
    who, other = (a, b) if margin >= 0 else (b, a)
    sign = 1 if margin >= 0 else -1
    reasons = [f"{name} {sign * v:+.1f}" for name, v in parts if abs(v) >= 0.05]
    return Vote(who, other, round(margin, 2), reasons)
