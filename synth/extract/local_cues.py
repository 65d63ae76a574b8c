"""Lexical cues of the offline `local` extractor: sentences, quantities, dismissals, kinds, names.

Everything here is a rule a reader can check against a sentence, with no model. The patterns are
generic B2B discovery language (the brief's trigger kinds, common coping tools, job titles, decision
verbs); none may be added because of what the extractor does on the held-out study (evals/heldout).
"""
from __future__ import annotations

import re
from typing import Optional

from synth.models import Quantity
from synth.numbers import NumberMention, numbers_in

# ------------------------------------------------------------------------------------ sentences

MIN_WORDS = 4     # "We looked at X." is a whole claim; "Two things, really." is not
LONG_WORDS = 40   # a spoken run-on longer than this is split at clause boundaries
_END = re.compile(r"[.!?]+[\"'”’)]*(?=\s+|$)")
# a period after these is not a sentence end ("Dr. Brandt", "e.g. this", "vs. that")
_ABBREV = frozenset({"dr", "mr", "mrs", "ms", "st", "vs", "etc", "e.g", "i.e", "eg", "ie", "approx", "inc",
                     "ltd", "co", "jr", "sr", "no", "fig", "mt", "prof"})
_CLAUSE = re.compile(r";\s+|\s+[—–]\s+|\s+-\s+|,\s+(?=(?:but|and then|so|because|which means|whereas)\b)")


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (text[a].isspace() or text[a] in ",;"):
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _sentence_ends(text: str) -> list[int]:
    ends = []
    for m in _END.finditer(text):
        word = re.search(r"([A-Za-z][\w.]*)$", text[:m.start()])
        token = word.group(1).lower() if word else ""
        if m.group(0).startswith(".") and len(m.group(0)) == 1:
            if token in _ABBREV or (len(token) == 1 and token.isalpha()):
                continue  # "Dr." or an initial ("J. Smith")
            nxt = text[m.end():m.end() + 3].lstrip()
            if nxt[:1].islower():
                continue  # "approx. twenty people": a lowercase word does not start a sentence
        ends.append(m.end())
    return ends


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of one turn, run-ons split at clause boundaries, fragments
    under MIN_WORDS words dropped. Decimal points ("2.5 days", "$1.2M") never end a sentence:
    a sentence end is punctuation followed by whitespace or the end of the turn."""
    spans: list[tuple[int, int]] = []
    start = 0
    for end in _sentence_ends(text) + [len(text)]:
        a, b = _trim(text, start, end)
        start = end
        if a >= b:
            continue
        pieces = [(a, b)]
        if len(text[a:b].split()) > LONG_WORDS:
            pieces, s0 = [], a
            for m in _CLAUSE.finditer(text, a, b):
                if len(text[s0:m.start()].split()) >= 8 and len(text[m.end():b].split()) >= 8:
                    pieces.append(_trim(text, s0, m.start()))
                    s0 = m.end()
            pieces.append(_trim(text, s0, b))
        spans += [(x, y) for x, y in pieces if len(text[x:y].split()) >= MIN_WORDS]
    return spans


# ------------------------------------------------------------------------------------ quantities

_UNIT_WORDS = {
    "minute": "minutes", "minutes": "minutes", "min": "minutes", "mins": "minutes",
    "hour": "hours", "hours": "hours", "hrs": "hours", "day": "days", "days": "days",
    "week": "weeks", "weeks": "weeks", "month": "months", "months": "months", "quarter": "quarters",
    "quarters": "quarters", "year": "years", "years": "years", "sprint": "sprints", "sprints": "sprints",
    "engineer": "engineer_fte", "engineers": "engineer_fte", "developer": "engineer_fte",
    "developers": "engineer_fte", "fte": "engineer_fte", "ftes": "engineer_fte",
    "times": "times", "percent": "percent", "%": "percent",
}
_SKIP = frozenset({"full", "more", "extra", "whole", "business", "working", "calendar", "of", "-", "a", "an",
                   "or", "so", "good", "solid", "straight"})
_TIME_UNITS = frozenset({"minutes", "hours", "days", "weeks", "months", "quarters", "years", "sprints"})
_PERIOD = re.compile(r"\b(?:a|per|every|each|an|this|last|that|a single)\s+(day|week|month|quarter|year|sprint|"
                     r"release|close|cycle)\b|\b(daily|weekly|monthly|quarterly|annually|yearly)\b", re.I)
_PERIOD_NORM = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter",
                "annually": "year", "yearly": "year"}
_RANGE_JOIN = re.compile(r"^\s*(?:to|or|-|–|and)\s*$", re.I)
_HEADCOUNT = re.compile(r"\b(?:people|employees|staff|headcount|person company|strong)\b", re.I)
_ONCE = re.compile(r"\b(once|twice)\b", re.I)
_WORD = re.compile(r"%|[A-Za-z]+")


def _ranges(ms: list[NumberMention], s: str) -> list[NumberMention]:
    """'eight to ten', 'two or three', '10-15', 'between one and two': one mention, the midpoint."""
    out: list[NumberMention] = []
    for m in ms:
        prev = out[-1] if out else None
        if prev is not None and _RANGE_JOIN.match(s[prev.end:m.start]) and (
                s[prev.end:m.start].strip().lower() != "and" or s[:prev.start].rstrip().lower().endswith("between")):
            out[-1] = NumberMention(value=(prev.value + m.value) / 2, unit=m.unit or prev.unit, start=prev.start,
                                    end=m.end, text=s[prev.start:m.end], words=prev.words)
        else:
            out.append(m)
    return out


def _unit_after(s: str, end: int) -> tuple[Optional[str], int]:
    """The unit word after a number ('forty-five minutes', '3 full days', '2 engineers'), and where it ends."""
    pos = end
    for _ in range(3):
        m = _WORD.search(s, pos)
        if not m or s[pos:m.start()].strip(" -"):
            return None, end
        w = m.group(0).lower()
        if w in _UNIT_WORDS:
            return _UNIT_WORDS[w], m.end()
        if w not in _SKIP:
            return (w if w.isalpha() and w.endswith("s") and len(w) > 3 else None), m.end()
        pos = m.end()
    return None, end


def find_quantity(s: str) -> Optional[Quantity]:
    """The most telling quantity a sentence states: money first, then time with a period, percent,
    other time, then counted things ('a dozen escalations'). Headcounts and years are not pain
    quantities. Ranges become their midpoint; `text` is the exact words, a substring of `s`."""
    ms = [m for m in numbers_in(s) if not (m.unit is None and 1900 <= m.value <= 2100 and not m.words)]
    cands: list[tuple[int, int, Quantity]] = []
    for m in _ranges(ms, s):
        unit, uend = (m.unit, m.end) if m.unit else _unit_after(s, m.end)
        if unit is None and m.value >= 1000 and re.search(r"[kKmM]\b", m.text):
            unit = "amount"  # "fifty K": money whose currency was not said
        if unit is None or (unit not in _UNIT_WORDS.values() and unit not in ("usd", "eur", "gbp", "amount")
                            and _HEADCOUNT.search(unit)):
            continue
        per = _PERIOD.search(s, uend)
        period = None
        end = uend
        if per and per.start() - uend <= 20:
            period = (per.group(1) or _PERIOD_NORM.get((per.group(2) or "").lower(), "")).lower() or None
            end = per.end()
        rank = (4 if unit in ("usd", "eur", "gbp", "amount") else
                3 if unit in _TIME_UNITS and period else 2 if unit == "percent" else
                1 if unit in _TIME_UNITS or unit == "engineer_fte" else 0)
        cands.append((rank, -m.start, Quantity(value=m.value, unit=unit, period=period, text=s[m.start:end])))
    once = _ONCE.search(s)
    if once:
        per = _PERIOD.search(s, once.end())
        end = per.end() if per and per.start() - once.end() <= 12 else once.end()
        period = (per.group(1) or "").lower() or None if end != once.end() else None
        cands.append((1, -once.start(), Quantity(value=1.0 if once.group(1).lower() == "once" else 2.0,
                                                 unit="times", period=period, text=s[once.start():end])))
    if not cands:
        return None
    return max(cands, key=lambda c: (c[0], c[1]))[2]


# ------------------------------------------------------------------------------------ pain, time and event words

# one definition each, for the example-similarity nudges (synth/extract/local.py) and the classifier's
# lexical features (synth/extract/local_model.py)
STRONG = re.compile(r"\b(nightmare|critical|outage|broke|lost|blocked|killing|huge|terrible|disaster|scary|"
                    r"terrifying|every single|nobody|breach|leak\w*)\b", re.I)
MILD = re.compile(r"\b(a bit|slightly|minor|a little|kind of annoying|not a big deal)\b", re.I)
PAIN_CUE = re.compile(r"\b(nightmare|painful|pain|manual(?:ly)?|forever|waste|broke|break|outage|frustrat\w*|"
                      r"headache|hate|struggl\w*|problem|slow|error[- ]prone|mess|chaos|tedious|stuck|scramble|"
                      r"chasing|can't|cannot|no visibility|risk\w*|annoy\w*|difficult|hard|worst|wrong|"
                      r"late|lose|lost|miss\w*|confus\w*|stress\w*|worr\w*)\b", re.I)
# a date expression: what a trigger's `when` field says ("two months ago", "last quarter", "since March")
WHEN = re.compile(r"\b(\w+\s+(?:days?|weeks?|months?|quarters?|years?)\s+(?:ago|back)|last\s+(?:week|"
                  r"month|quarter|year)|(?:in|since|back in|early|late|end of)\s+(?:january|february|"
                  r"march|april|may|june|july|august|september|october|november|december)|recently|"
                  r"next\s+(?:week|month|quarter|year)|coming up|this\s+(?:quarter|year))\b", re.I)
# wider: any sign the sentence places something in time ("when we", "after the", "season", "started")
TIME_CUE = re.compile(r"\b(\w+\s+(?:days?|weeks?|months?|quarters?|years?)\s+(?:ago|back)|last\s+(?:week|month|"
                      r"quarter|year|spring|summer|fall|autumn|winter)|(?:in|since|back in|early|late|end of|until)\s+"
                      r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
                      r"q[1-4]|the spring|the summer|the fall)|recently|next\s+(?:week|month|quarter|year)|coming up|"
                      r"this\s+(?:quarter|year)|when (?:we|i|they|our|the)\b|after (?:the|our|we|i|that)\b|"
                      r"since (?:the|we|i|our)\b|season|deadline|suddenly|one day|that's when|started)\b", re.I)
# a company's size, not a pain's quantity ("we're 200 people"; "200 people lose an hour" is a pain)
HEADCOUNT = re.compile(r"\b\d[\d,]*\s+(?:people|employees|engineers|staff|developers)\b(?!.*\b(?:hours?|"
                       r"days?|weeks?|spend|spent|lose|waste)\b)", re.I)


# ------------------------------------------------------------------------------------ dismissals

# a concern raised and waved off in the same breath: a negation shortly before a concern word, or
# "we're fine with"; structural on purpose, so that it does not depend on one study's phrasing
DISMISS = re.compile(
    r"(?:\b(?:not|never|no)\b|n't\b)(?:\W+\w+){0,3}?\W+(?:problem|issue|concern|worry|worried|big deal|blocker|"
    r"bother\w*|dealbreaker)\b|\b(?:we're|we are|i'm|i am) (?:fine|ok|okay) with\b|\bdon't (?:really )?care\b",
    re.I)
_DISMISS_NOT = re.compile(r"(?:\b(?:no|not)\b|n't\b)\W+(?:(?:a|the|our|one|single)\W+)?(?:only|just)\b", re.I)


def dismisses(s: str) -> bool:
    """True when the sentence waves a concern off ("not really a concern for us"), not when it says
    there is more than one problem ("not just a problem for finance")."""
    return bool(DISMISS.search(s)) and not _DISMISS_NOT.search(s)


# ------------------------------------------------------------------------------------ kinds and names

TRIGGER_KINDS = [
    ("funding", r"series [a-e]\b|raised|funding|round|investors?|board"),
    ("executive_hire", r"\bnew (?:cto|cfo|ciso|vp|head|director|ceo)|hired|joined|came on board|came in as"),
    ("vendor_renewal", r"renewal|renew|contract (?:is )?up|price (?:hike|increase)|raised (?:the|their) price|"
                       r"licen[cs]e"),
    ("audit_or_regulation", r"audit|soc ?2|iso ?27001|gdpr|hipaa|regulat|complian|auditor"),
    ("incident", r"incident|breach|leak|outage|went down|compromised|postmortem"),
    ("blocked_deal", r"deal|questionnaire|prospect|enterprise customer|lost a customer|procurement asked"),
    ("migration_or_deprecation", r"migrat|moving to|move to|deprecat|sunset|end of life|kubernetes|switching"),
    ("scaling_wall", r"scale|scaling|grew|growing|doubled|hit a wall|outgrew"),
]
TRIGGER_CUE = re.compile("|".join(p for _, p in TRIGGER_KINDS), re.I)
ALT_KINDS = [
    ("spreadsheet", r"spreadsheet|excel|google sheets?|\bsheets?\b|csv"),
    ("homegrown", r"homegrown|home-grown|in-house|built (?:our|it) own|our own|internal tool|script|bot\b|cron"),
    ("manual", r"manual(?:ly)?|by hand|copy[- ]paste"),
    ("nothing", r"do nothing|nothing right now|live with it|don't have anything"),
]
# the verbs that put a product name in an alternative (v1's list, unchanged)
ALT_CUE = re.compile(r"\b(use|using|used|tried|switched|moved|evaluated|looked at|pay for|built|relying on|rely on)\b|"
                     + "|".join(p for _, p in ALT_KINDS), re.I)
_CAP_AFTER = re.compile(r"\b(?:use|using|used|tried|switched to|moved to|evaluated|looked at|on|with)\s+"
                        r"((?:[A-Z][\w.-]*|\d\w*)(?:\s+[A-Z][\w.-]*){0,2})")
_NOT_NAMES = frozenset({"I", "We", "The", "It", "That", "This", "And", "But", "So", "Our", "My", "A", "An", "They",
                        "He", "She", "You", "Then", "Now", "Yes", "No", "Okay", "Well", "Honestly", "Mostly"})
TITLE = re.compile(r"\b((?:chief \w+ officer|c[tefi]s?o|cio|cfo|ceo|coo|ciso|vp(?: of)? \w+(?: \w+)?|"
                   r"vice president of \w+|head of \w+|director of \w+|\w+ director|\w+ manager|"
                   r"(?:staff|senior|lead|principal) \w+ engineer|founder|co-founder|controller|"
                   r"procurement|legal|security team|finance team|revops|it team|platform team))\b", re.I)
# what people say about deciding, first match wins: a gate that can stop the purchase ("procurement has to
# approve", "needs three quotes") before the money ("my boss signs off", "owns the budget"), before who
# pushes for it ("I brought it in"), before who works with it day to day
ROLE_CUES = [
    ("blocker", r"\bblock|veto|push(?:ed|es)? back|slow(?:s|ed)? (?:it|things|us|this) down|skeptic|against\b|"
                r"say no\b|not convinced|(?:the )?hard (?:one|sell)|come around|(?:three|multiple|competing) quotes|"
                r"questionnaire|(?:security|vendor|legal) review|goes through (?:a |an )?(?:\w+ )?review|"
                r"(?:procurement|legal|security|compliance)\b[^.]{0,30}\b(?:has|have|needs?|must) (?:to )?"
                r"(?:approve|review|sign|vet|check|clear)"),
    ("economic_buyer", r"sign(?:s|ed)? off|\bsigns?\b|signing|budget|approv|final (?:call|say|word|decision)|"
                       r"\bdecides?\b|makes? the (?:call|decision)|pays? for|owns? (?:it\b|the (?:money|budget|spend|"
                       r"decision))|purse|writes? the checks?|comes? out of (?:my|his|her|their|our|the)|"
                       r"(?:anything|everything) (?:with|over|above|involving) (?:a |an )?(?:contract|new vendor|\$)"),
    ("champion", r"champion|push(?:ing|ed)? (?:for|us|to|this|it)|the one (?:who|that) (?:pushed|asked|found|brought|"
                 r"suggested|started|put)|brought (?:it|this|them|you|\w+) in\b|i'd be the one|i'm the one|"
                 r"the one (?:pushing|driving)|\bdr(?:ove|iving)\b|sponsor|advocate|"
                 r"(?:doing|running|leading|owning) the (?:\w+ )?evaluation|on the roadmap"),
    ("user", r"use it every|using it every|day[- ]to[- ]day|daily users?|would use|end users?|on my team would|"
             r"who'd use|handles? the|does the (?:\w+ )?work|(?:gets|pulls) (?:a |an |the )?\w+ exports?"),
]
# the interviewer asked about one role ("who signs off?", "anyone against it?"): a bare name answering it
ROLE_QUESTIONS = [
    ("blocker", r"against|slow (?:it|things) down|block|push back|veto|object|skeptic"),
    ("economic_buyer", r"sign|final (?:call|say)|decides?|budget|approv|who pays|makes the call"),
    ("champion", r"driv(?:e|ing)|champion|push(?:ing)? for"),
    ("user", r"who (?:does|handles|uses|would use|works)|day to day"),
]
_SAME_PERSON = re.compile(r"^(?:and |so |but )?(?:he|she|they|i|who)\b", re.I)


def dmu_role(s: str, after: str = "", question: str = "", first_in_turn: bool = False) -> str:
    """The buying-committee role a sentence gives the person it names, from what it says about deciding;
    else from the next sentence when it is about the same person ("Our CFO, Rachel. She'd sign it."); else,
    for the answer's first sentence, the role the interviewer asked about; else influencer."""
    role = kind_of(s, ROLE_CUES, "")
    if not role and after and _SAME_PERSON.match(after.strip()):
        role = kind_of(after, ROLE_CUES, "")
    if not role and first_in_turn and question:
        role = kind_of(question, ROLE_QUESTIONS, "")
    return role or "influencer"


