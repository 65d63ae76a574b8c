"""Whether a study has anything to score an ICP on.

An interview is an account only when it has a company (`synth.vocab.companies`, the one rule: its
accounts.csv row, the transcript's front matter, or the company the interviewee names). With no
firmographics and no outcomes for any account, a fit score would rank interviews by what the extractor happened to find in them, so the study is reported as
"no account data: ICP not scored" instead; likewise when every scoring criterion rests on extracted
alternatives alone (a mis-read "subscription is not an option" must not make an account "high touch").
"""
from __future__ import annotations

from typing import Optional

from ..models import AccountRow
from ..vocab.companies import interview_companies

__all__ = ["NO_ACCOUNT_DATA", "ONLY_ALTERNATIVES", "has_account_data", "interview_companies", "not_scored_reason"]

NO_ACCOUNT_DATA = "no account data: ICP not scored"
ONLY_ALTERNATIVES = "ICP not scored: its only scoring criteria are extracted alternatives"


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
