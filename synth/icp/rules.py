"""ICP rules: the model behind the editable `icp.yaml` (read and written by `synth.icp.rulesfile`).

Scoring (`synth.icp.score`), one semantics for `synth icp`, `synth score`, `synth run` and the
report: each criterion is, per account, matched, unmatched or unknown. Unknown means the account
has no value for the criterion's field, whether the cell is empty or the table has no such column
at all (a CRM export without interview columns: every interview criterion is unknown for every
account). Unknown gives no points. The score is

    score = round_half_up(100 * clamp(M, 0, P) / P)

M = points of the matched criteria (negative points subtract), P = positive points of all criteria
(100 for learned rules). `score_max` is the score the account would reach if every unknown
positive criterion matched: it says how much of the score the data could not decide. A matched
disqualifier caps the score at `disqualifier_cap` (default 49) and the tier at "deprioritize".
"""
from __future__ import annotations

import math
from typing import Any, Literal, Optional, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..vocab.accounts import column_map_for, normalize_name

Attribute = Literal["firmographic", "technographic", "behavioral", "trigger", "dmu"]
Op = Literal["between", "in", "contains_any", "equals", "gte", "lte"]
TierName = Literal["high_touch", "nurture", "deprioritize"]
TIER_NAMES: tuple[str, str, str] = get_args(TierName)
NUMERIC_OPS = frozenset({"between", "gte", "lte"})
LIST_OPS = frozenset({"in", "contains_any"})
ALT_KINDS_GROUPED = ("manual", "spreadsheet", "homegrown", "nothing")   # kinds without a product name


def _num(v: Any, what: str) -> int | float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError(f"{what} must be a number, got {v!r}")
    if isinstance(v, float) and not math.isfinite(v):
        raise ValueError(f"{what} must be finite, got {v!r}")
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _text(v: Any) -> str:
    if isinstance(v, bool) or v is None or isinstance(v, (list, dict)):
        raise ValueError(f"values must be text or numbers, got {v!r}")
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    if not s:
        raise ValueError("values must not be empty")
    return s


class RuleFit(BaseModel):
    """How a criterion's points were learned. Written as the comment above the rule (not read back:
    a hand edit makes it stale)."""

    method: Literal["logistic", "equal"]
    won: int = Field(description="won accounts the criterion matches")
    lost: int
    won_total: int
    lost_total: int
    weight: float = Field(0.0, description="logistic coefficient (log-odds), 0 with equal points")
    raw_points: float = Field(description="points before rounding")
    interviews: list[str] = Field(default_factory=list, description="interviewed accounts' files it matches")

    def text(self) -> str:
        how = (f"weight {self.weight:+.2f} log-odds -> {self.raw_points:.1f} points before rounding"
               if self.method == "logistic" else f"equal points ({self.raw_points:.1f} before rounding)")
        who = ", ".join(self.interviews[:8]) + (f" +{len(self.interviews) - 8} more"
                                                  if len(self.interviews) > 8 else "")
        return (f"won {self.won} of {self.won_total}, lost {self.lost} of {self.lost_total}; {how}; "
                f"interviews: {who or 'none'}")


