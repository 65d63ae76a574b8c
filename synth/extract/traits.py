"""Account traits: the accounts.csv row wins where it has a value; the transcript fills the gaps."""
from __future__ import annotations

from typing import Optional

from synth.models import AccountRow, AccountTraits, Trait, Transcript


def base_traits(account: Optional[AccountRow], t: Transcript,
                from_transcript: list[tuple[str, Trait]]) -> AccountTraits:
    tr = AccountTraits()
    if account:
        if account.employees is not None:
            tr.employees = Trait(value=account.employees, source="accounts_csv")
        if account.industry:
            tr.industry = Trait(value=account.industry, source="accounts_csv")
        if account.country:
            tr.country = Trait(value=account.country, source="accounts_csv")
        if account.funding_stage:
            tr.stage = Trait(value=account.funding_stage, source="accounts_csv")
        if account.tech_stack:
            tr.tech_stack = Trait(value=list(account.tech_stack), source="accounts_csv")
    for field, trait in from_transcript:
        if field == "budget":
            tr.budget_signals.append(trait)
        elif getattr(tr, field, None) is None:
            setattr(tr, field, trait)
    return tr
