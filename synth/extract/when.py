"""Turn 'six weeks ago', 'last quarter', 'in March' into approximate days before the interview."""
from __future__ import annotations

import re
from datetime import date
from typing import Optional

_NUM = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple": 2, "few": 3}
_UNIT = {"day": 1, "week": 7, "month": 30, "quarter": 91, "year": 365}
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december"]
_AGO = re.compile(r"\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                  r"couple(?: of)?|few)\s+(day|week|month|quarter|year)s?\s+(?:ago|back)\b", re.I)
_LAST = re.compile(r"\b(?:last|past|previous)\s+(day|week|month|quarter|year)\b", re.I)
_MONTH = re.compile(r"\b(?:in|since|back in|early|late|mid|end of)?\s*(" + "|".join(_MONTHS) + r")\b", re.I)
_RECENT = re.compile(r"\b(recently|just|this week|yesterday|last few weeks)\b", re.I)


def days_before(when: Optional[str], interview: Optional[date]) -> Optional[int]:
    if not when:
        return None
    s = when.lower()
    m = _AGO.search(s)
    if m:
        n = _NUM.get(m.group(1).split()[0], None) if not m.group(1).isdigit() else int(m.group(1))
        return (n or 1) * _UNIT[m.group(2).lower()]
    m = _LAST.search(s)
    if m:
        return _UNIT[m.group(1).lower()]
    m = _MONTH.search(s)
    if m and interview:
        month = _MONTHS.index(m.group(1).lower()) + 1
        year = interview.year if month <= interview.month else interview.year - 1
        return (interview - date(year, month, 15)).days if (year, month) != (interview.year, interview.month) else 0
    if _RECENT.search(s):
        return 7
    return None
