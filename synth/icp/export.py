"""CRM-ready output of a `ScoreResult`: a CSV that imports back into the CRM, and JSON.

The CSV (`write_scores_csv`) is what HubSpot's and Salesforce's importers take without renaming: the
record id under the header the export used ("Record ID" from HubSpot, "Id" or "Account ID" from
Salesforce), the company name likewise, then "ICP score", "ICP tier", "ICP score max" and "ICP reason
1..3" (the three strongest signals, disqualifiers first, each with its points). Without a record id
column the file says so: the CRM can only match it by name or domain.

Accounts that share the same per-rule states share their signal texts, so the texts are built once
per distinct pattern (a handful, even for a million accounts) and the rows are streamed out.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from synth.csvcell import csv_cell

from .rules import TIER_NAMES
from .score import MATCHED, STATE_NAMES, ScoreResult

SCORE_COLUMNS = ["ICP score", "ICP tier", "ICP score max", "ICP reason 1", "ICP reason 2", "ICP reason 3"]


def _patterns(result: ScoreResult) -> tuple[np.ndarray, np.ndarray]:
    """(pattern id per account, one representative state column per pattern)."""
    st = np.concatenate([result.states, result.dq_states]).astype(np.int64) + 1   # 0..2
    n_rules, n = st.shape
    if n_rules == 0:
        return np.zeros(n, dtype=np.int64), np.zeros((1, 0), dtype=np.int8)
    if n_rules <= 39:                                  # 3**39 < 2**63
        key = np.zeros(n, dtype=np.int64)
        for row in st:
            key = key * 3 + row
        uniq, inv = np.unique(key, return_inverse=True)
        cols = np.empty((len(uniq), n_rules), dtype=np.int8)
        rest = uniq.copy()
        for j in range(n_rules - 1, -1, -1):
            cols[:, j] = rest % 3
            rest //= 3
        return inv.ravel(), cols - 1
    uniq, inv = np.unique(st.T, axis=0, return_inverse=True)
    return inv.ravel(), (uniq - 1).astype(np.int8)


def _pattern_texts(result: ScoreResult, top: int | None) -> tuple[np.ndarray, list[tuple]]:
    inv, cols = _patterns(result)
    texts = []
    for col in cols:
        pos, neg, unk, dq = result.signals(col)
        if top is not None:
            pos, neg = pos[:top], neg[:top]
        texts.append((pos, neg, unk, dq, col))
    return inv, texts


def reasons(result: ScoreResult, states: np.ndarray, top: int = 3) -> list[str]:
    """The `top` strongest signals of one column of states: disqualifiers, then matched criteria by
    the size of their points ("+30 employees 100-500", "-10 industry: agency")."""
    crit, dq = result.rules.criteria, result.rules.disqualifiers
    out = [f"disqualified: {d.describe()}" for d, s in zip(dq, states[len(crit):]) if s == MATCHED]
    hits = sorted((-abs(c.points), j) for j, (c, s) in enumerate(zip(crit, states))
                  if s == MATCHED and c.points)
    out += [f"{crit[j].points:+d} {crit[j].describe()}" for _, j in hits]
    return out[:top]


def write_scores_csv(result: ScoreResult, path: str | Path) -> Path:
    """One row per account, for a CRM import (see the module doc)."""
    inv, cols = _patterns(result)
    # every text cell through the formula guard; the reasons once per pattern ("+40 employees ..." is text)
    texts = [[csv_cell(r) for r in reasons(result, col)] for col in cols]
    reason_cols = [np.array([(t + ["", "", ""])[k] for t in texts], dtype=object)[inv] for k in range(3)]
    t = result.table
    id_field = "record_id" if t.has("record_id") else "domain" if t.has("domain") else None
    lead_headers, lead_cols = [], []
    if id_field:
        lead_headers.append(t.headers.get(id_field, "Record ID"))
        lead_cols.append([csv_cell(v) for v in t.column(id_field).values()])
    lead_headers.append(t.headers.get("company", "Company name"))
    lead_cols.append([csv_cell(v) for v in result.companies])
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([csv_cell(h) for h in lead_headers] + SCORE_COLUMNS)
        tiers = np.array(TIER_NAMES, dtype=object)[result.tier_codes]
        w.writerows(zip(*lead_cols, result.scores.tolist(), tiers, result.score_max.tolist(), *reason_cols))
    return p


def write_scores_json(result: ScoreResult, path: str | Path, top: int | None = None,
                      contributions: bool = True) -> Path:
    """The scores as JSON in a file (`dump_scores_json`'s layout)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("w", encoding="utf-8") as f:
        dump_scores_json(result, f, top, contributions)
    return p


def dump_scores_json(result: ScoreResult, f: TextIO, top: int | None = None, contributions: bool = True) -> None:
    """`{"rules_version", "max_points", "tier_counts", "rules": [per-rule counts], "warnings",
    "accounts": [...]}`; each account has its signals and, with `contributions`, the state and
    points of every rule (`{rule_id: {"state", "points"}}`)."""
    inv, texts = _pattern_texts(result, top)
    rules = [*result.rules.criteria, *result.rules.disqualifiers]
    n_crit = len(result.rules.criteria)
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
    rid = result.table.column("record_id")
    ids = None if rid is None else rid.values()
    head = {"rules_version": result.rules.version, "max_points": result.max_points,
            "tier_counts": result.tier_counts, "rules": [s.model_dump() for s in result.summary],
            "warnings": result.warnings}
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
