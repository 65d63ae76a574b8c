"""Whether a study has anything to score an ICP on.

An interview is an account only when it has a company (its accounts.csv row, or the transcript's
front matter). With no firmographics and no outcomes for any account, a fit score would rank
interviews by what the extractor happened to find in them, so the study is reported as
"no account data: ICP not scored" instead; likewise when every scoring criterion rests on extracted
alternatives alone (a mis-read "subscription is not an option" must not make an account "high touch").
"""
from __future__ import annotations

from typing import Iterable, Optional

from ..models import AccountRow, Transcript

NO_ACCOUNT_DATA = "no account data: ICP not scored"
ONLY_ALTERNATIVES = "ICP not scored: its only scoring criteria are extracted alternatives"


def interview_companies(accounts: dict[str, AccountRow], transcripts: Iterable[Transcript]) -> dict[str, str]:
    """file -> company, for the interviews that have one (accounts.csv first, then front matter)."""
    out = {f: r.company for f, r in accounts.items() if r.company}
    for t in transcripts:
        if t.file_name not in out and t.meta.company:
            out[t.file_name] = t.meta.company
    return out


def has_account_data(accounts: dict[str, AccountRow]) -> bool:
    """Any firmographic or technographic value, or any outcome, on any account row."""
    return any(r.employees is not None or r.industry or r.country or r.funding_stage or r.tech_stack or r.outcome
               for r in accounts.values())


def not_scored_reason(accounts: dict[str, AccountRow], rules=None) -> Optional[str]:
    """Why the study's accounts get no fit scores or tiers (None: they are scored)."""
    if not has_account_data(accounts):
        return NO_ACCOUNT_DATA
    crits = [c for c in (rules.criteria if rules is not None else []) if c.points]
    if crits and all(c.field == "alternatives" for c in crits):
        return ONLY_ALTERNATIVES
    return None
