"""Check an ICP against known outcomes: conversion inside vs outside the top tier (lift), conversion
per tier, ROC AUC of the score, top-tier share and recall of wins; optionally on a held-out split.

Conversion = won / (won + lost) among the accounts of a group; open or missing outcomes are left out
of every rate and of the AUC (they still count in `accounts` and in the top-tier share). The ICP is
the top tier (high_touch). The seeds' bar: conversion inside >= 3x conversion outside.
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np
from pydantic import BaseModel, Field

from ..models import Extraction, ThemeSet
from .rules import TIER_NAMES, IcpRules
from .score import score_accounts
from .table import AccountsTable

LIFT_BAR = 3.0
RECALL_BAR = 0.6
MIN_OUTCOMES = 5          # fewer won (or lost) accounts than this: numbers are indicative only
TOP_SHARE_RANGE = (0.15, 0.35)


class TierStat(BaseModel):
    tier: str
    accounts: int
    won: int
    lost: int
    open: int = Field(description="open or missing outcome")
    conversion: Optional[float] = Field(None, description="won / (won + lost); None when both are 0")


class ValidationReport(BaseModel):
    outcome_column: str
    accounts: int
    won: int = 0
    lost: int = 0
    open: int = 0
    inside: Optional[TierStat] = Field(None, description="the top tier (high_touch)")
    outside: Optional[TierStat] = None
    lift: Optional[float] = Field(None, description="conversion inside / conversion outside")
    auc: Optional[float] = Field(None, description="ROC AUC of score vs won(1)/lost(0)")
    top_tier_share: Optional[float] = Field(None, description="share of accounts in the top tier")
    recall: Optional[float] = Field(None, description="share of all wins inside the top tier")
    tiers: list[TierStat] = Field(default_factory=list)
    passed: bool = Field(False, description="lift >= 3 and recall >= 0.6")
    warnings: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    holdout: Optional[float] = None
    seed: int = 0
    train_accounts: Optional[int] = None
    test_accounts: Optional[int] = None
    fitted_rules: Optional[IcpRules] = Field(None, description="with holdout: rules fit on the train split")


def average_ranks(x: np.ndarray) -> np.ndarray:
    """1-based ranks; tied values share the average of the ranks they span."""
    x = np.asarray(x)
    order = np.argsort(x, kind="mergesort")
    xs = x[order]
    new = np.r_[True, xs[1:] != xs[:-1]] if len(xs) else np.zeros(0, dtype=bool)
    starts = np.flatnonzero(new)
    ends = np.r_[starts[1:], len(xs)]
    avg = (starts + 1 + ends) / 2.0            # mean of ranks starts+1 .. ends
    ranks = np.empty(len(x), dtype=np.float64)
    ranks[order] = avg[np.cumsum(new) - 1]
    return ranks


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> Optional[float]:
    """Mann-Whitney U / (n_pos * n_neg) with average ranks for ties; None without both classes."""
    labels = np.asarray(labels).astype(bool)
    n_pos = int(labels.sum())
    n_neg = len(labels) - n_pos
    if n_pos == 0 or n_neg == 0:
        return None
    r = average_ranks(np.asarray(scores, dtype=np.float64))
    u = r[labels].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


def _stat(tier: str, mask: np.ndarray, outcome: np.ndarray) -> TierStat:
    won = int((mask & (outcome == 1)).sum())
    lost = int((mask & (outcome == 0)).sum())
    total = int(mask.sum())
    return TierStat(tier=tier, accounts=total, won=won, lost=lost, open=total - won - lost,
                    conversion=won / (won + lost) if won + lost else None)


def _split(outcome: np.ndarray, holdout: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Stratified by outcome (won, lost, other), deterministic by seed."""
    rng = np.random.default_rng(seed)
    test = []
    for k in (1, 0, -1, -2):
        idx = np.flatnonzero(outcome == k)
        perm = rng.permutation(idx)
        test.append(perm[:math.floor(holdout * len(idx) + 0.5)])      # half up
    test_idx = np.sort(np.concatenate(test))
    train_mask = np.ones(len(outcome), dtype=bool)
    train_mask[test_idx] = False
    return np.flatnonzero(train_mask), test_idx


def _fit(train: AccountsTable, base: IcpRules, extractions: list[Extraction],
         themes: Optional[ThemeSet], account_by_file: dict[str, str]) -> IcpRules:
    from .profile import build_profile, synthesize_rules
    from .table import norm_text
    rows = train.to_account_rows()
    keep = {norm_text(r.company) for r in rows}
    files = {r.file for r in rows if r.file}
    exs = [e for e in extractions
           if e.file in files or norm_text(account_by_file.get(e.file, "\0")) in keep]
    profile = build_profile(rows, exs, themes if exs else None, account_by_file)
    return synthesize_rules(profile, base=base)


