"""Three or more labelled people: who interviews, decided label by label from each label's own evidence.

The two-speaker vote (two_speakers.py) weighs who asks, who makes the interviewer's moves, who
hosts, who talks in the shorter turns and who speaks first. With more people, every label is voted
against every other one and its score is its mean margin: a co-host scores about even against the
other hosts and well against each guest, a guest the reverse, so the scores fall into two groups
whatever the number of hosts and guests (one moderator and four panelists, three hosts and one
guest). The interviewers are the labels above the widest gap in the sorted scores; the gap's width
is the file's confidence, and a label whose score sits near the gap is unsure of its side.

Besides the talk, a label's own words can name its side: the guest thanks the hosts "for having
me" (`says_guest`), and a front matter description names the hosts and guests ("hosts Aaron van
Wirdum and Sjors Provoost welcome Ruben Somsen", "NVK moderates a debate between Rijndael and Rob
Hamilton": `described`). roles.py weighs these with the names a title or an introduction gives.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from .talk import _NAME, LabelStats, is_crowd_label
from .two_speakers import SCALE, votes

MIN_TURNS = 2  # a label that speaks once is not voted on (an aside, an audience member's one line)
MIN_WORDS_PER_TURN = 3  # `**Jingle:**`, `**Break:**`: a label whose turns carry (nearly) no words is nobody talking
UNSURE_SCORE = 0.5  # a label this close to the split point (in vote margin units) is unsure of its side

# the guest's thanks for being invited; "great to be here" is left out: a moderator says it at a conference
_THANKS_FOR_HAVING = re.compile(r"\bthanks? (?:you )?(?:so much |very much |again |all )?for (?:having|inviting) "
                                r"(?:me|us)\b|\b(?:glad|happy|great|excited|pleasure) to be on\b", re.I)


@dataclass
class Split:
    interviewers: list[str]
    scores: dict[str, float] = field(default_factory=dict)
    gap: float = 0.0
    unsure: list[str] = field(default_factory=list)  # labels whose side the talk leaves open
    clean: bool = False  # every interviewer asks more and talks in shorter turns than every interviewee

    @property
    def summary(self) -> str:
        """The labels' scores, highest first, for a warning."""
        return ", ".join(f"{s} {self.scores[s]:+.1f}" for s in sorted(self.scores, key=lambda s: -self.scores[s]))

    def with_guests(self, label: str, guests: Sequence[str], hosts: Sequence[str]) -> bool:
        """Does `label` score nearer `guests` (the people the names give) than `hosts` (those who
        open the show by name)? Without both to compare with, no: a co-host who explains at length
        scores as a guest does (dev/79's Sjors)."""
        g = [self.scores[s] for s in guests if s in self.scores]
        h = [self.scores[s] for s in hosts if s in self.scores]
        if label not in self.scores or not g or not h:
            return False
        # clearly nearer: a label at the midpoint (a co-host who asks less than the host) stays a host
        return self.scores[label] < (sum(h) / len(h) + sum(g) / len(g)) / 2 - UNSURE_SCORE / 2

    def answers(self, label: str) -> bool:
        """Does the vote put `label` among those who answer, clear of the split point?"""
        return label in self.scores and label not in self.interviewers and label not in self.unsure

    @property
    def confidence(self) -> float:
        """The gap between the two groups, on the two-speaker vote's scale."""
        return round(0.5 + 0.5 * math.tanh(self.gap / (2 * SCALE)), 2)