DMU_CUE = re.compile(TITLE.pattern + "|" + "|".join(p for _, p in ROLE_CUES), re.I)
HYPOTHETICAL = re.compile(r"^(?:and |but |so |or )?(?:if|probably if|maybe if|unless)\b|\bwould be\b|"
                          r"\bif we (?:had|did|were|added)\b|\bcheck back\b", re.I)
NEGATED_EVENT = re.compile(r"\b(nothing (?:really )?forcing|no rush|not urgent|wasn't urgent|don't have "
                           r"that yet|no plans?|not (?:this|next) year)\b", re.I)


def kind_of(s: str, table: list[tuple[str, str]], default: str) -> str:
    for kind, pat in table:
        if re.search(pat, s, re.I):
            return kind
    return default


def vendor_in(s: str, vendors: list[str]) -> Optional[str]:
    """A known product named in `s`, else a capitalized name right after an adoption verb."""
    low = s.lower()
    for v in sorted(vendors, key=len, reverse=True):
        if re.search(r"\b" + re.escape(v.lower()) + r"\b", low):
            return v
    for m in _CAP_AFTER.finditer(s):
        name = m.group(1).strip(" .,")
        first = name.split()[0]
        if first not in _NOT_NAMES and not (first.isdigit() or first.lower() in {"one", "two", "three"}):
            return re.sub(r"'s$", "", name)
    return None


def vendor_count(s: str, vendors: list[str]) -> int:
    low = s.lower()
    return sum(1 for v in vendors if re.search(r"\b" + re.escape(v.lower()) + r"\b", low))
