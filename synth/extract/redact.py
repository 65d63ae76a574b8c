"""Replace emails, URLs, ID numbers, phone numbers and person names with placeholders before text leaves
the machine (`--redact`).

The same value always gets the same placeholder within a transcript, so the mapping is invertible:
quotes that come back with placeholders are mapped to the original words before grounding.

What is replaced (README "Privacy" lists it for users): emails; URLs; SSN-like numbers (123-45-6789);
card-like numbers (13-19 digits, spaces or dashes allowed); phone numbers of 9+ digits in the usual
groupings, with or without a country code or brackets, wherever they stand in a sentence; speaker names
and their parts; capitalised given names from `prompts/redact_names_v1.yaml`, with the capitalised
surname after them; any capitalised name after Mr, Mrs, Ms, Miss, Dr or Prof. Not replaced: a name
absent from that list (unless a speaker label or after an honorific), lower-case names, company and
product names, street addresses, dates, other numbers.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Optional

import yaml

from synth.resources import read_text

EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+(?<![.,;:!?])", re.I)
# the number may end a sentence ("Call me at 415-555-0142."): only a digit after a dot continues it
PHONE = re.compile(r"(?<![\w.])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?|\d{2,4}[\s.-])\d{3,4}[\s.-]?\d{3,4}"
                   r"(?!\w|\.\d)")
SSN = re.compile(r"(?<![\w-])\d{3}[- ]\d{2}[- ]\d{4}(?![\w-])")
CARD = re.compile(r"(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])")
HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?\b")
# a capitalised word after a given name is taken as its surname, except these
_NOT_SURNAME = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
                "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December", "I", "And", "Or", "But", "The"}


@lru_cache(maxsize=1)
def _given_names() -> Optional[re.Pattern]:
    names = yaml.safe_load(read_text("redact_names_v1.yaml"))["names"]
    alt = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(r"\b(?:" + alt + r")\b(?:[ -](?!(?:" + "|".join(sorted(_NOT_SURNAME)) +
                      r")\b)[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b)?")
_GENERIC = {"unknown", "interviewer", "interviewee", "moderator", "respondent", "speaker", "i", "r",
            "q", "a", "m", "p"}


class Redactor:
    def __init__(self, names: Iterable[str] = ()):
        self.forward: dict[str, str] = {}
        self.counts: dict[str, int] = {}
        parts: set[str] = set()
        for n in names:
            n = (n or "").strip()
            if not n or n.lower() in _GENERIC or n.lower().startswith("speaker "):
                continue
            parts.add(n)
            # "Dana Whitfield" is also said as "Dana" and "Whitfield"
            parts.update(p for p in n.split() if len(p) >= 3 and p[0].isupper())
        self._names = sorted(parts, key=len, reverse=True)
        self._name_re = (re.compile(r"\b(" + "|".join(re.escape(n) for n in self._names) + r")\b")
                         if self._names else None)

    def _placeholder(self, kind: str, value: str) -> str:
        if value not in self.forward:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            self.forward[value] = f"[{kind}_{self.counts[kind]}]"
        return self.forward[value]

    def redact(self, text: str) -> str:
        text = EMAIL.sub(lambda m: self._placeholder("EMAIL", m.group(0)), text)
        text = URL.sub(lambda m: self._placeholder("URL", m.group(0)), text)
        text = SSN.sub(lambda m: self._placeholder("SSN", m.group(0)), text)
        text = CARD.sub(lambda m: self._placeholder("CARD", m.group(0)), text)
        text = PHONE.sub(lambda m: self._placeholder("PHONE", m.group(0)), text)
        if self._name_re:
            text = self._name_re.sub(lambda m: self._placeholder("NAME", m.group(0)), text)
        # other people the interviewee mentions; a placeholder ("[NAME_1]") is never matched again
        text = HONORIFIC.sub(lambda m: self._placeholder("NAME", m.group(0)), text)
        text = _given_names().sub(lambda m: self._placeholder("NAME", m.group(0)), text)
        return text

    def restore(self, text: str) -> str:
        for value, ph in self.forward.items():
            text = text.replace(ph, value)
        return text


def transcript_names(t) -> list[str]:
    """The names a transcript itself gives: its speaker labels, interviewee, interviewers."""
    return list(t.speakers) + [t.meta.interviewee or "", t.meta.interviewer or "", *t.interviewers]


def study_redactor(transcripts: Iterable) -> Redactor:
    """One redactor for text drawn from many transcripts (theme members, a profile): every file's names."""
    return Redactor([n for t in transcripts for n in transcript_names(t)])
