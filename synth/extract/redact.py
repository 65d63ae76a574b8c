"""Replace emails, phone numbers, URLs and known names with placeholders before text leaves the machine.

The same value always gets the same placeholder within a transcript, so the mapping is invertible:
quotes that come back with placeholders are mapped to the original words before grounding.
"""
from __future__ import annotations

import re
from typing import Iterable

EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+(?<![.,;:!?])", re.I)
PHONE = re.compile(r"(?<![\w.])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?|\d{2,4}[\s.-])\d{3,4}[\s.-]?\d{3,4}(?![\w.])")
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
        text = PHONE.sub(lambda m: self._placeholder("PHONE", m.group(0)), text)
        if self._name_re:
            text = self._name_re.sub(lambda m: self._placeholder("NAME", m.group(0)), text)
        return text

    def restore(self, text: str) -> str:
        for value, ph in self.forward.items():
            text = text.replace(ph, value)
        return text
