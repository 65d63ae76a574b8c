"""Tier cut-offs calibrated to sales capacity, not fixed at 75/50.

The high-touch cut-off is the score at which the top tier holds the share of scored accounts
closest to `tiers.target_share` (default 25%; a tie goes to the larger tier, which
holds more of the wins); the nurture cut-off
likewise for `target_share + nurture_share`. Accounts that tie at a score stay together, so the
share is as close as the scores allow, and the reason written into `icp.yaml` says what it is.
Disqualified accounts count in the shares but stay in deprioritize. With `tiers.fixed: true`
the cut-offs are the user's and are kept.
"""
from __future__ import annotations

import numpy as np

from .rules import IcpRules
from .score import score_accounts
from .table import AccountsTable


def cut_off(scores: np.ndarray, n: int, share: float, ceiling: int = 100) -> int:
    """The cut-off c <= ceiling whose share (scores >= c) / n is closest to `share`."""
    values = sorted({int(v) for v in scores if v <= ceiling}, reverse=True)
    if max(values, default=ceiling) < ceiling:
        values.insert(0, min(ceiling, values[0] + 1 if values else ceiling))     # "nobody"
    best = None
    for v in values or [ceiling]:
        s = int((scores >= v).sum()) / n if n else 0.0
        key = (round(abs(s - share), 12), -s)
        if best is None or key < best[0]:
            best = (key, v)
    return best[1]


def calibrate_tiers(rules: IcpRules, table: AccountsTable) -> IcpRules:
    """`rules` with tiers set from `table` (see the module doc)."""
    t = rules.tiers
    if t.fixed:
        reason = "cut-offs fixed by the user (fixed: true): synth keeps them"
        return rules.model_copy(update={"tiers": t.model_copy(update={"reason": reason})})
    n = table.n_rows
    if n == 0:
        reason = "no accounts to calibrate on: default cut-offs"
        return rules.model_copy(update={"tiers": t.model_copy(update={"reason": reason})})
    res = score_accounts(table, rules)
    ok = res.scores[~res.disqualified]
    hi = cut_off(ok, n, t.target_share)
    lo = cut_off(ok, n, t.target_share + t.nurture_share, ceiling=hi)
    top, mid = int((ok >= hi).sum()), int(((ok >= lo) & (ok < hi)).sum())
    band = f"score {lo}-{hi - 1}" if lo < hi else "in nurture"
    reason = (f"calibrated on {n} scored accounts: {top} ({top / n:.0%}) score >= {hi} "
              f"(target_share {t.target_share:.0%}), {mid} ({mid / n:.0%}) {band} "
              f"(nurture_share {t.nurture_share:.0%}); accounts with equal scores stay in one tier. "
              "Set fixed: true to keep your own cut-offs.")
    return rules.model_copy(update={"tiers": t.model_copy(update={"high_touch": hi, "nurture": lo,
                                                                   "reason": reason})})
