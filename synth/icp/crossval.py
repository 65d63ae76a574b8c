"""Out-of-sample validation: every decided account is scored by rules learned without it.

Leave-one-account-out below KFOLD_FROM won + lost accounts, stratified k-fold (k = 5, seeded) from
there. For each fold a `Learner` gets the row indices it may learn from (every row but the held-out
ones; open accounts are never held out, they have no outcome to check) and returns rules; the
held-out rows are scored with them, tiers included (cut-offs calibrated on the training rows). The
pooled held-out scores and tiers are then measured like in-sample ones (`synth.icp.metrics`).
"""
from __future__ import annotations

from typing import Callable, Literal

import numpy as np
from pydantic import BaseModel, Field

from .metrics import Metrics, measure
from .rules import IcpRules
from .score import score_accounts
from .table import AccountsTable

KFOLD_FROM = 40
K = 5
Learner = Callable[[np.ndarray], IcpRules]      # training row indices -> rules learned from them only


class OutOfSample(BaseModel):
    method: Literal["leave-one-out", "k-fold"]
    folds: int
    metrics: Metrics
    held_out: list[list[int]] = Field(default_factory=list, description="row indices per fold")
    scores: list[int] = Field(default_factory=list, description="held-out score per row (-1: not held out)")

    def describe(self) -> str:
        return ("leave-one-account-out" if self.method == "leave-one-out"
                else f"{self.folds}-fold (stratified, seeded)") + \
            f" over {self.metrics.won + self.metrics.lost} won/lost accounts"


def make_folds(outcome: np.ndarray, seed: int = 0, k: int = K, kfold_from: int = KFOLD_FROM
               ) -> tuple[str, list[np.ndarray]]:
    decided = np.flatnonzero(outcome >= 0)
    if len(decided) < kfold_from:
        return "leave-one-out", [np.array([i]) for i in decided]
    rng = np.random.default_rng(seed)
    parts: list[list[int]] = [[] for _ in range(k)]
    offset = 0
    for cls in (1, 0):
        idx = rng.permutation(np.flatnonzero(outcome == cls))
        for j, i in enumerate(idx):
            parts[(j + offset) % k].append(int(i))
        offset += len(idx)
    return "k-fold", [np.sort(np.array(p, dtype=np.int64)) for p in parts if p]


def cross_validate(table: AccountsTable, learner: Learner, seed: int = 0, k: int = K,
                   kfold_from: int = KFOLD_FROM) -> OutOfSample:
    outcome = table.outcomes()
    method, folds = make_folds(outcome, seed, k, kfold_from)
    n = table.n_rows
    scores = np.full(n, -1, dtype=np.int64)
    tiers = np.full(n, 2, dtype=np.int8)
    for fold in folds:
        keep = np.ones(n, dtype=bool)
        keep[fold] = False
        rules = learner(np.flatnonzero(keep))
        res = score_accounts(table.take(fold), rules)
        scores[fold] = res.scores
        tiers[fold] = res.tier_codes
    held = np.zeros(n, dtype=bool)
    for fold in folds:
        held[fold] = True
    m = measure(scores[held], tiers[held], outcome[held], seed=seed)
    return OutOfSample(method=method, folds=len(folds), metrics=m,
                       held_out=[f.tolist() for f in folds], scores=scores.tolist())
