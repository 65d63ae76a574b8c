"""The study's facts: which account each interview belongs to, and each account's outcome.

One object, one answer, for ranking (synth/themes/rank.py), the report and the browser. Before it the
join was done three times with three answers for an account without an outcome (dropped, None,
"open"), and for one company interviewed twice the last file decided.

- An interview is an account only when it has a company (`synth.vocab.companies`: its accounts.csv
  row, front matter, or the company the interviewee names); one without is counted as an interview,
  never as an account, so the report and the browser's accounts tile give the same number.
- An account's outcome is "won" or "lost" when one of its rows says so (the first such row, files in
  sorted order), else "open": a missing outcome and "open" are the same for every count.
"""
from __future__ import annotations

from typing import Iterable, Optional, Sequence

from pydantic import BaseModel, Field

from synth.models import AccountRow, Item, Transcript
from synth.vocab.companies import interview_companies

KNOWN = ("won", "lost")


class StudyFacts(BaseModel):
    n_interviews: int
    n_accounts: int
    account_of_file: dict[str, str] = Field(description="the interviews that have a company, and its name")
    outcome_of_account: dict[str, str] = Field(description='every account: "won", "lost" or "open"')
    items_per_category: dict[str, int] = Field(default_factory=dict, description="what ranking counts shares of")

    @classmethod
    def build(cls, files: list[str], accounts: dict[str, AccountRow], items: Sequence[Item] = (),
              transcripts: Iterable[Transcript] = ()) -> "StudyFacts":
        """`transcripts` (the study's, when at hand) add the companies front matter or speech names."""
        acc = interview_companies(accounts, transcripts, files)
        outcome: dict[str, str] = {}
        for f in sorted(acc):
            row = accounts.get(f)
            said = row.outcome if row is not None else None
            if outcome.get(acc[f]) not in KNOWN:
                outcome[acc[f]] = said if said in KNOWN else "open"
        per: dict[str, int] = {}
        for it in items:
            per[it.category] = per.get(it.category, 0) + 1
        return cls(n_interviews=len(files), n_accounts=len(outcome), account_of_file=acc,
                   outcome_of_account=dict(sorted(outcome.items())), items_per_category=per)

    def account(self, file: str) -> Optional[str]:
        """The interview's company, None when it has none (then it is no account)."""
        return self.account_of_file.get(file)

    def outcome(self, account: str) -> str:
        return self.outcome_of_account.get(account, "open")

    def accounts_of(self, files: Iterable[str]) -> list[str]:
        return sorted({a for a in (self.account(f) for f in files) if a is not None})

    def won_lost(self, files: Iterable[str]) -> tuple[list[str], int, int]:
        """The accounts behind these interviews, and how many of them were won and lost."""
        accts = self.accounts_of(files)
        return accts, sum(self.outcome(a) == "won" for a in accts), sum(self.outcome(a) == "lost" for a in accts)

    def with_outcome(self, outcome: str) -> list[str]:
        return [a for a, o in self.outcome_of_account.items() if o == outcome]
