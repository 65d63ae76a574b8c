"""Deterministic, vectorized ICP scorer (the scoring semantics are in `synth.icp.rules`).

Each criterion becomes one int8 column of states over all accounts: 1 matched, 0 unmatched,
-1 unknown (no value, not a number for a numeric op, or no such column in the table), evaluated
once per distinct cell value and gathered with `lut[codes]`.

    score = round_half_up(100 * clamp(M, 0, P) / P)      (integer arithmetic, 0..100)

M = points of the matched criteria, P = positive points of ALL criteria, whatever columns the table
has: an account is never scored against a smaller maximum because its table lacks a column.
`score_max` is the score the account would get if every unknown positive criterion matched.
"""
from __future__ import annotations

from typing import Iterator, Literal, Optional

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ..vocab.accounts import norm_text
from .rules import NUMERIC_OPS, TIER_NAMES, Criterion, IcpRules
from .table import AccountsTable, Column

MATCHED, UNMATCHED, UNKNOWN = 1, 0, -1
STATE_NAMES = {1: "matched", 0: "unmatched", -1: "unknown"}
State = Literal["matched", "unmatched", "unknown"]
_TRUE = frozenset({"true", "yes", "y", "t", "1"})
_FALSE = frozenset({"false", "no", "n", "f", "0"})


def criterion_lut(c: Criterion, col: Column) -> np.ndarray:
    """int8 state per category of `col` (index 0 = missing -> unknown)."""
    k = len(col.categories)
    if c.op in NUMERIC_OPS:
        x = col.numbers()
        with np.errstate(invalid="ignore"):
            if c.op == "between":
                hit = (x >= c.value[0]) & (x <= c.value[1])
            elif c.op == "gte":
                hit = x >= c.value
            else:
                hit = x <= c.value
        return np.where(np.isnan(x), UNKNOWN, hit).astype(np.int8)
    lut = np.zeros(k, dtype=np.int8)
    if c.op == "in":
        want = {norm_text(v) for v in c.value}
        lut[:] = [t in want for t in col.normalized()]
    elif c.op == "contains_any":
        want = frozenset(norm_text(v) for v in c.value)
        lut[:] = [not want.isdisjoint(items) for items in col.items()]
    elif isinstance(c.value, bool):
        norm = col.normalized()
        lut[:] = [(t in _TRUE) if c.value else (t in _FALSE) for t in norm]
    elif isinstance(c.value, (int, float)):
        x = col.numbers()
        lut[:] = x == c.value
    else:
        want = norm_text(c.value)
        lut[:] = [t == want for t in col.normalized()]
    lut[0] = UNKNOWN
    return lut


def evaluate(table: AccountsTable, criteria: list[Criterion]) -> tuple[np.ndarray, list[str]]:
    """States, shape (len(criteria), len(table)), and warnings about columns and values."""
    states = np.full((len(criteria), table.n_rows), UNKNOWN, dtype=np.int8)
    warnings = []
    missing: dict[str, list[str]] = {}
    for j, c in enumerate(criteria):
        col = table.column(c.field)
        if col is None:
            missing.setdefault(c.field, []).append(c.id)
            continue
        lut = criterion_lut(c, col)
        states[j] = lut[col.codes]
        if c.op in NUMERIC_OPS:
            bad = np.flatnonzero(lut[1:] == UNKNOWN) + 1
            if len(bad):
                count = int(((states[j] == UNKNOWN) & (col.codes != 0)).sum())
                warnings.append(f"rule {c.id!r}: {count} accounts have a {c.field} that is not a number "
                                f"(e.g. {col.categories[bad[0]]!r}): unknown")
    for f, ids in missing.items():
        warnings.append(f"the accounts table has no {f!r} column: {', '.join(ids)} "
                        "unknown for every account (no points; score_max shows what they could add)")
    return states, warnings


class RuleSummary(BaseModel):
    id: str
    kind: Literal["criterion", "disqualifier"]
    attribute: str
    field: str
    label: str
    points: int
    applies: bool
    matched: int
    unmatched: int
    unknown: int


class Contribution(BaseModel):
    id: str
    kind: Literal["criterion", "disqualifier"]
    attribute: str
    field: str
    label: str
    state: State
    points: int = Field(description="points awarded (0 unless matched)")
    rule_points: int
    value: Optional[str] = Field(None, description="the account's cell for this field")
    evidence: str = ""


class AccountScore(BaseModel):
    row: int
    company: str
    record_id: Optional[str] = None
    score: int
    score_max: int
    tier: str
    disqualified_by: list[str] = Field(default_factory=list)
    positive_signals: list[str] = Field(default_factory=list)
    negative_signals: list[str] = Field(default_factory=list)
    unknowns: list[str] = Field(default_factory=list)
    contributions: list[Contribution] = Field(default_factory=list)


