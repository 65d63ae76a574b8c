"""Learning rules from accounts with outcomes, and the learners cross-validation re-runs per fold.

- `fit_study`: a study's interviewed accounts (+ their interviews) -> profile -> candidate criteria
  -> points learned from outcomes -> tiers calibrated on the same accounts;
- `fit_table`: the same from a CRM table alone (firmographic and technographic criteria);
- `relearn`: the criteria of existing rules kept, their points and tiers learned again.

Each `*_learner` returns a function of the training row indices, so a held-out account's row,
its interview and its outcome never reach the profile, the points or the cut-offs it is scored by.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from ..models import AccountRow, Extraction, ThemeSet
from .crossval import Learner
from .interviewed import study_table
from .learn import learn_points
from .profile import build_profile
from .rules import IcpRules
from .synthesize import synthesize_rules
from .table import AccountsTable
from .tiers import calibrate_tiers
from .traits import IcpProfile


def fit_study(accounts: dict[str, AccountRow], extractions: list[Extraction], themes: Optional[ThemeSet],
              base: Optional[IcpRules] = None, companies: Optional[dict[str, str]] = None
              ) -> tuple[IcpProfile, IcpRules, AccountsTable, np.ndarray]:
    """(profile, learned rules, the study table they were learned on, per-row interview file);
    `companies`: the interviews' companies beyond accounts.csv (front matter, named by the interviewee)."""
    table, files = study_table(accounts, extractions, themes, companies)
    profile = build_profile(list(accounts.values()), extractions, themes,
                            {f: r.company for f, r in accounts.items()})
    return profile, synthesize_rules(profile, base, table, files), table, files


def study_learner(accounts: dict[str, AccountRow], extractions: list[Extraction],
                  themes: Optional[ThemeSet], files: np.ndarray, base: Optional[IcpRules] = None,
                  companies: Optional[dict[str, str]] = None) -> Learner:
    """Rows of the study table (one per interviewed account, `files`) -> rules from those interviews only.
    Themes stay as clustered over all interviews: clustering never sees an outcome."""
    def learn(train: np.ndarray) -> IcpRules:
        keep = {str(f) for f in files[train] if f}
        sub = {f: r for f, r in accounts.items() if f in keep}
        exs = [e for e in extractions if e.file in keep]
        return fit_study(sub, exs, themes if exs else None, base, companies)[1]
    return learn


def fit_table(table: AccountsTable, base: Optional[IcpRules] = None) -> tuple[IcpProfile, IcpRules]:
    """Profile and learned rules from an accounts table with outcomes (no interviews)."""
    profile = build_profile(table.to_account_rows(), [], None, {})
    return profile, synthesize_rules(profile, base, table)


def table_learner(table: AccountsTable, base: Optional[IcpRules] = None) -> Learner:
    return lambda train: fit_table(table.take(train), base)[1]


def relearn(rules: IcpRules, table: AccountsTable, interviews: Optional[np.ndarray] = None) -> IcpRules:
    """The same criteria, points and tiers learned from `table`."""
    return calibrate_tiers(learn_points(rules, table, interviews), table)


def relearn_learner(rules: IcpRules, table: AccountsTable) -> Learner:
    return lambda train: relearn(rules, table.take(train))