class Criterion(BaseModel):
    """One rule. `op` decides the shape of `value`:
    between [lo, hi] (inclusive, numbers) | gte n | lte n | equals x |
    in [values] (the whole cell is one of them, case-insensitive) |
    contains_any [values] (the cell is a list split on ';', '|' or ','; any item is one of them)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.:-]+$")
    attribute: Attribute
    field: str = Field(min_length=1, description="accounts-table column, after the column map")
    op: Op
    value: Any
    points: int = Field(0, ge=-1000, le=1000)
    label: Optional[str] = Field(None, description="short text shown as the signal; derived if empty")
    evidence: str = Field("", description="what produced this rule")
    fit: Optional[RuleFit] = Field(None, exclude=True, description="learning record (comment only)")

    @field_validator("value")
    @classmethod
    def _check_value(cls, v: Any, info) -> Any:
        op = info.data.get("op")
        if op is None:
            return v
        if op == "between":
            if not isinstance(v, (list, tuple)) or len(v) != 2:
                raise ValueError(f"op 'between' needs [lo, hi], got {v!r}")
            lo, hi = _num(v[0], "lo"), _num(v[1], "hi")
            if lo > hi:
                raise ValueError(f"between: lo {lo} is greater than hi {hi}")
            return [lo, hi]
        if op in ("gte", "lte"):
            return _num(v, f"op '{op}' value")
        if op in LIST_OPS:
            vals = list(v) if isinstance(v, (list, tuple)) else [v]
            if not vals:
                raise ValueError(f"op '{op}' needs at least one value")
            return [_text(x) for x in vals]
        if isinstance(v, bool):          # equals
            return v
        if isinstance(v, (int, float)):
            return _num(v, "equals value")
        return _text(v)

    def describe(self) -> str:
        """The label, or a short text derived from field, op and value."""
        if self.label:
            return self.label
        f, v = self.field, self.value
        if self.op == "between":
            return f"{f} {v[0]:g}-{v[1]:g}"
        if self.op in ("gte", "lte"):
            return f"{f} {'>=' if self.op == 'gte' else '<='} {v:g}"
        if self.op == "equals":
            return f"{f} = {v}"
        shown = ", ".join(v[:4]) + (f" (+{len(v) - 4} more)" if len(v) > 4 else "")
        return f"{f} {'in' if self.op == 'in' else 'has'} {shown}"


class Tiers(BaseModel):
    """Score cut-offs: >= high_touch -> high_touch; >= nurture -> nurture; else deprioritize.

    Unless `fixed`, synth sets both from the accounts it learned from, so that the top tier holds
    `target_share` of them and nurture the next `nurture_share` (sales capacity, not a fixed 75/50)."""

    model_config = ConfigDict(extra="forbid")
    high_touch: int = Field(75, ge=0, le=100)
    nurture: int = Field(50, ge=0, le=100)
    target_share: float = Field(0.25, gt=0, lt=1, description="share of scored accounts in the top tier")
    nurture_share: float = Field(0.35, ge=0, lt=1, description="share in nurture")
    fixed: bool = Field(False, description="true: keep the cut-offs as written")
    reason: str = Field("", exclude=True, description="how the cut-offs were set (comment only)")

    @model_validator(mode="after")
    def _ordered(self) -> "Tiers":
        if self.nurture > self.high_touch:
            raise ValueError(f"nurture ({self.nurture}) must not be above high_touch ({self.high_touch})")
        if self.target_share + self.nurture_share > 1:
            raise ValueError(f"target_share + nurture_share must not exceed 1 "
                             f"({self.target_share} + {self.nurture_share})")
        return self

    def name(self, score: float) -> str:
        return TIER_NAMES[0] if score >= self.high_touch else TIER_NAMES[1] if score >= self.nurture \
            else TIER_NAMES[2]


class IcpRules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = 1
    tiers: Tiers = Field(default_factory=Tiers)
    disqualifier_cap: int = Field(49, ge=0, le=100)
    column_preset: Literal["auto", "synth", "hubspot", "salesforce"] = "auto"
    column_map: dict[str, str] = Field(
        default_factory=dict, description="export header -> field; on top of column_preset")
    criteria: list[Criterion] = Field(default_factory=list)
    disqualifiers: list[Criterion] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, exclude=True,
                             description="how the rules were learned (comments at the top of the file)")

    @model_validator(mode="after")
    def _unique_ids(self) -> "IcpRules":
        seen: set[str] = set()
        for c in [*self.criteria, *self.disqualifiers]:
            if c.id in seen:
                raise ValueError(f"duplicate rule id {c.id!r}")
            seen.add(c.id)
        return self

    def effective_column_map(self, header=None) -> dict[str, str] | str:
        """What `read_accounts_csv` gets: the preset name, or the preset with `column_map` on top."""
        if not self.column_map:
            return self.column_preset
        base = column_map_for(self.column_preset, header)
        base.update({normalize_name(k): normalize_name(v) for k, v in self.column_map.items()})
        return base

    @property
    def max_points(self) -> int:
        """P: the positive points of all criteria (what a perfect account scores)."""
        return sum(c.points for c in self.criteria if c.points > 0)
