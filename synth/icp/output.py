"""CRM-ready output of a `ScoreResult`: CSV (one row per account) and JSON.

Accounts that share the same per-rule states share their signal texts, so the texts are built once
per distinct pattern (a handful, even for a million accounts) and the rows are streamed out.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .rules import TIER_NAMES

if TYPE_CHECKING:
    from .score import ScoreResult

CSV_COLUMNS = ["company", "score", "tier", "score_max", "disqualified", "positive_signals",
               "negative_signals", "unknowns"]


def _patterns(result: "ScoreResult") -> tuple[np.ndarray, np.ndarray]:
    """(pattern id per account, one representative state column per pattern)."""
    st = np.concatenate([result.states, result.dq_states]).astype(np.int64) + 2   # 0..3
    n_rules, n = st.shape
    if n_rules == 0:
        return np.zeros(n, dtype=np.int64), np.zeros((1, 0), dtype=np.int8)
    if n_rules <= 31:
        key = np.zeros(n, dtype=np.int64)
        for row in st:
            key = key * 4 + row
        uniq, inv = np.unique(key, return_inverse=True)
        cols = np.empty((len(uniq), n_rules), dtype=np.int8)
        rest = uniq.copy()
        for j in range(n_rules - 1, -1, -1):
            cols[:, j] = rest % 4
            rest //= 4
        return inv.ravel(), cols - 2
    uniq, inv = np.unique(st.T, axis=0, return_inverse=True)
    return inv.ravel(), (uniq - 2).astype(np.int8)


def _pattern_texts(result: "ScoreResult", top: int | None) -> tuple[np.ndarray, list[tuple]]:
    inv, cols = _patterns(result)
    texts = []
    for col in cols:
        pos, neg, unk, dq = result.signals(col)
        if top is not None:
            pos, neg = pos[:top], neg[:top]
        texts.append((pos, neg, unk, dq, col))
    return inv, texts


def _record_ids(result: "ScoreResult") -> np.ndarray | None:
    col = result.table.column("record_id")
    return None if col is None else col.values()


def write_scores_csv(result: "ScoreResult", path: str | Path, top: int = 3) -> Path:
    """One row per account: [record_id,] company, score, tier, score_max, disqualified, top `top`
    positive and negative signals and the fields left unknown ('; '-joined)."""
    inv, texts = _pattern_texts(result, top)
    cols = [np.array([x for x in column], dtype=object)[inv] for column in zip(*[
        ("yes" if d else "no", "; ".join(p), "; ".join(n), "; ".join(u)) for p, n, u, d, _ in texts])] \
        if texts else [[]] * 4
    ids = _record_ids(result)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow((["record_id"] if ids is not None else []) + CSV_COLUMNS)
        tiers = np.array(TIER_NAMES, dtype=object)[result.tier_codes]
        body = [result.companies, result.scores.tolist(), tiers, result.score_max.tolist(), *cols]
        if ids is not None:
            body.insert(0, ["" if v is None else v for v in ids])
        w.writerows(zip(*body))
    return p


def write_scores_json(result: "ScoreResult", path: str | Path, top: int | None = None,
                      contributions: bool = True) -> Path:
    """`{"rules_version", "max_points", "tier_counts", "rules": [per-rule counts], "warnings",
    "accounts": [...]}`; each account has its signals and, with `contributions`, the state and
    points of every rule (`{rule_id: {"state", "points"}}`)."""
    inv, texts = _pattern_texts(result, top)
    rules = [*result.rules.criteria, *result.rules.disqualifiers]
    n_crit = len(result.rules.criteria)
    from .score import STATE_NAMES
    parts = []
    for pos, neg, unk, dq, col in texts:
        body: dict[str, Any] = {"disqualified_by": dq, "positive_signals": pos,
                                "negative_signals": neg, "unknowns": unk}
        if contributions:
            body["contributions"] = {
                r.id: {"state": STATE_NAMES[int(s)],
                       "points": r.points if (j < n_crit and s == 1) else 0}
                for j, (r, s) in enumerate(zip(rules, col))}
        parts.append(json.dumps(body, ensure_ascii=False)[1:-1])
    ids = _record_ids(result)
    head = {"rules_version": result.rules.version, "max_points": result.max_points,
            "tier_counts": result.tier_counts, "rules": [s.model_dump() for s in result.summary],
            "warnings": result.warnings}
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("w", encoding="utf-8") as f:
        f.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "accounts": [\n')
        scores, smax, tiers = result.scores.tolist(), result.score_max.tolist(), result.tier_codes.tolist()
        pats = inv.tolist()
        for i in range(len(scores)):
            lead = {"company": str(result.companies[i])}
            if ids is not None:
                lead["record_id"] = ids[i]
            lead.update(score=scores[i], tier=TIER_NAMES[tiers[i]], score_max=smax[i])
            sep = ",\n" if i < len(scores) - 1 else "\n"
            f.write("  " + json.dumps(lead, ensure_ascii=False)[:-1] + ", " + parts[pats[i]] + "}" + sep)
        f.write(" ]\n}\n")
    return p
