"""Who is the interviewer, who is the interviewee.

Order of evidence: (1) the `interviewer=` option, (2) front matter `interviewer`, (3) role labels
(I/Q/M, "Interviewer", Gong's internal party...), (4) a heuristic: with two or more named speakers,
the one whose turns hold the highest share of questions. The share is smoothed as
questions / (turns + 1) so that a respondent with one "Sorry, can you repeat that?" turn does not
outrank an interviewer who asked eight questions in ten turns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

UNKNOWN = "Unknown"
_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.I)


def _norm(s: str) -> str:
    return " ".join(s.casefold().split())


def split_names(value: str | Iterable[str] | None) -> list[str]:
    """'Sam Lee, Jo' -> ['Sam Lee', 'Jo']; lists pass through (each item split too)."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else [str(v) for v in value]
    out: list[str] = []
    for item in items:
        out += [p.strip() for p in _SPLIT.split(item) if p.strip()]
    return out


def match_speakers(names: Sequence[str], speakers: Sequence[str]) -> tuple[list[str], list[str]]:
    """Speakers named by `names` (case-insensitive; "Sam" also matches "Sam Lee"), and the names
    that matched nobody."""
    found: list[str] = []
    missing: list[str] = []
    for name in names:
        q = _norm(name)
        exact = [s for s in speakers if _norm(s) == q]
        hits = exact or [s for s in speakers if _norm(s).startswith(q + " ")]
        if not hits and " " in q:  # "Gina Boysun" named, labelled by first name only: `Gina:`
            hits = [s for s in speakers if " " not in s.strip() and q.startswith(_norm(s) + " ")]
        if not hits:
            missing.append(name)
        for h in hits:
            if h not in found:
                found.append(h)
    return found, missing


@dataclass
class Roles:
    interviewers: list[str] = field(default_factory=list)
    source: str = "none"
    interviewee: Optional[str] = None
    warnings: list[str] = field(default_factory=list)


def question_scores(turns) -> dict[str, tuple[float, int]]:
    """speaker -> (smoothed question share, question-turn count)."""
    stats: dict[str, list[int]] = {}
    for t in turns:
        s = stats.setdefault(t.speaker, [0, 0])
        s[0] += 1
        s[1] += "?" in t.text
    return {sp: (q / (n + 1), q) for sp, (n, q) in stats.items()}


def assign(turns, *, option: Optional[Sequence[str]] = None, fm_interviewer=None,
           fm_interviewee: Optional[str] = None, roles: Optional[dict[str, str]] = None) -> Roles:
    """Decide interviewers and interviewee for `turns` (objects with .speaker and .text)."""
    speakers = list(dict.fromkeys(t.speaker for t in turns))
    named = [s for s in speakers if s != UNKNOWN]
    out = Roles()

    for source, names in (("option", split_names(option)), ("front_matter", split_names(fm_interviewer))):
        if not names:
            continue
        found, missing = match_speakers(names, speakers)
        if missing and (source != "option" or not found):  # a study's list of interviewers: not all
            # are in every file
            where = "--interviewer" if source == "option" else "front matter interviewer"
            out.warnings.append(f"{where} {', '.join(map(repr, missing))} matches no speaker "
                                f"(speakers: {', '.join(speakers)})")
        if found:
            out.interviewers, out.source = found, source
            break
    if not out.interviewers and roles:
        found = [s for s in speakers if roles.get(s) == "interviewer"]
        if found:
            out.interviewers, out.source = found, "labels"
    if not out.interviewers and len(named) >= 2:
        scores = question_scores([t for t in turns if t.speaker != UNKNOWN])
        order = {s: i for i, s in enumerate(named)}
        best = max(named, key=lambda s: (scores[s][0], scores[s][1], -order[s]))
        if scores[best][1] > 0:
            out.interviewers, out.source = [best], "heuristic"

    if fm_interviewee:
        found, _ = match_speakers([str(fm_interviewee)], speakers)
        out.interviewee = found[0] if len(found) == 1 else str(fm_interviewee)
    else:
        words: dict[str, int] = {}
        for t in turns:
            if t.speaker != UNKNOWN and t.speaker not in out.interviewers:
                words[t.speaker] = words.get(t.speaker, 0) + len(t.text.split())
        if words:
            out.interviewee = max(words, key=lambda s: (words[s], -speakers.index(s)))
    return out
