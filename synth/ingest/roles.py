"""Who is speaking: a role per speaker label, and per turn where one label carries both sides.

Evidence, strongest first: a correction stored by `synth speakers` (per file), `--interviewer` /
`interviewers:` in synth.yaml, front matter, role labels (Interviewer, Moderator, P12...), the same
person interviewing in other files of the study, then what the talk itself shows: the share of a
label's turns that are questions, how long its turns are, who speaks first (speakers.py keeps the
base rule). A label that is not one person (`Unknown`, `Unknown Speaker`, merged diarization, no
labels at all) is decided turn by turn: a short question turn is the interviewer's, the answer the
interviewee's. Every file gets a confidence; below `LOW_CONFIDENCE` a warning names the file's
labels and the fix.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

from . import speakers as speakers_mod

UNKNOWN = speakers_mod.UNKNOWN
NOTES_SPEAKER = "Interviewer's notes"
LOW_CONFIDENCE = 0.6
# labels that are not one person: decided per turn
_MIXED_LABEL = re.compile(r"^(?:unknown(?: speaker)?|speaker|unidentified(?: speaker)?|multiple speakers|"
                          r"unknown speaker \d+|\?+)$", re.I)
_QSTART = re.compile(r"^(?:(?:so|and|okay|ok|right|great|cool|yeah|got it|interesting|um|uh)[,.!]?\s+)*"
                     r"(?:what|how|why|when|where|who|which|can you|could you|would you|do you|did you|"
                     r"are you|is there|is it|have you|tell me|walk me|talk me|describe)\b", re.I)
_SENT = re.compile(r"[^.?!]+[.?!]*")
FIX = ("fix: `synth speakers FILE --interviewer LABEL` (or --interviewee), `--interviewer NAME` at ingest, "
       "or `interviewers:` in synth.yaml")


def is_mixed_label(label: str) -> bool:
    return bool(_MIXED_LABEL.match(label.strip()))


def question_turn(text: str) -> bool:
    """Does this turn ask (an interviewer's turn in a label that carries both sides)?"""
    words = len(text.split())
    if not words:
        return False
    sents = [s.strip() for s in _SENT.findall(text) if s.strip()]
    last = sents[-1] if sents else text
    asks = last.endswith("?") or (bool(_QSTART.match(last)) and not last.endswith("."))
    if not asks:
        return False
    q_share = sum(s.endswith("?") for s in sents) / max(1, len(sents))
    return words <= 60 or q_share >= 0.5


@dataclass
class LabelStats:
    turns: int = 0
    questions: int = 0
    words: int = 0
    first: int = 0  # index of its first turn


def label_stats(turns) -> dict[str, LabelStats]:
    out: dict[str, LabelStats] = {}
    for i, t in enumerate(turns):
        s = out.get(t.speaker)
        if s is None:
            s = out[t.speaker] = LabelStats(first=i)
        s.turns += 1
        s.questions += question_turn(t.text)
        s.words += len(t.text.split())
    return out


@dataclass
class Decision:
    interviewers: list[str] = field(default_factory=list)
    interviewee: Optional[str] = None
    source: str = "none"
    speaker_roles: dict[str, str] = field(default_factory=dict)
    turn_is_interviewer: list[bool] = field(default_factory=list)
    confidence: float = 1.0
    warnings: list[str] = field(default_factory=list)


def _share(s: LabelStats) -> float:
    return s.questions / (s.turns + 1)


def _extra_interviewers(stats: dict[str, LabelStats], chosen: list[str], named: list[str]) -> list[str]:
    """Second and third interviewers: labels that ask like the chosen interviewer does and talk in
    short turns, while one other person does most of the talking (in a meeting, where nobody does,
    a questioning attendee is not an interviewer)."""
    if not chosen or len(named) < 3:
        return []
    ref = max(_share(stats[c]) for c in chosen if c in stats) if any(c in stats for c in chosen) else 0
    rest = [s for s in named if s not in chosen]
    total = sum(stats[s].words for s in named if s in stats) or 1
    if max((stats[s].words for s in rest), default=0) < 0.5 * total:
        return []
    longest = max((stats[s].words / stats[s].turns for s in rest), default=0)
    out = []
    for s in rest:
        st = stats[s]
        mean = st.words / st.turns
        if st.turns >= 2 and _share(st) >= max(0.3, 0.6 * ref) and mean < 0.5 * longest:
            out.append(s)
    return out


def _confidence(stats: dict[str, LabelStats], interviewers: list[str], named: list[str]) -> float:
    """How sure the talk-based guess is: the gap between the interviewers' question share and the
    most questioning other label, and whether anyone asked at all."""
    if not interviewers:
        return 0.3 if len(named) >= 2 else 1.0
    iv = min(_share(stats[s]) for s in interviewers if s in stats) if any(s in stats for s in interviewers) else 0
    others = [_share(stats[s]) for s in named if s not in interviewers and s in stats]
    gap = iv - max(others, default=0.0)
    return round(max(0.0, min(1.0, 0.45 + gap)), 2)


_INTRO = re.compile(r"\b(?:joined by|joining us(?: today)?(?: is)?|(?:special |our |today's |my )guests?(?: today)?(?: is)?,?|"
                    r"talking (?:with|to)|chatting with|speaking with|interviewing|here with|sitting down with|"
                    r"welcome(?: back)?(?: to the show)?,?)\s+(?:\*\*)?(?P<name>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)")
_TOKEN = re.compile(r"[^\W\d_]{3,}")


def _same_name(label: str, name: str, fuzzy: bool) -> bool:
    """Does `name` (from a title, a file name or an introduction) name the person labelled `label`?"""
    lt = [w.casefold() for w in _TOKEN.findall(label)]
    nt = [w.casefold() for w in _TOKEN.findall(name)]
    if not lt or not nt:
        return False
    if fuzzy:
        import difflib

        return any(difflib.SequenceMatcher(None, a, b).ratio() >= 0.8 for a in lt[:1] for b in nt)
    return all(w in nt for w in lt)


_SHOW = re.compile(r"\b(?:welcome (?:back )?to|this is|you're listening to)\s+(?:the\s+)?[A-Z][\w'-]*"
                   r"|\bI'm your host\b|\bepisode (?:number )?\d+", re.I)
_ANY_GUEST = re.compile(r"\b(?:joined by|joining (?:us|me)|my guests?|our guests?|special guest|guest today|"
                        r"(?:talking|chatting|speaking|sitting down) with|here with|interview(?:ing)?)\b", re.I)


def host_monologue(turns, head: int = 1500) -> bool:
    """Unlabelled talk that opens as a show ("Welcome to Python Bytes") and introduces no guest in
    its first `head` characters: the hosts' own speech, with no interviewee in it."""
    opening = " ".join(t.text for t in list(turns)[:12])[:head]
    return bool(_SHOW.search(opening)) and not _ANY_GUEST.search(opening)


_SELF_INTRO = re.compile(r"\b(?i:my name is|my name's|i'm|i am|this is)\s+(?P<name>[A-Z][\w'-]+)")
_HOSTING = re.compile(r"\b(?:welcome|thanks? (?:you )?(?:all )?for (?:coming|joining|being here)|our session|"
                      r"podcast|(?:the|our) show|episode)\b", re.I)


def opening_hosts(turns, labels: list[str], head: int = 10) -> list[str]:
    """Labels that open the conversation as its hosts: in the first turns they welcome people and
    introduce themselves by the name on their label ("Welcome to the Ladybug podcast. I'm Kelly.")."""
    hosts: list[str] = []
    chain = False  # co-hosts answer a host's welcome with their names, one short turn each
    for t in list(turns)[:head]:
        if t.speaker not in labels:
            chain = False
            continue
        text = html.unescape(t.text)  # `I&#39;m Kelly` in pages exported from a site
        intros = [m for m in _SELF_INTRO.finditer(text) if _same_name(t.speaker, m.group("name"), fuzzy=True)]
        intro = bool(intros)
        if intro and (_HOSTING.search(text) or (chain and intros[0].start() <= 40)):
            hosts += [t.speaker] if t.speaker not in hosts else []
            chain = True
        else:
            chain = False
    return hosts


def _leads(stats: dict[str, LabelStats], labels: list[str]) -> bool:
    """Does the first label to speak also take (nearly) the most turns and at least 40% of the words?"""
    first = labels[0]
    total = sum(stats[s].words for s in labels) or 1
    return (stats[first].turns >= 0.8 * max(stats[s].turns for s in labels) and stats[first].words >= 0.4 * total
            and stats[first].turns >= 5)


def _best_asker(stats: dict[str, LabelStats], pick: str) -> str:
    """The base rule's pick, unless it asked once in a turn or two while someone who speaks often
    asked many times (a resident's one question in a seminar its leader runs by asking)."""
    busy = [s for s, st in stats.items() if st.turns >= 3 and st.questions >= 3]
    if stats[pick].turns >= 3 or not busy:
        return pick
    return max(busy, key=lambda s: (_share(stats[s]), stats[s].questions))


def guests(turns, labels: list[str], names: Sequence[str] = (), intro_turns: int = 12) -> list[str]:
    """Labels of the person the conversation is about: named in the title, file name, front matter
    `interviewee` / a one-name `speakers:` list, or introduced by a host ("we're joined by Taylor")."""
    found = [s for s in labels if any(_same_name(s, n, fuzzy=False) for n in names if n)]
    if found:
        return found
    for t in list(turns)[:intro_turns]:
        for m in _INTRO.finditer(html.unescape(t.text)):
            hit = [s for s in labels if s != t.speaker and _same_name(s, m.group("name"), fuzzy=True)]
            if hit:
                return hit[:1]
    return []


@dataclass
class _Said:
    speaker: str
    text: str


def aliases(labels: Sequence[str]) -> dict[str, str]:
    """`John` -> `John Newbery` when exactly one longer label starts with that first name: one person
    labelled two ways in one file (`John Newbery:` once, then `John:`)."""
    out = {}
    for s in labels:
        if " " in s or is_mixed_label(s) or s == NOTES_SPEAKER:
            continue
        longer = [x for x in labels if x != s and x.split()[0] == s and not is_mixed_label(x)]
        if len(longer) == 1:
            out[s] = longer[0]
    return out


def decide(turns, *, option: Optional[Sequence[str]] = None, fm_interviewer=None,
           fm_interviewee: Optional[str] = None, roles: Optional[dict[str, str]] = None,
           known: Iterable[str] = (), corrections: Optional[dict[str, str]] = None,
           hints: Optional[Sequence[Optional[str]]] = None, names: Sequence[str] = ()) -> Decision:
    """Decide roles for `turns` (objects with .speaker and .text). `known`: labels that interview in
    other files of the study; `corrections`: label -> interviewer|interviewee stored by the user;
    `hints`: a reader's per-turn role (md_qa questions), None where it has none; `names`: who the
    file is about (title, file name, front matter)."""
    alias = aliases(list(dict.fromkeys(t.speaker for t in turns)))
    if corrections:
        alias = {k: v for k, v in alias.items() if k not in corrections and v not in corrections}
    if not alias:
        return _decide(turns, option=option, fm_interviewer=fm_interviewer, fm_interviewee=fm_interviewee,
                       roles=roles, known=known, corrections=corrections, hints=hints, names=names)
    said = [_Said(alias.get(t.speaker, t.speaker), t.text) for t in turns]
    out = _decide(said, option=option, fm_interviewer=fm_interviewer, fm_interviewee=fm_interviewee,
                  roles=roles, known=known, corrections=corrections, hints=hints, names=names)
    for short, full in alias.items():
        out.speaker_roles[short] = out.speaker_roles[full]
        if full in out.interviewers:
            out.interviewers.append(short)
    order = {s: i for i, s in enumerate(dict.fromkeys(t.speaker for t in turns))}
    out.speaker_roles = dict(sorted(out.speaker_roles.items(), key=lambda kv: order.get(kv[0], 0)))
    return out


def _decide(turns, *, option: Optional[Sequence[str]] = None, fm_interviewer=None,
           fm_interviewee: Optional[str] = None, roles: Optional[dict[str, str]] = None,
           known: Iterable[str] = (), corrections: Optional[dict[str, str]] = None,
           hints: Optional[Sequence[Optional[str]]] = None, names: Sequence[str] = ()) -> Decision:
    """Decide roles for `turns` (objects with .speaker and .text). `known`: labels that interview in
    other files of the study; `corrections`: label -> interviewer|interviewee stored by the user;
    `hints`: a reader's per-turn role (md_qa questions), None where it has none; `names`: who the
    file is about (title, file name, front matter)."""
    speakers = list(dict.fromkeys(t.speaker for t in turns))
    per_label = [s for s in speakers if s != NOTES_SPEAKER and not is_mixed_label(s)]
    base_turns = [t for t in turns if t.speaker in per_label]
    base = speakers_mod.assign(base_turns, option=option, fm_interviewer=fm_interviewer,
                               fm_interviewee=fm_interviewee, roles=roles)
    out = Decision(interviewers=list(base.interviewers), source=base.source, warnings=list(base.warnings))
    stats = label_stats(base_turns)
    explicit = base.source in ("option", "front_matter", "labels")
    if not explicit:
        opened = opening_hosts(turns, per_label)
        if opened:  # "Welcome to our session. My name is Emily.": the hosts, not who asked most
            out.interviewers, out.source = opened, "heuristic"
            explicit = True
        elif len(per_label) >= 3 and _leads(stats, per_label):
            # many voices, nobody mostly asking: whoever opens and carries the conversation hosts it
            out.interviewers = [per_label[0]]
        elif base.interviewers and len(per_label) >= 3:
            out.interviewers = [_best_asker(stats, base.interviewers[0])]
        # a label most of whose turns ask (`Audience 1:` at a panel, a second interviewer) asks
        out.interviewers += [s for s in per_label if s not in out.interviewers and stats[s].turns >= 2
                             and stats[s].questions >= 0.5 * stats[s].turns]
    study = [s for s in per_label if s in set(known) and s not in out.interviewers]
    if study and base.source in ("heuristic", "none"):
        out.interviewers, out.source, explicit = [*study, *out.interviewers], "study", True
    elif study:
        out.interviewers += study
    guest = guests(turns, per_label, names) if not explicit or out.source == "study" else []
    top = max(per_label, key=lambda x: (_share(stats[x]), stats[x].questions), default=None)
    if (top in guest and _share(stats[top]) >= 0.3) or (guest and per_label[0] in guest and _leads(stats, per_label)):
        guest = []  # the person the title names runs it (asks most; opens and carries it): not a guest
    if guest and len(guest) < len(per_label):
        # a podcast or panel: whoever is not the guest and takes part runs the conversation
        hosts = [s for s in per_label if s not in guest and (stats[s].turns >= 2 or stats[s].questions)
                 and stats[s].words >= 3 * stats[s].turns]  # `**Break:**`, `**Jingle:**`: nobody
        out.interviewers = list(dict.fromkeys([*(x for x in out.interviewers if x not in guest), *hosts]))
        out.source = out.source if out.source == "study" else "heuristic"
        explicit = True
    elif base.source in ("heuristic", "none", "study") or out.source == "study":
        out.interviewers += [s for s in _extra_interviewers(stats, out.interviewers, per_label)
                             if s not in out.interviewers]
    for label, role in (corrections or {}).items():
        if label not in speakers:
            continue
        out.source = "correction"
        if role == "interviewer" and label not in out.interviewers:
            out.interviewers.append(label)
        elif role != "interviewer" and label in out.interviewers:
            out.interviewers.remove(label)
    corrected = {k for k in (corrections or {}) if k in speakers}
    who = set(out.interviewers)
    for s in speakers:
        if s == NOTES_SPEAKER:
            out.speaker_roles[s] = "other"
        elif s in corrected:
            out.speaker_roles[s] = "interviewer" if s in who else "interviewee"
        elif is_mixed_label(s):
            out.speaker_roles[s] = "mixed"
        else:
            out.speaker_roles[s] = "interviewer" if s in who else "interviewee"
    hints = list(hints) if hints is not None else [None] * len(turns)
    hosts_only = not per_label and host_monologue(turns)
    for t, hint in zip(turns, hints):
        role = out.speaker_roles[t.speaker]
        if role == "mixed":
            if hint:
                mine = hint == "interviewer"
            elif hosts_only:
                mine = True
            else:
                mine = question_turn(t.text)
            out.turn_is_interviewer.append(mine)
        else:
            out.turn_is_interviewer.append(role == "interviewer")
    if hosts_only:
        out.warnings.append("no speaker labels, and the talk opens as a show with no guest introduced: "
                            f"read as the hosts' own speech, nothing of it is evidence; {FIX}")
    out.interviewee = base.interviewee
    if out.interviewee in who:
        rest = [s for s in per_label if s not in who]
        out.interviewee = max(rest, key=lambda s: stats[s].words) if rest else None
    mixed = [s for s in speakers if out.speaker_roles[s] == "mixed"]
    if corrected or explicit:
        out.confidence = 1.0
    else:
        out.confidence = _confidence(stats, out.interviewers, per_label) if per_label else 1.0
    if mixed and not all(h for h, t in zip(hints, turns) if t.speaker in mixed):
        out.confidence = min(out.confidence, 0.7)
    if out.confidence < LOW_CONFIDENCE and per_label:
        desc = ", ".join(f"{s} ({stats[s].questions} questions in {stats[s].turns} turns)" for s in per_label
                         if s in stats)
        guess = ", ".join(out.interviewers) or "nobody"
        out.warnings.append(f"unsure who the interviewer is (confidence {out.confidence:.2f}; labels: {desc}); "
                            f"taken as interviewer: {guess}; {FIX}")
    return out


def apply_corrections(t, corrections: dict[str, str]):
    """A stored Transcript with the user's roles applied (`synth speakers`, the review page's
    toggle): every turn of a corrected label takes its role. Returns a new Transcript; the next
    ingest of the file applies the same corrections through `decide`."""
    speakers = t.speakers
    unknown = [lab for lab in corrections if lab not in speakers]
    if unknown:
        raise ValueError(f"{t.file_name}: no speaker label {', '.join(map(repr, unknown))} "
                         f"(labels: {', '.join(speakers)})")
    roles = dict(t.speaker_roles)
    turns = []
    for u in t.turns:
        role = corrections.get(u.speaker)
        turns.append(u.model_copy(update={"is_interviewer": role == "interviewer"}) if role else u)
    roles.update(corrections)
    interviewers = [s for s in speakers if roles.get(s) == "interviewer"]
    rest = [s for s in speakers if s not in interviewers and roles.get(s) == "interviewee"]
    interviewee = t.interviewee if t.interviewee in rest else (rest[0] if rest else None)
    return t.model_copy(update={"turns": turns, "speaker_roles": roles, "interviewers": interviewers,
                                "interviewee": interviewee, "interviewer_source": "correction",
                                "role_confidence": 1.0})


def label_summary(t) -> list[dict]:
    """Per label of a stored Transcript: turns, question turns, words, role as read (and per-turn
    split for a mixed label) — what `synth speakers` and the review page show."""
    out: dict[str, dict] = {}
    for u in t.turns:
        row = out.setdefault(u.speaker, {"label": u.speaker, "turns": 0, "questions": 0, "words": 0,
                                         "interviewer_turns": 0, "role": t.speaker_roles.get(u.speaker, "")})
        row["turns"] += 1
        row["questions"] += question_turn(u.text)
        row["words"] += len(u.text.split())
        row["interviewer_turns"] += u.is_interviewer
    return list(out.values())
