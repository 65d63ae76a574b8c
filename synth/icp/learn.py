"""Points learned from outcomes: how much each criterion says about winning, as integer points.

Each criterion is a binary feature per account (matched = 1; unmatched or unknown = 0, as the
scorer counts it). Over the won and lost accounts, an L2-regularised logistic regression
(scikit-learn, C = 1, intercept) learns one weight per criterion; the penalty shrinks weights
that rest on few accounts, and fitting all criteria together stops two criteria that describe
the same accounts from counting twice. Points are the weights rescaled so that the positive
criteria's points sum to exactly 100 (largest remainder); a negative criterion (one the profile
found over-represented in losses) gets its negative weight on the same scale. A positive
criterion whose weight comes out <= 0 gets 0 points: once the others are counted, it says nothing
about winning. Disqualifiers are hard caps and are not learned.

With fewer than MIN_OUTCOMES won + lost accounts, or only one of the two, there is nothing to
learn from: every positive criterion gets an equal share of 100 (negative ones the same share,
negated), and the rules' notes say so. Everything is deterministic (lbfgs, fixed order).
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from sklearn.linear_model import LogisticRegression

from .rules import Criterion, IcpRules, RuleFit
from .score import MATCHED, evaluate
from .table import AccountsTable

MIN_OUTCOMES = 10
C = 1.0


def integer_shares(raw: np.ndarray, total: int = 100) -> np.ndarray:
    """Non-negative `raw` -> integers summing to `total` (largest remainder; ties: first first)."""
    if raw.sum() <= 0:
        return np.zeros(len(raw), dtype=np.int64)
    x = raw / raw.sum() * total
    base = np.floor(x).astype(np.int64)
    order = sorted(range(len(x)), key=lambda j: (-(x[j] - base[j]), j))
    for j in order[:total - int(base.sum())]:
        base[j] += 1
    return base


def _half_away(x: float) -> int:
    return int(np.sign(x) * np.floor(abs(x) + 0.5))


def _fit_weights(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    model = LogisticRegression(C=C, max_iter=2000)
    model.fit(X, y)
    return model.coef_[0]


def learn_points(rules: IcpRules, table: Optional[AccountsTable],
                 interviews: Optional[np.ndarray] = None, min_outcomes: int = MIN_OUTCOMES) -> IcpRules:
    """`rules` with points learned from `table`'s outcomes (see the module doc); no table: equal
    points. A criterion's side is the sign of its current points (0 counts as positive).
    `interviews`: per row, the file of the account's interview or None (names the interviews
    behind each rule)."""
    crit = rules.criteria
    if not crit:
        return rules.model_copy(update={"notes": [*rules.notes, "no criteria: nothing to learn"]})
    n_rows = table.n_rows if table is not None else 0
    X = (evaluate(table, crit)[0] == MATCHED) if table is not None else np.zeros((len(crit), 0), bool)
    y = table.outcomes() if table is not None else np.zeros(0, dtype=np.int8)
    won_m, lost_m = y == 1, y == 0
    won_total, lost_total = int(won_m.sum()), int(lost_m.sum())
    positive = np.array([c.points >= 0 for c in crit])
    decided = won_m | lost_m
    n_dec = won_total + lost_total
    notes = list(rules.notes)
    weights = np.zeros(len(crit))
    method = "logistic"
    if table is None:
        method = "equal"
        notes.append("no accounts table given: every criterion gets an equal share")
    elif n_dec < min_outcomes or not won_total or not lost_total:
        method = "equal"
        notes.append(f"{won_total} won and {lost_total} lost accounts: too few outcomes to learn points "
                     f"(needs {min_outcomes} or more, with both): every criterion gets an equal share")
    else:
        weights = _fit_weights(X[:, decided].T.astype(np.float64), won_m[decided].astype(np.int64))
        if not (weights[positive] > 0).any():
            method = "equal"
            notes.append("no criterion predicts a win once the others are counted: equal points")
        else:
            notes.append(f"points learned from {won_total} won and {lost_total} lost accounts by "
                         f"L2-regularised logistic regression (C={C:g}) over the criteria as matched "
                         "or not; positive points sum to 100")
    n_pos = int(positive.sum())
    if method == "equal":
        raw = np.where(positive, 100.0 / max(n_pos, 1), -100.0 / max(n_pos, 1))
    else:
        scale = 100.0 / weights[positive & (weights > 0)].sum()
        raw = np.where(positive, np.maximum(weights, 0), np.minimum(weights, 0)) * scale
    points = np.zeros(len(crit), dtype=np.int64)
    points[positive] = integer_shares(raw[positive]) if n_pos else []
    for j in np.flatnonzero(~positive):
        points[j] = max(-100, _half_away(raw[j]))
    files = interviews if interviews is not None else np.full(n_rows, None, dtype=object)
    out: list[Criterion] = []
    for j, c in enumerate(crit):
        hit_files = sorted({str(f) for f in files[X[j]] if f})
        fit = RuleFit(method=method, won=int((X[j] & won_m).sum()), lost=int((X[j] & lost_m).sum()),
                      won_total=won_total, lost_total=lost_total, weight=round(float(weights[j]), 4),
                      raw_points=round(float(raw[j]), 2), interviews=hit_files)
        out.append(c.model_copy(update={"points": int(points[j]), "fit": fit}))
    return rules.model_copy(update={"criteria": out, "notes": notes})