def split(turns, labels: Sequence[str], stats: Mapping[str, LabelStats]) -> Split | None:
    """Interviewers among `labels` by the pairwise vote (see the module docstring); None with fewer
    than three labels that speak at least `MIN_TURNS` times. Only people of the conversation vote: a
    role in the room (`Audience:`, whose comments and questions are anyone's) or a label with no words
    (a jingle) would stand alone at one end of the scores, and the widest gap would fall beside it
    instead of between the hosts and the guests (a moderator and six panelists read as seven hosts)."""
    voters = [s for s in labels if stats[s].turns >= MIN_TURNS and not is_crowd_label(s)
              and stats[s].words >= MIN_WORDS_PER_TURN * stats[s].turns]
    if len(voters) < 3:
        return None
    pair = votes(turns, voters)
    scores = {a: round(sum(pair[a, b].margin for b in voters if b != a) / (len(voters) - 1), 2) for a in voters}
    order = sorted(voters, key=lambda s: -scores[s])
    gap, cut = max((scores[order[i]] - scores[order[i + 1]], i) for i in range(len(order) - 1))
    mid = (scores[order[cut]] + scores[order[cut + 1]]) / 2
    unsure = [s for s in voters if abs(scores[s] - mid) < UNSURE_SCORE]
    ask, answer = order[:cut + 1], order[cut + 1:]
    clean = (min(stats[s].share for s in ask) > max(stats[s].share for s in answer)
             and max(stats[s].mean for s in ask) < min(stats[s].mean for s in answer))
    return Split(ask, scores, round(gap, 2), unsure, clean)


def says_guest(turns, labels: Sequence[str]) -> list[str]:
    """Labels that thank the others for having them on: the guests."""
    return [s for s in labels if any(t.speaker == s and _THANKS_FOR_HAVING.search(t.text) for t in turns)]


_LIST = rf"{_NAME}(?:(?:,\s*(?:and\s+)?|\s+(?:and|&)\s+){_NAME})*"
# "hosts A and B", "hosted by A", "A hosts / moderates / interviews", "host A"
_HOSTS_FIRST = re.compile(rf"\b(?i:(?:co-?)?hosts?|hosted by|moderated by|moderator|interviewer)\s+(?P<names>{_LIST})")
_HOST_VERB = re.compile(rf"(?P<names>{_LIST})\s+(?:hosts|co-hosts|moderates|interviews|welcomes|sits down with|"
                        r"talks (?:to|with)|speaks with|chats with)\b")  # lower case: a verb after the names
# "welcome(s) A", "with guest(s) A", "a panel with A, B and C", "a debate between A and B", "interview with A"
_GUESTS_AFTER = re.compile(rf"\b(?i:welcomes?(?: back)?|guests?|panel with|panelists?|debate between|interview with|"
                           rf"hosts? a (?:panel|conversation|discussion) with|sits down with|talks (?:to|with)|"
                           rf"speaks with|chats with|joined by)\s+(?P<names>{_LIST})")
_SPLIT = re.compile(r",\s*(?:and\s+)?|\s+(?:and|&)\s+")
_NOT_NAMES = {"the", "a", "an", "this", "in", "on", "today", "episode", "we", "they", "he", "she", "it"}
# the cue word as the first word of a capitalised list ("Host Jerod Santo talks with ...")
_ROLE_WORD = re.compile(r"^(?:co-?)?(?:hosts?|guests?|moderators?|panelists?|interviewers?)\s+", re.I)


def _names(m: re.Match) -> list[str]:
    names = (_ROLE_WORD.sub("", n) for n in _SPLIT.split(m.group("names")) if n)
    return [n for n in names if n and n.split()[0].casefold() not in _NOT_NAMES]


def described(meta: Mapping[str, object]) -> tuple[list[str], list[str]]:
    """(hosts, guests) a front matter description names (`summary:`, `description:`)."""
    text = " ".join(str(meta[k]) for k in ("summary", "description", "abstract") if isinstance(meta.get(k), str))
    hosts: list[str] = []
    guests: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        for m in _HOSTS_FIRST.finditer(sentence):
            hosts += _names(m)
        for m in _HOST_VERB.finditer(sentence):
            hosts += _names(m)
        for m in _GUESTS_AFTER.finditer(sentence):
            guests += _names(m)
    hosts = list(dict.fromkeys(hosts))
    return hosts, [g for g in dict.fromkeys(guests) if g not in hosts]
