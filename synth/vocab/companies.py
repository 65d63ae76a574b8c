"""Which company an interview belongs to: the one rule for "is this interview an account?".

An interview is an account only when it has a company: its accounts.csv row, else the transcript's
front matter, else a company the interviewee names ("I work at Brightloop", "here at Kestrel Maps").
A consumer study with none of these has interviews and no accounts. The report summary, the
browser's accounts tile, theme ranking and the ICP's not-scored check all take their answer from
here (through `synth.themes.facts.StudyFacts` where they count accounts).
"""
from __future__ import annotations

import re
from typing import Iterable, Mapping, Optional

from synth.models import AccountRow, Transcript

# capitalised words that are not a company after those openers ("I'm head of Engineering at ...")
_NOT_COMPANY = frozenset({"I", "We", "The", "A", "An", "It", "That", "This", "My", "Our", "Engineering", "Finance",
                          "Product", "Sales", "Marketing", "Operations", "Platform", "Security", "Data", "Growth",
                          "Design", "Support", "Infrastructure", "Revenue", "People", "IT", "HR", "Ops", "DevOps",
                          "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"})
# the interviewee says where they work: a capitalised name right after "I work at", "here at", ...
_NAMES_COMPANY = re.compile(
    r"\b(?:I work (?:at|for)|I'm (?:the |a |an )?(?:[\w-]+ ){1,5}?at|(?:founder|co-founder|CEO|CTO|COO|CFO|owner) of|"
    r"I (?:founded|co-founded|started|run)|"
    r"(?:we|I) (?:both )?work at|here at|(?:my|our) company,?|we're called|the company is called)\s+"
    r"(?!(?:" + "|".join(sorted(_NOT_COMPANY)) + r")\b)((?:[A-Z][\w&'-]*(?:\.[\w-]+)*)(?:\s+[A-Z][\w&'-]*(?:\.[\w-]+)*){0,2})")


def named_company(t: Transcript) -> Optional[str]:
    """The company the interviewee names as their own, in their own turns (None when they name none)."""
    for turn in t.turns:
        if turn.is_interviewer:
            continue
        for m in _NAMES_COMPANY.finditer(turn.text):
            words = m.group(1).rstrip(".,'").split()
            while words and words[-1] in _NOT_COMPANY:
                words.pop()
            if words:
                return re.sub(r"'s$", "", " ".join(words)).rstrip(".,")
    return None


def interview_company(row: Optional[AccountRow], t: Optional[Transcript]) -> Optional[str]:
    """accounts.csv first, then front matter, then what the interviewee says."""
    if row is not None and row.company:
        return row.company
    if t is None:
        return None
    return t.meta.company or named_company(t)


def interview_companies(accounts: Mapping[str, AccountRow], transcripts: Iterable[Transcript],
                        files: Optional[Iterable[str]] = None) -> dict[str, str]:
    """file -> company, for the interviews that have one (the study's `files`, default: every file
    with an accounts row or a transcript)."""
    by_file = {t.file_name: t for t in transcripts}
    wanted = sorted(set(files) if files is not None else set(accounts) | set(by_file))
    out = {}
    for f in wanted:
        c = interview_company(accounts.get(f), by_file.get(f))
        if c:
            out[f] = c
    return out
