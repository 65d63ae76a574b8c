"""The arithmetic of a hypothesis: Wilson interval, Fisher's exact test, and the verdict sentence.

Interview studies are small (10-20 interviews, 5 won and 5 lost is typical), so the interval is
Wilson's (honest at small n and at 0 or n) and the won-vs-lost test is Fisher's exact, not a
chi-square whose approximation fails below five expected counts.
"""
from __future__ import annotations

import math
from typing import Optional

from .model import HypothesisResult, InterviewStance, OutcomeSplit

Z95 = 1.959963984540054
MIN_INTERVIEWS = 5       # fewer: "too few interviews to tell"
MIN_PER_OUTCOME = 3      # fewer won or lost interviews: the split is not tested
ALPHA = 0.05


def wilson(k: int, n: int, z: float = Z95) -> tuple[Optional[float], Optional[float]]:
    if n <= 0:
        return None, None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def outcome_split(rows: list[InterviewStance]) -> OutcomeSplit:
    s = OutcomeSplit()
    for r in rows:
        o = r.outcome or "open"
        setattr(s, f"{o}_total", getattr(s, f"{o}_total") + 1)
        if r.stance == "supports":
            setattr(s, o, getattr(s, o) + 1)
    if s.won_total and s.lost_total:
        from scipy.stats import fisher_exact

        table = [[s.won, s.won_total - s.won], [s.lost, s.lost_total - s.lost]]
        res = fisher_exact(table, alternative="two-sided")
        s.p_value = float(res.pvalue)
        s.odds_ratio = float(res.statistic) if math.isfinite(res.statistic) else None
    return s


def _pct(x: Optional[float]) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


def verdict(r: HypothesisResult) -> str:
    """One line a person can defend on a slide: how common, whether it separates won from lost, and
    when the numbers cannot tell."""
    n = len(r.interviews)
    if n == 0:
        return "No interviews to test it against."
    heard = f"supported in {r.supports} of {n} interviews"
    if r.contradicts:
        heard += f", contradicted in {r.contradicts}"
    if n < MIN_INTERVIEWS:
        return f"Too few interviews to tell ({heard}; at least {MIN_INTERVIEWS} are needed)."
    band = f"{_pct(r.share)}, 95% CI {_pct(r.ci_low)}–{_pct(r.ci_high)}"
    if r.ci_low is not None and r.ci_low > 0.5:
        lead = "Heard in most interviews"
    elif r.ci_high is not None and r.ci_high < 0.5:
        lead = "Heard in a minority of interviews"
    else:
        lead = "Heard in some interviews, too few to tell whether in most"
    if r.contradicts > r.supports:
        lead = "Contradicted more often than supported"
    s = r.split
    if s.won_total < MIN_PER_OUTCOME or s.lost_total < MIN_PER_OUTCOME:
        split = (f"too few won ({s.won_total}) or lost ({s.lost_total}) interviews to test whether it "
                 f"separates them")
    else:
        counts = f"{s.won} of {s.won_total} won vs {s.lost} of {s.lost_total} lost, Fisher p = {s.p_value:.2g}"
        if s.p_value is not None and s.p_value < ALPHA:
            side = "won" if s.won / s.won_total > s.lost / s.lost_total else "lost"
            split = f"more common in {side} accounts ({counts})"
        else:
            split = f"no won/lost difference this sample can show ({counts})"
    return f"{lead} ({heard}; {band}); {split}."


def summarize(r: HypothesisResult) -> HypothesisResult:
    """Fill the counts, share, interval, split and verdict from `r.interviews`."""
    r.supports = sum(x.stance == "supports" for x in r.interviews)
    r.contradicts = sum(x.stance == "contradicts" for x in r.interviews)
    r.silent = len(r.interviews) - r.supports - r.contradicts
    n = len(r.interviews)
    r.share = r.supports / n if n else None
    r.ci_low, r.ci_high = wilson(r.supports, n)
    r.split = outcome_split(r.interviews)
    r.verdict = verdict(r)
    return r
