"""Turn 'six weeks ago', 'last quarter', 'in March' into approximate days before the interview."""
from __future__ import annotations

import re
from datetime import date
from typing import Optional

from synth.numbers import numbers_in

_NUM = {"a": 1, "an": 1, "couple": 2, "few": 3, "several": 3}  # vague amounts: a rough date is still a date
_UNIT = {"day": 1, "week": 7, "month": 30, "quarter": 91, "year": 365}
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december"]
_AGO = re.compile(r"\b([\w$,.-]+(?:\s+(?:and\s+a\s+half|[\w-]+)){0,3}?)\s+(day|week|month|quarter|year)s?"
                  r"\s+(?:ago|back)\b", re.I)
_LAST = re.compile(r"\b(?:last|past|previous)\s+(day|week|month|quarter|year)\b", re.I)
_MONTH = re.compile(r"\b(?:in|since|back in|early|late|mid|end of)?\s*(" + "|".join(_MONTHS) + r")\b", re.I)
_RECENT = re.compile(r"\b(recently|just|this week|yesterday|last few weeks)\b", re.I)


def days_before(when: Optional[str], interview: Optional[date]) -> Optional[int]:
    if not when:
        return None
    s = when.lower()
    m = _AGO.search(s)
    if m:
        said = numbers_in(m.group(1))
        # "thirty-five days ago" through the one number parser; "a couple of weeks" is vague but
        # still dates the event roughly, which is all days_before claims
        vague = [_NUM[w] for w in reversed(m.group(1).lower().split()) if w in _NUM]
        n = said[-1].value if said else (vague[0] if vague else 1)
        return round(n * _UNIT[m.group(2).lower()])
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
