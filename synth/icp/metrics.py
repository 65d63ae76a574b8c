"""How well scores and tiers separate won from lost accounts: lift, ROC AUC, top-tier recall, and
bootstrap intervals for all three.

Conversion = won / (won + lost) among a group's accounts; open or missing outcomes are left out of
every rate and of the AUC. The ICP is the top tier (high_touch); lift = conversion inside / outside.
Lift is undefined (None, printed "n/a") when either side has no decided account, or when no account
outside converted; `separates` then says whether every win is inside (conversion outside 0, inside
above 0), which meets the seeds' bar of 3x whatever the ratio.

Scores are integers 0..100, so the decided accounts reduce to counts per (score, inside, won)
cell; a bootstrap resample is a multinomial draw over those cells, and 1,000 resamples of a
million accounts cost milliseconds. Seeded: the same inputs give the same interval.
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np
from pydantic import BaseModel, Field, field_serializer

from .rules import TIER_NAMES

LIFT_BAR = 3.0
RECALL_BAR = 0.6
BOOTSTRAP = 1000


class TierStat(BaseModel):
    tier: str
    accounts: int
    won: int
    lost: int
    open: int = Field(description="open or missing outcome")
    conversion: Optional[float] = Field(None, description="won / (won + lost); None when both are 0")


class Interval(BaseModel):
    """Bootstrap percentile interval (95%) over the resamples where the number is defined."""

    low: Optional[float] = None
    high: Optional[float] = None
    defined: int = Field(0, description="resamples where the number is defined")
    resamples: int = 0

    @field_serializer("low", "high", when_used="json")
    def _finite(self, x: Optional[float]) -> Optional[float | str]:
        return "inf" if x is not None and math.isinf(x) else x       # JSON has no infinity

    def text(self, fmt: str = "{:.2f}") -> str:
        if self.low is None or self.high is None:
            return "n/a"
        f = lambda x: "inf" if math.isinf(x) else fmt.format(x)  # noqa: E731
        return f"{f(self.low)}-{f(self.high)}"

    def includes(self, x: float) -> bool:
        return self.low is not None and self.high is not None and self.low <= x <= self.high


class Metrics(BaseModel):
    accounts: int = 0
    won: int = 0
    lost: int = 0
    open: int = 0
    inside: Optional[TierStat] = Field(None, description="the top tier (high_touch)")
    outside: Optional[TierStat] = None
    lift: Optional[float] = Field(None, description="conversion inside / conversion outside")
    separates: bool = Field(False, description="every decided win is inside and some are (lift unbounded)")
    auc: Optional[float] = Field(None, description="ROC AUC of score vs won(1)/lost(0)")
    recall: Optional[float] = Field(None, description="share of all wins inside the top tier")
    top_tier_share: Optional[float] = None
    tiers: list[TierStat] = Field(default_factory=list)
    lift_ci: Interval = Field(default_factory=Interval)
    auc_ci: Interval = Field(default_factory=Interval)
    recall_ci: Interval = Field(default_factory=Interval)

    def lift_text(self) -> str:
        """"3.20x", "no conversion outside (every win inside)", or "n/a" (never "n/ax")."""
        if self.lift is not None:
            return f"{self.lift:.2f}x"
        return "unbounded (no win outside the top tier)" if self.separates else "n/a"

    def meets_bar(self) -> bool:
        return self.separates or (self.lift is not None and self.lift >= LIFT_BAR)


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


def tier_stat(tier: str, mask: np.ndarray, outcome: np.ndarray) -> TierStat:
    won = int((mask & (outcome == 1)).sum())
    lost = int((mask & (outcome == 0)).sum())
    total = int(mask.sum())
    return TierStat(tier=tier, accounts=total, won=won, lost=lost, open=total - won - lost,
                    conversion=won / (won + lost) if won + lost else None)


def _cells(scores: np.ndarray, inside: np.ndarray, won: np.ndarray) -> np.ndarray:
    """Counts per cell: index = score * 4 + inside * 2 + won (scores 0..100)."""
    key = np.clip(scores.astype(np.int64), 0, 100) * 4 + inside.astype(np.int64) * 2 + won.astype(np.int64)
    return np.bincount(key, minlength=404).astype(np.float64)


def _from_cells(c: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """lift (inf when unbounded, nan when undefined), recall, auc for each row of cell counts (B, 404)."""
    c = c.reshape(len(c), 101, 2, 2)                       # score, inside, won
    wi, li = c[:, :, 1, 1].sum(1), c[:, :, 1, 0].sum(1)
    wo, lo = c[:, :, 0, 1].sum(1), c[:, :, 0, 0].sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        c_in, c_out = wi / (wi + li), wo / (wo + lo)
        lift = np.where((c_out == 0) & (c_in > 0), np.inf, c_in / c_out)
        lift = np.where(np.isfinite(c_in) & np.isfinite(c_out), lift, np.nan)
        recall = wi / (wi + wo)
        w, lost = c[:, :, :, 1].sum(2), c[:, :, :, 0].sum(2)     # per score
        below = np.cumsum(lost, axis=1) - lost
        auc = (w * (below + 0.5 * lost)).sum(1) / (w.sum(1) * lost.sum(1))
    return lift, recall, auc


def _interval(x: np.ndarray, resamples: int) -> Interval:
    v = np.sort(x[~np.isnan(x)])
    if not len(v):
        return Interval(defined=0, resamples=resamples)
    lo, hi = v[int(math.floor(0.025 * (len(v) - 1)))], v[int(math.ceil(0.975 * (len(v) - 1)))]
    return Interval(low=float(lo), high=float(hi), defined=len(v), resamples=resamples)


def measure(scores: np.ndarray, tier_codes: np.ndarray, outcome: np.ndarray, seed: int = 0,
            resamples: int = BOOTSTRAP) -> Metrics:
    """Metrics of scores/tiers against outcomes (1 won, 0 lost, <0 open or missing)."""
    inside = tier_codes == 0
    won, lost = int((outcome == 1).sum()), int((outcome == 0).sum())
    m = Metrics(accounts=len(outcome), won=won, lost=lost, open=len(outcome) - won - lost,
                inside=tier_stat("inside", inside, outcome), outside=tier_stat("outside", ~inside, outcome),
                tiers=[tier_stat(name, tier_codes == k, outcome) for k, name in enumerate(TIER_NAMES)],
                top_tier_share=float(inside.mean()) if len(outcome) else None)
    if won + lost == 0:
        return m
    decided = outcome >= 0
    m.auc = roc_auc(scores[decided], outcome[decided] == 1)
    m.recall = m.inside.won / won if won else None
    c_in, c_out = m.inside.conversion, m.outside.conversion
    if c_in is not None and c_out is not None and lost:
        if c_out > 0:
            m.lift = c_in / c_out
        else:
            m.separates = c_in > 0
    if resamples:
        cells = _cells(scores[decided], inside[decided], outcome[decided] == 1)
        rng = np.random.default_rng(seed)
        draws = rng.multinomial(won + lost, cells / cells.sum(), size=resamples).astype(np.float64)
        lift, recall, auc = _from_cells(draws)
        m.lift_ci, m.recall_ci, m.auc_ci = (_interval(lift, resamples), _interval(recall, resamples),
                                            _interval(auc, resamples))
    return m