class ScoreResult(BaseModel):
    """Scores for every account, column-oriented (numpy); `account(i)` explains one row."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    rules: IcpRules
    table: AccountsTable
    companies: np.ndarray
    scores: np.ndarray = Field(description="int16, 0..100")
    score_max: np.ndarray
    tier_codes: np.ndarray = Field(description="int8: 0 high_touch, 1 nurture, 2 deprioritize")
    disqualified: np.ndarray
    states: np.ndarray = Field(description="int8 (n_criteria, n_accounts)")
    dq_states: np.ndarray = Field(description="int8 (n_disqualifiers, n_accounts)")
    max_points: int
    summary: list[RuleSummary]
    tier_counts: dict[str, int]
    warnings: list[str] = Field(default_factory=list)

    def __len__(self) -> int:
        return len(self.scores)

    def tiers(self) -> np.ndarray:
        return np.array(TIER_NAMES, dtype=object)[self.tier_codes]

    def signals(self, states: np.ndarray) -> tuple[list[str], list[str], list[str], list[str]]:
        """positive, negative, unknown fields, disqualifier ids for one column of states
        (criteria then disqualifiers). Strongest first; ties keep the rules-file order."""
        crit, dq = self.rules.criteria, self.rules.disqualifiers
        c_st, d_st = states[:len(crit)], states[len(crit):]
        pos = sorted((-c.points, j) for j, c in enumerate(crit) if c_st[j] == MATCHED and c.points > 0)
        neg = sorted((c.points, j) for j, c in enumerate(crit) if c_st[j] == MATCHED and c.points < 0)
        dq_ids = [d.id for j, d in enumerate(dq) if d_st[j] == MATCHED]
        positive = [f"{crit[j].describe()} (+{crit[j].points})" for _, j in pos]
        negative = [f"disqualified: {d.describe()}" for j, d in enumerate(dq) if d_st[j] == MATCHED]
        negative += [f"{crit[j].describe()} ({crit[j].points})" for _, j in neg]
        unknown = list(dict.fromkeys(r.field for r, s in zip([*crit, *dq], states) if s == UNKNOWN))
        return positive, negative, unknown, dq_ids

    def account(self, i: int) -> AccountScore:
        crit, dq = self.rules.criteria, self.rules.disqualifiers
        col_states = np.concatenate([self.states[:, i], self.dq_states[:, i]])
        positive, negative, unknown, dq_ids = self.signals(col_states)
        contributions = []
        for kind, rules, sts in (("criterion", crit, self.states[:, i]),
                                 ("disqualifier", dq, self.dq_states[:, i])):
            for c, s in zip(rules, sts):
                col = self.table.column(c.field)
                val = col.categories[col.codes[i]] if col is not None and col.codes[i] else None
                contributions.append(Contribution(
                    id=c.id, kind=kind, attribute=c.attribute, field=c.field, label=c.describe(),
                    state=STATE_NAMES[int(s)], rule_points=c.points, value=val, evidence=c.evidence,
                    points=c.points if (kind == "criterion" and s == MATCHED) else 0))
        rid = self.table.column("record_id")
        return AccountScore(
            row=i, company=str(self.companies[i]), score=int(self.scores[i]),
            record_id=rid.categories[rid.codes[i]] or None if rid is not None else None,
            score_max=int(self.score_max[i]), tier=TIER_NAMES[int(self.tier_codes[i])],
            disqualified_by=dq_ids, positive_signals=positive, negative_signals=negative,
            unknowns=unknown, contributions=contributions)

    def accounts(self) -> Iterator[AccountScore]:
        for i in range(len(self)):
            yield self.account(i)


def _scale(m: np.ndarray, p: int) -> np.ndarray:
    if p <= 0:
        return np.zeros(len(m), dtype=np.int16)
    m = np.clip(m, 0, p)
    return ((200 * m + p) // (2 * p)).astype(np.int16)     # round half up, exact


def _summary(kind: str, rules: list[Criterion], states: np.ndarray,
             table: AccountsTable) -> list[RuleSummary]:
    out = []
    for c, st in zip(rules, states):
        counts = np.bincount((st + 1).astype(np.intp), minlength=3)   # -1..1 -> 0..2
        out.append(RuleSummary(id=c.id, kind=kind, attribute=c.attribute, field=c.field,
                               label=c.describe(), points=c.points, applies=table.has(c.field),
                               matched=int(counts[2]), unmatched=int(counts[1]), unknown=int(counts[0])))
    return out


def score_accounts(table: AccountsTable, rules: IcpRules) -> ScoreResult:
    """Score every account of `table` with `rules`: 0-100, tier, and per-rule states."""
    states, warnings = evaluate(table, rules.criteria)
    dq_states, dq_warn = evaluate(table, rules.disqualifiers)
    n = table.n_rows
    matched = np.zeros(n, dtype=np.int64)
    potential = np.zeros(n, dtype=np.int64)
    p = rules.max_points
    for c, st in zip(rules.criteria, states):
        if c.points == 0:
            continue
        matched += np.where(st == MATCHED, c.points, 0)
        if c.points > 0:
            potential += np.where(st == UNKNOWN, c.points, 0)
    if rules.criteria and p == 0:
        warnings.append("no criterion has positive points: every score is 0")
    scores = _scale(matched, p)
    score_max = _scale(matched + potential, p)
    disq = (dq_states == MATCHED).any(axis=0) if len(rules.disqualifiers) else np.zeros(n, dtype=bool)
    cap = rules.disqualifier_cap
    scores = np.where(disq, np.minimum(scores, cap), scores).astype(np.int16)
    score_max = np.where(disq, np.minimum(score_max, cap), score_max).astype(np.int16)
    t = rules.tiers
    tier_codes = np.where(scores >= t.high_touch, 0, np.where(scores >= t.nurture, 1, 2)).astype(np.int8)
    tier_codes[disq] = 2
    summary = _summary("criterion", rules.criteria, states, table) + \
        _summary("disqualifier", rules.disqualifiers, dq_states, table)
    counts = np.bincount(tier_codes, minlength=3)
    return ScoreResult(
        rules=rules, table=table, companies=table.companies(), scores=scores, score_max=score_max,
        tier_codes=tier_codes, disqualified=disq, states=states, dq_states=dq_states, max_points=p,
        summary=summary, tier_counts={name: int(k) for name, k in zip(TIER_NAMES, counts)},
        warnings=[*table.warnings, *warnings, *dq_warn])


__all__ = ["AccountScore", "Contribution", "RuleSummary", "ScoreResult", "State", "score_accounts",
           "evaluate", "criterion_lut", "MATCHED", "UNMATCHED", "UNKNOWN", "STATE_NAMES"]
