"""Check an ICP against known outcomes, in sample and out of sample, with the seeds' verdict.

In sample: the rules scored on the accounts they were learned from (optimistic by construction).
Out of sample (with a `learner`): each decided account scored by rules re-learned without it
(`synth.icp.crossval`). Both report lift, ROC AUC and the top tier's recall of wins, each with a
seeded bootstrap interval (`synth.icp.metrics`).

Verdict (the seeds' bar: conversion inside the ICP >= 3x conversion outside), from the
out-of-sample numbers, or the in-sample ones when no learner is given (then the rules were not
learned from this table, and in sample IS out of sample):
- "too few outcomes to tell": fewer than MIN_OUTCOMES won + lost accounts, or no win or no loss;
- "valid (lift >= 3x out of sample)": lift >= 3 (or every win inside the top tier) and the lift
  interval's lower end above 1 (better than chance, not a lucky split);
- "not yet valid" otherwise.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from pydantic import Field

from .crossval import Learner, OutOfSample, cross_validate
from .metrics import LIFT_BAR, RECALL_BAR, Metrics, TierStat, average_ranks, measure, roc_auc
from .rules import IcpRules
from .score import score_accounts
from .table import AccountsTable

MIN_OUTCOMES = 10
TOP_SHARE_RANGE = (0.15, 0.35)
VALID = "valid (lift >= 3x out of sample)"
NOT_YET = "not yet valid"
TOO_FEW = "too few outcomes to tell"


class ValidationReport(Metrics):
    """In-sample metrics (the inherited fields), the out-of-sample ones, and the verdict."""

    outcome_column: Optional[str] = None
    passed: bool = Field(False, description="in sample: lift >= 3 and recall >= 0.6")
    out_of_sample: Optional[OutOfSample] = None
    verdict: str = TOO_FEW
    verdict_basis: str = ""
    warnings: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    seed: int = 0

    def summary_lines(self) -> list[str]:
        """In-sample and out-of-sample numbers side by side, then the verdict (plain text)."""
        out = [f"in sample:     {metrics_line(self)}"]
        if self.out_of_sample is not None:
            out.append(f"out of sample: {metrics_line(self.out_of_sample.metrics)} "
                       f"({self.out_of_sample.describe()})")
        out.append(f"verdict: {self.verdict}" + (f" ({self.verdict_basis})" if self.verdict_basis else ""))
        return out


def metrics_line(m: Metrics) -> str:
    """lift, AUC and top-tier recall with their 95% bootstrap intervals; "n/a" where undefined."""
    auc = "n/a" if m.auc is None else f"{m.auc:.2f}"
    rec = "n/a" if m.recall is None else f"{m.recall:.0%}"
    share = "n/a" if m.top_tier_share is None else f"{m.top_tier_share:.0%}"
    return (f"lift {m.lift_text()} (95% {m.lift_ci.text()}), AUC {auc} ({m.auc_ci.text()}), "
            f"top tier holds {rec} of wins ({m.recall_ci.text('{:.0%}')}) and {share} of accounts")


def _verdict(m: Metrics) -> str:
    if m.won + m.lost < MIN_OUTCOMES or not m.won or not m.lost:
        return TOO_FEW
    if m.meets_bar() and m.lift_ci.low is not None and m.lift_ci.low > 1:
        return VALID
    return NOT_YET


def validate(table: AccountsTable, rules: IcpRules, learner: Optional[Learner] = None, seed: int = 0,
             *, open_as_lost: bool = False) -> ValidationReport:
    """Score `table` with `rules`, compare with its outcomes, and (with `learner`) cross-validate.
    `open_as_lost` counts open and missing outcomes as not converted (e.g. HubSpot lifecycle stages,
    where only customers are marked)."""
    field = table.outcome_field()
    report = ValidationReport(outcome_column=field, accounts=len(table), seed=seed)
    if field is None:
        report.warnings.append("no outcome column: nothing to validate against "
                               "(add won/lost outcomes to the accounts table)")
        return report
    outcome = table.outcomes(field)
    if open_as_lost:
        outcome = np.where(outcome < 0, 0, outcome).astype(np.int8)
        report.notes.append("open and missing outcomes count as not converted (open_as_lost)")
    result = score_accounts(table, rules)
    m = measure(result.scores, result.tier_codes, outcome, seed=seed)
    report = ValidationReport(**{**report.model_dump(), **m.model_dump()})
    won, lost = m.won, m.lost
    if won + lost == 0:
        report.warnings.append(f"no account has a won or lost {field}: nothing to validate against")
        return report
    if won + lost < MIN_OUTCOMES:
        report.warnings.append(f"only {won} won and {lost} lost accounts: too few outcomes to tell "
                               f"(aim for 20 or more of each)")
    if lost == 0:
        report.warnings.append("no lost accounts: every decided account is a win, so conversion "
                               "cannot differ inside and outside the ICP (mark lost deals, or use "
                               "open_as_lost to count open accounts as not converted)")
    if won == 0:
        report.warnings.append("no won accounts: conversion is 0 everywhere")
    if m.inside.conversion is None:
        report.warnings.append("no won or lost account is in the top tier: lift is undefined")
    elif m.outside.conversion is None:
        report.warnings.append("no won or lost account is outside the top tier: lift is undefined")
    elif m.separates:
        report.notes.append("no account outside the top tier converted: lift is unbounded "
                            f"(conversion inside {m.inside.conversion:.0%})")
    if m.lift is not None and m.lift < LIFT_BAR:
        report.warnings.append(f"lift is under 3x in sample: narrow the ICP (conversion "
                               f"{m.inside.conversion:.0%} inside vs {m.outside.conversion:.0%} "
                               f"outside = {m.lift:.2f}x)")
    if m.recall is not None and m.recall < RECALL_BAR:
        report.warnings.append(f"the top tier holds {m.inside.won} of {won} wins ({m.recall:.0%}); "
                               "aim for 60%+")
    share = m.top_tier_share
    if share is not None and not TOP_SHARE_RANGE[0] <= share <= TOP_SHARE_RANGE[1]:
        report.notes.append(f"the top tier holds {share:.0%} of accounts; fit-scoring practice aims for "
                            f"15-35% (tiers.target_share sets it)")
    report.passed = bool(m.meets_bar() and m.recall is not None and m.recall >= RECALL_BAR)
    if learner is not None:
        oos = cross_validate(table, learner, seed=seed)
        report.out_of_sample = oos
        report.verdict = _verdict(oos.metrics)
        om = oos.metrics
        if om.top_tier_share is not None and share and om.top_tier_share < share / 2:
            report.notes.append(
                f"out of sample the top tier held {om.top_tier_share:.0%} of accounts against {share:.0%} "
                "in sample: accounts the rules have not seen score lower than those they were learned "
                "from (few outcomes, many criteria); the ranking (AUC) is what carries over")
        report.verdict_basis = f"out of sample: {oos.describe()}, rules re-learned without the held-out accounts"
    else:
        report.verdict = _verdict(m)
        report.verdict_basis = "the rules were not learned from this table: in sample is out of sample"
    return report


__all__ = ["ValidationReport", "TierStat", "validate", "roc_auc", "average_ranks", "VALID", "NOT_YET",
           "TOO_FEW", "MIN_OUTCOMES", "metrics_line"]
