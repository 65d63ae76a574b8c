"""The offline `local` extractor: no LLM, no network, quotes verbatim by construction.

Each interviewee sentence is embedded with the bundled MiniLM and scored against example sentences
per category (`prompts/local_examples_v1.yaml`: mean of the top-3 cosine similarities), then nudged by
lexical cues: quantities and money (pains), time expressions and event words (triggers), tool and
vendor names (alternatives), job titles and decision verbs (DMU). Fields are filled by rules.
It is a baseline measured by `python -m evals`, not a stand-in for the LLM path.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

import numpy as np

from synth.extract.consolidate import consolidate, embedding_similarity
from synth.extract.grounding import evidence_turns
from synth.extract.traits import base_traits
from synth.extract.when import days_before
from synth.models import (
    AccountRow,
    Alternative,
    DmuMember,
    Evidence,
    Extraction,
    ExtractionStats,
    Item,
    PainPoint,
    Quantity,
    Transcript,
    Trigger,
)
from synth.resources import load_data
from synth.themes.embed import Embedder

EXAMPLES_FILE = "local_examples_v1.yaml"
CATEGORIES = ["pain", "trigger", "alternative", "dmu", "none"]
# minimum adjusted similarity per category, chosen on evals/gold (a dev set: see evals/README.md)
THRESHOLDS = {"pain": 0.30, "trigger": 0.35, "alternative": 0.25, "dmu": 0.30}
MERGE_SIMILARITY = 0.82

_SENT = re.compile(r"[^.!?]+(?:[.!?]+|$)")
_FILLER = re.compile(r"\b(?:um+|uh+|erm|you know|i mean|like,|kind of|sort of|basically|honestly|"
                     r"actually|yeah|so yeah)\b[,]?\s*", re.I)
_NUMWORD = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
            "fifty": 50, "hundred": 100, "a couple of": 2, "a few": 3, "half a": 0.5}
_N = r"(\d[\d,]*(?:\.\d+)?|" + "|".join(sorted(_NUMWORD, key=len, reverse=True)) + r")"
_MONEY = re.compile(r"\$\s?(\d[\d,]*(?:\.\d+)?)\s?(k|m|thousand|million|grand)?\b"
                    r"|(\d[\d,]*(?:\.\d+)?)\s?(k|thousand|million)\s+(?:dollars|bucks|usd)", re.I)
_UNIT = re.compile(_N + r"\s+(?:full[- ]time\s+)?(hours?|days?|weeks?|months?|engineers?|people|"
                   r"developers?|outages?|incidents?|customers?|tickets?|percent|%|fte)\b", re.I)
_PERIOD = re.compile(r"\b(?:a|per|every|each|a single)\s+(day|week|month|quarter|year|sprint|release)\b"
                     r"|\b(daily|weekly|monthly|quarterly|annually|yearly)\b", re.I)
_PERIOD_NORM = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter",
                "annually": "year", "yearly": "year"}
_PAIN_CUE = re.compile(r"\b(nightmare|painful|pain|manual(?:ly)?|forever|waste|broke|break|outage|"
                       r"frustrat\w*|headache|hate|struggl\w*|problem|slow|error[- ]prone|mess|chaos|"
                       r"tedious|stuck|scramble|chasing|can't|cannot|no visibility|risk\w*)\b", re.I)
_STRONG = re.compile(r"\b(nightmare|critical|outage|broke|lost|blocked|killing|huge|terrible|"
                     r"disaster|scary|terrifying|every single|nobody|breach|leak\w*)\b", re.I)
_MILD = re.compile(r"\b(a bit|slightly|minor|a little|kind of annoying|not a big deal)\b", re.I)
_DISMISS = re.compile(r"(not really (?:a|an|that much of a) (?:problem|issue|concern)|isn't really|"
                      r"is not really|not a big deal|doesn't (?:really )?bother|we're fine with|"
                      r"not (?:a|an) (?:problem|issue|concern) for us|don't really care)", re.I)
_TIME = re.compile(r"\b(\w+\s+(?:days?|weeks?|months?|quarters?|years?)\s+(?:ago|back)|last\s+(?:week|"
                   r"month|quarter|year)|(?:in|since|back in|early|late|end of)\s+(?:january|february|"
                   r"march|april|may|june|july|august|september|october|november|december)|recently|"
                   r"next\s+(?:week|month|quarter|year)|coming up|this\s+(?:quarter|year))\b", re.I)
_TRIGGER_KINDS = [
    ("funding", r"series [a-e]\b|raised|funding|round|investors?|board"),
    ("executive_hire", r"\bnew (?:cto|cfo|ciso|vp|head|director|ceo)|hired|joined|came on board|came in as"),
    ("vendor_renewal", r"renewal|renew|contract (?:is )?up|price (?:hike|increase)|raised (?:the|their) price|licen[cs]e"),
    ("audit_or_regulation", r"audit|soc ?2|iso ?27001|gdpr|hipaa|regulat|complian|auditor"),
    ("incident", r"incident|breach|leak|outage|went down|compromised|postmortem"),
    ("blocked_deal", r"deal|questionnaire|prospect|enterprise customer|lost a customer|procurement asked"),
    ("migration_or_deprecation", r"migrat|moving to|move to|deprecat|sunset|end of life|kubernetes|switching"),
    ("scaling_wall", r"scale|scaling|grew|growing|doubled|hit a wall|outgrew"),
]
_TRIGGER_CUE = re.compile("|".join(p for _, p in _TRIGGER_KINDS), re.I)
_ALT_KINDS = [
    ("spreadsheet", r"spreadsheet|excel|google sheets?|\bsheets?\b|csv"),
    ("homegrown", r"homegrown|home-grown|in-house|built (?:our|it) own|our own|internal tool|script|bot\b|cron"),
    ("manual", r"manual(?:ly)?|by hand|copy[- ]paste"),
    ("nothing", r"do nothing|nothing right now|live with it|don't have anything"),
]
_ALT_CUE = re.compile(r"\b(use|using|used|tried|switched|moved|evaluated|looked at|pay for|built|"
                      r"relying on|rely on)\b|" + "|".join(p for _, p in _ALT_KINDS), re.I)
_TITLE = re.compile(r"\b((?:chief \w+ officer|c[tefi]s?o|cio|cfo|ceo|coo|ciso|vp(?: of)? \w+(?: \w+)?|"
                    r"vice president of \w+|head of \w+|director of \w+|\w+ director|\w+ manager|"
                    r"(?:staff|senior|lead|principal) \w+ engineer|founder|co-founder|controller|"
                    r"procurement|legal|security team|finance team|revops|it team|platform team))\b", re.I)
_ROLE_CUES = [
    ("economic_buyer", r"sign(?:s)? off|signs? the|budget|approve|final call|pays? for|owns the money|purse"),
    ("blocker", r"block|veto|push(?:ed)? back|slow it down|procurement|legal|security review|skeptic|against"),
    ("champion", r"champion|push(?:ing)? for|i'd be the one|i'm the one|drove|driving|sponsor|advocate"),
    ("user", r"use it every|day-to-day|daily users?|would use|end users?|on my team would"),
]
_DMU_CUE = re.compile(_TITLE.pattern + "|" + "|".join(p for _, p in _ROLE_CUES), re.I)
_CAP_AFTER = re.compile(r"\b(?:use|using|used|tried|switched to|moved to|evaluated|looked at|on|with)\s+"
                        r"((?:[A-Z][\w.-]*|\d\w*)(?:\s+[A-Z][\w.-]*){0,2})")


@lru_cache(maxsize=2)
def _examples(model_path: Optional[str]) -> tuple[dict[str, np.ndarray], list[str]]:
    """The labelled example sentences, embedded by the model that embeds the transcript."""
    data = load_data(EXAMPLES_FILE)
    emb = Embedder(model_path=model_path)
    return {c: emb.encode(list(data[c])) for c in CATEGORIES}, list(data.get("vendors", []))


def examples_version() -> str:
    return str(load_data(EXAMPLES_FILE)["version"])


def _sentences(text: str) -> list[tuple[int, int]]:
    out = []
    for m in _SENT.finditer(text):
        a, b = m.start(), m.end()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if len(text[a:b].split()) >= 5:
            out.append((a, b))
    return out


def clean_statement(s: str) -> str:
    s = _FILLER.sub("", s)
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r"\s+([,.;:!?])", r"\1", s)
    s = re.sub(r",([.!?])", r"\1", s).strip(" ,-—")
    return (s[:1].upper() + s[1:]) if s else s


def _num(tok: str) -> float:
    t = tok.lower().replace(",", "")
    return float(_NUMWORD[t]) if t in _NUMWORD else float(t)


def find_quantity(s: str) -> Optional[Quantity]:
    per = _PERIOD.search(s)
    period = (per.group(1) or _PERIOD_NORM.get((per.group(2) or "").lower())) if per else None
    m = _MONEY.search(s)
    if m:
        raw, mult = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        v = float(raw.replace(",", "")) * {"k": 1e3, "thousand": 1e3, "grand": 1e3, "m": 1e6,
                                           "million": 1e6}.get((mult or "").lower(), 1)
        end = per.end() if per and per.start() >= m.end() and per.start() - m.end() < 25 else m.end()
        return Quantity(value=v, unit="usd", period=period and period.lower(), text=s[m.start():end])
    m = _UNIT.search(s)
    if m:
        unit = m.group(2).lower().rstrip("s") if m.group(2) != "%" else "percent"
        end = per.end() if per and per.start() >= m.end() and per.start() - m.end() < 25 else m.end()
        return Quantity(value=_num(m.group(1)), unit=unit, period=period and period.lower(),
                        text=s[m.start():end])
    return None


def _kind(s: str, table: list[tuple[str, str]], default: str) -> str:
    for kind, pat in table:
        if re.search(pat, s, re.I):
            return kind
    return default


def _vendor(s: str, vendors: list[str]) -> Optional[str]:
    low = s.lower()
    for v in sorted(vendors, key=len, reverse=True):
        if re.search(r"\b" + re.escape(v.lower()) + r"\b", low):
            return v
    m = _CAP_AFTER.search(s)
    if m and m.group(1).split()[0] not in {"I", "We", "The", "It", "That", "This", "And", "But", "So"}:
        return m.group(1).strip(" .,")
    return None


_HYPOTHETICAL = re.compile(r"^(?:and |but |so |or )?(?:if|probably if|maybe if|unless)\b|\bwould be\b|"
                           r"\bif we (?:had|did|were|added)\b|\bcheck back\b", re.I)
_NEGATED_EVENT = re.compile(r"\b(nothing (?:really )?forcing|no rush|not urgent|wasn't urgent|don't have "
                            r"that yet|no plans?|not (?:this|next) year)\b", re.I)
_HEADCOUNT = re.compile(r"\b\d[\d,]*\s+(?:people|employees|engineers|staff|developers)\b(?!.*\b(?:hours?|"
                        r"days?|weeks?|spend|spent|lose|waste)\b)", re.I)
# Per 1,000 interviewee words: roughly how many distinct items of each kind an interview holds.
# Keeping only the strongest sentences per category is what makes the local extractor precise enough
# to be useful; measured on evals/gold (python -m evals).
CAP_PER_1000_WORDS = {"pain": 8.0, "trigger": 12.0, "alternative": 20.0, "dmu": 8.0}
CAP_MIN = {"pain": 2, "trigger": 2, "alternative": 2, "dmu": 2}


def _vendor_count(s: str, vendors: list[str]) -> int:
    low = s.lower()
    return sum(1 for v in vendors if re.search(r"\b" + re.escape(v.lower()) + r"\b", low))


def classify(sentences: list[str], vectors: np.ndarray, model_path: Optional[str]) -> list[dict[str, float]]:
    """Eligible categories with their scores for each sentence (a sentence may be two things);
    `vectors` come from the model at `model_path` (None: the default)."""
    ex, _ = _examples(model_path)
    scores = {}
    for c in CATEGORIES:
        sims = vectors @ ex[c].T
        k = min(3, sims.shape[1])
        scores[c] = np.sort(sims, axis=1)[:, -k:].mean(axis=1)
    out: list[dict[str, float]] = []
    for i, s in enumerate(sentences):
        sc = {c: float(scores[c][i]) for c in CATEGORIES}
        headcount = bool(_HEADCOUNT.search(s))
        if (_MONEY.search(s) or _UNIT.search(s)) and not headcount:
            sc["pain"] += 0.08
        elif _PAIN_CUE.search(s):
            sc["pain"] += 0.06
        if headcount:
            sc["pain"] -= 0.1
        trig_cue = _TRIGGER_CUE.search(s)
        if _TIME.search(s) and trig_cue:
            sc["trigger"] += 0.08
        elif trig_cue:
            sc["trigger"] += 0.03
        else:
            sc["trigger"] -= 0.1  # a buying trigger is an event: no event word, no trigger
        if _ALT_CUE.search(s):
            sc["alternative"] += 0.05
        if _DMU_CUE.search(s) and _TITLE.search(s):
            sc["dmu"] += 0.07
        if _HYPOTHETICAL.search(s) or _NEGATED_EVENT.search(s):
            sc["trigger"] -= 0.1
            sc["pain"] -= 0.05
        ok = [c for c in CATEGORIES[:-1] if sc[c] >= THRESHOLDS[c] and sc[c] - sc["none"] >= 0.02]
        ok.sort(key=lambda c: -(sc[c] - THRESHOLDS[c]))
        cats: dict[str, float] = {}
        if ok:
            cats[ok[0]] = sc[ok[0]] - THRESHOLDS[ok[0]]
            if len(ok) > 1 and (sc[ok[0]] - THRESHOLDS[ok[0]]) - (sc[ok[1]] - THRESHOLDS[ok[1]]) <= 0.03:
                cats[ok[1]] = sc[ok[1]] - THRESHOLDS[ok[1]]
        out.append(cats)
    return out


def select_strongest(cats: list[dict[str, float]], words: int) -> list[list[str]]:
    """Keep, per category, only the strongest sentences up to a cap that grows with interview length."""
    keep: list[list[str]] = [[] for _ in cats]
    for c in CATEGORIES[:-1]:
        cap = max(CAP_MIN[c], round(CAP_PER_1000_WORDS[c] * words / 1000))
        ranked = sorted((i for i, d in enumerate(cats) if c in d), key=lambda i: (-cats[i][c], i))
        for i in ranked[:cap]:
            keep[i].append(c)
    return keep


def extract_local(t: Transcript, account: Optional[AccountRow], embedder: Embedder) -> Extraction:
    """Extract items from one transcript with no LLM."""
    _, vendors = _examples(embedder.model_path)
    spans: list[tuple[int, int, int]] = []  # (turn index, start, end) in turn text
    turns = evidence_turns(t)
    for turn in turns:
        for a, b in _sentences(turn.text):
            spans.append((turn.index, a, b))
    texts = [t.turns[i].text[a:b] for i, a, b in spans]
    vecs = embedder.encode(texts)
    words = sum(len(x.split()) for x in texts)
    cats = select_strongest(classify(texts, vecs, embedder.model_path), words) if texts else []
    interview_date = account.interview_date if account and account.interview_date else t.meta.date
    stats = ExtractionStats()
    items: list[Item] = []
    for k, ((ti, a, b), s, cs) in enumerate(zip(spans, texts, cats)):
        turn = t.turns[ti]
        # "...it's two weeks. That's not really a concern.": the waving-off often comes next
        nxt = texts[k + 1] if k + 1 < len(texts) and spans[k + 1][0] == ti else ""
        waved_off = bool(_DISMISS.search(s)) or (len(nxt.split()) <= 12 and bool(_DISMISS.search(nxt)))
        ev = Evidence(quote=s, file=t.file_name, transcript_hash=t.content_hash, speaker=turn.speaker,
                      turn_index=ti, char_start=turn.char_start + a, char_end=turn.char_start + b,
                      start=turn.start, match="exact")
        stmt = clean_statement(s)
        for c in cs:
            dismissed = waved_off
            if c == "pain":
                q = find_quantity(s)
                sev = 3 + (1 if _STRONG.search(s) else 0) + (1 if q else 0) - (1 if _MILD.search(s) else 0)
                items.append(PainPoint(statement=stmt, severity=max(1, min(5, sev)), quantity=q,
                                       dismissed=dismissed, evidence=[ev]))
            elif c == "trigger":
                m = _TIME.search(s)
                when = m.group(0) if m else None
                items.append(Trigger(statement=stmt, kind=_kind(s, _TRIGGER_KINDS, "other"), when=when,
                                     days_before_interview=days_before(when, interview_date),
                                     dismissed=dismissed, evidence=[ev]))
            elif c == "alternative":
                if _vendor_count(s, vendors) >= 3:
                    continue  # "AWS, EKS, Terraform, GitLab CI": a stack listing, not a way of coping
                name = _vendor(s, vendors)
                kind = "competitor" if name else _kind(s, _ALT_KINDS, "")
                if not kind:
                    continue  # no product named and no manual/spreadsheet/homegrown cue: not an alternative
                if not name:
                    name = {"spreadsheet": "Spreadsheets", "homegrown": "Homegrown tool",
                            "manual": "Manual process", "nothing": "Nothing"}[kind]
                items.append(Alternative(statement=stmt, name=name, kind=kind, dismissed=dismissed,
                                         evidence=[ev]))
            elif c == "dmu":
                m = _TITLE.search(s)
                title = m.group(1) if m else None
                if title and any(title.lower() == v.lower() or title.lower() in v.lower() for v in vendors):
                    title = None  # "Secrets Manager" is a product, not a job
                role = _kind(s, _ROLE_CUES, "influencer")
                items.append(DmuMember(statement=" ".join(x for x in [title, role.replace("_", " ")] if x),
                                       title=title, role=role, dismissed=dismissed, evidence=[ev]))
    # quotes are sentences of the transcript itself: grounded by construction
    stats.items_proposed = stats.items_grounded = stats.quotes_proposed = stats.quotes_grounded = len(items)
    # the same point made twice in one interview is one item with two quotes
    stmts = list(dict.fromkeys(i.statement for i in items))
    similar = embedding_similarity(stmts, embedder.encode(stmts), MERGE_SIMILARITY) if stmts else None
    merged = consolidate([i for i in items if not isinstance(i, (Alternative, DmuMember))], similar)
    merged += consolidate([i for i in items if isinstance(i, (Alternative, DmuMember))])
    ex = Extraction(file=t.file_name, transcript_hash=t.content_hash, extractor="local",
                    model=embedder.model_name, prompt_version=examples_version(),
                    traits=base_traits(account, t, []), stats=stats)
    for it in merged:
        it.id = it.stable_id(it.category, t.content_hash)
        ex.add(it)
    return ex