def validate(table: AccountsTable, rules: IcpRules, outcome_column: str = "outcome",
             holdout: Optional[float] = None, seed: int = 0, *, open_as_lost: bool = False,
             extractions: Optional[list[Extraction]] = None, themes: Optional[ThemeSet] = None,
             account_by_file: Optional[dict[str, str]] = None) -> ValidationReport:
    """Score `table` with `rules` and compare with its outcomes. With `holdout` (0 < h < 1), the
    criteria are fit by `synthesize_rules` on a stratified (1 - h) split of the accounts (tiers,
    cap and column settings come from `rules`) and checked on the held-out h. `open_as_lost`
    counts open and missing outcomes as not converted (e.g. HubSpot lifecycle stages, where only
    customers are marked)."""
    report = ValidationReport(outcome_column=outcome_column, accounts=len(table),
                              holdout=holdout, seed=seed)
    if not table.has(outcome_column):
        report.warnings.append(f"no {outcome_column!r} column: nothing to validate against "
                               "(add won/lost outcomes to the accounts table)")
        return report
    outcome = table.outcomes(outcome_column)
    if holdout is not None:
        if not 0 < holdout < 1:
            raise ValueError(f"holdout must be between 0 and 1 (exclusive), got {holdout}")
        train_idx, test_idx = _split(outcome, holdout, seed)
        rules = _fit(table.take(train_idx), rules, extractions or [], themes, account_by_file or {})
        table, outcome = table.take(test_idx), outcome[test_idx]
        report.train_accounts, report.test_accounts = len(train_idx), len(test_idx)
        report.accounts = len(test_idx)
        report.fitted_rules = rules
        report.notes.append(f"rules fit on {len(train_idx)} accounts, validated on the other "
                            f"{len(test_idx)} (seed {seed})")
        if not rules.criteria:
            report.warnings.append("the training split yields no criteria: every held-out score is 0")
    if open_as_lost:
        outcome = np.where(outcome < 0, 0, outcome).astype(np.int8)
        report.notes.append("open and missing outcomes count as not converted (open_as_lost)")
    result = score_accounts(table, rules)
    won, lost = int((outcome == 1).sum()), int((outcome == 0).sum())
    report.won, report.lost, report.open = won, lost, len(outcome) - won - lost
    report.tiers = [_stat(name, result.tier_codes == k, outcome) for k, name in enumerate(TIER_NAMES)]
    inside_mask = result.tier_codes == 0
    report.inside = _stat("inside", inside_mask, outcome)
    report.outside = _stat("outside", ~inside_mask, outcome)
    if len(outcome):
        report.top_tier_share = float(inside_mask.mean())
    if won + lost == 0:
        report.warnings.append(f"no account has a won or lost {outcome_column}: nothing to validate against")
        return report
    if won < MIN_OUTCOMES or lost < MIN_OUTCOMES:
        report.warnings.append(f"only {won} won and {lost} lost accounts: too few outcomes to trust "
                               f"these numbers (aim for 20 or more of each)")
    if lost == 0:
        report.warnings.append("no lost accounts: every decided account is a win, so conversion "
                               "cannot differ inside and outside the ICP (mark lost deals, or use "
                               "open_as_lost to count open accounts as not converted)")
    decided = outcome >= 0
    report.auc = roc_auc(result.scores[decided], outcome[decided] == 1)
    report.recall = report.inside.won / won if won else None
    c_in, c_out = report.inside.conversion, report.outside.conversion
    if c_in is None:
        report.warnings.append("no won or lost account is in the top tier: lift is undefined")
    elif c_out is None:
        report.warnings.append("no won or lost account is outside the top tier: lift is undefined")
    elif lost == 0:
        pass
    elif c_out == 0:
        report.warnings.append("no account outside the top tier converted: lift is undefined "
                               f"(conversion inside {c_in:.0%})")
    else:
        report.lift = c_in / c_out
    if report.lift is not None and report.lift < LIFT_BAR:
        report.warnings.append(f"lift is under 3x: narrow the ICP (conversion {c_in:.0%} inside vs "
                               f"{c_out:.0%} outside = {report.lift:.2f}x)")
    if report.recall is not None and report.recall < RECALL_BAR:
        report.warnings.append(f"the ICP misses most of your wins (the top tier holds "
                               f"{report.inside.won} of {won} wins = {report.recall:.0%}; aim for 60%+)")
    if won == 0:
        report.warnings.append("no won accounts: conversion is 0 everywhere")
    share = report.top_tier_share
    if share is not None and not TOP_SHARE_RANGE[0] <= share <= TOP_SHARE_RANGE[1]:
        report.notes.append(f"the top tier holds {share:.0%} of accounts; fit-scoring practice aims for "
                            f"15-35% (raise or lower tiers.high_touch to match sales capacity)")
    c_ok = report.lift is not None and report.lift >= LIFT_BAR or (c_out == 0 and bool(c_in))
    report.passed = bool(c_ok and report.recall is not None and report.recall >= RECALL_BAR)
    return report
