"""ICP rules: the model behind the editable `icp.yaml`, its loader and its writer.

Scoring (see `synth.icp.score`): a criterion is evaluated per account as matched, unmatched or
unknown (the account has no value for the field). The score is

    score = round_half_up(100 * clamp(M, 0, P) / P)

where M is the sum of the points of the matched criteria (negative points subtract) and P is the sum
of the positive points of the criteria that can apply to the table (their column exists). Unknown
and unmatched criteria add nothing; unknowns are counted and shown. P = 0 gives every account 0.
A matched disqualifier caps the score at `disqualifier_cap` (default 49) and the tier at
"deprioritize"; the points of a disqualifier are not used.

`load_rules` reports every problem with file, line and field; `dump_rules` writes a commented file
that `load_rules` reads back to an equal `IcpRules`.
"""
from __future__ import annotations

import math
import re
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..models import AccountRow

Attribute = Literal["firmographic", "technographic", "behavioral", "trigger", "dmu"]
Op = Literal["between", "in", "contains_any", "equals", "gte", "lte"]
TierName = Literal["high_touch", "nurture", "deprioritize"]
TIER_NAMES: tuple[str, str, str] = ("high_touch", "nurture", "deprioritize")
NUMERIC_OPS = frozenset({"between", "gte", "lte"})
LIST_OPS = frozenset({"in", "contains_any"})
# DMU roles in the order profiles list them; alternative kinds that group without a product name
DMU_ROLES = ("champion", "economic_buyer", "blocker", "influencer", "user")
ALT_KINDS_GROUPED = ("manual", "spreadsheet", "homegrown", "nothing")

# Columns of the synth accounts table (accounts.csv's, as ingest reads it); every preset maps an
# export's headers onto these names.
SYNTH_COLUMNS = tuple(AccountRow.model_fields)
COLUMN_PRESETS: dict[str, dict[str, str]] = {
    "synth": {**{c: c for c in SYNTH_COLUMNS}, "stage": "funding_stage", "stack": "tech_stack",
              "record_id": "record_id"},
    "hubspot": {
        "Record ID": "record_id", "Company name": "company", "Number of Employees": "employees",
        "Industry": "industry", "Country/Region": "country", "Lifecycle Stage": "outcome",
        "Deal Stage": "outcome", "Web Technologies": "tech_stack", "Annual Revenue": "annual_revenue",
        "Company Domain Name": "domain",
    },
    "salesforce": {
        "Id": "record_id", "Account ID": "record_id", "Account Name": "company", "Name": "company",
        "NumberOfEmployees": "employees", "Employees": "employees", "Industry": "industry",
        "BillingCountry": "country", "Billing Country": "country", "StageName": "outcome",
        "Stage": "outcome", "AnnualRevenue": "annual_revenue", "Annual Revenue": "annual_revenue",
        "Website": "domain",
    },
}


def normalize_name(name: str) -> str:
    """Column-name key: case, spaces and punctuation do not matter ("Country/Region" -> country_region)."""
    return re.sub(r"[^0-9a-z]+", "_", str(name).casefold()).strip("_")


def column_map_for(preset_or_map: str | dict[str, str] | None) -> dict[str, str]:
    """Header -> field map, keys normalized. None or "auto" = all presets together (first wins)."""
    if isinstance(preset_or_map, dict):
        maps = [COLUMN_PRESETS["synth"], preset_or_map]
    elif preset_or_map in (None, "auto"):
        maps = [COLUMN_PRESETS["synth"], COLUMN_PRESETS["hubspot"], COLUMN_PRESETS["salesforce"]]
    elif preset_or_map in COLUMN_PRESETS:
        maps = [COLUMN_PRESETS["synth"], COLUMN_PRESETS[preset_or_map]]
    else:
        raise ValueError(f"unknown column preset {preset_or_map!r}: use one of "
                         f"{', '.join(COLUMN_PRESETS)} or a mapping")
    out: dict[str, str] = {}
    for m in maps:
        for header, field in m.items():
            key = normalize_name(header)
            if m is preset_or_map or key not in out:   # an explicit map overrides the presets
                out[key] = normalize_name(field)
    return out


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
    evidence: str = Field("", description="what produced this rule (written as a comment too)")

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
        # equals
        if isinstance(v, bool):
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
    """Score thresholds: >= high_touch -> high_touch; >= nurture -> nurture; else deprioritize."""

    model_config = ConfigDict(extra="forbid")
    high_touch: int = Field(75, ge=0, le=100)
    nurture: int = Field(50, ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> "Tiers":
        if self.nurture > self.high_touch:
            raise ValueError(f"nurture ({self.nurture}) must not be above high_touch ({self.high_touch})")
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

    @model_validator(mode="after")
    def _unique_ids(self) -> "IcpRules":
        seen: set[str] = set()
        for c in [*self.criteria, *self.disqualifiers]:
            if c.id in seen:
                raise ValueError(f"duplicate rule id {c.id!r}")
            seen.add(c.id)
        return self

    def effective_column_map(self) -> dict[str, str]:
        base = column_map_for(self.column_preset)
        base.update({normalize_name(k): normalize_name(v) for k, v in self.column_map.items()})
        return base

    @property
    def max_points(self) -> int:
        return sum(c.points for c in self.criteria if c.points > 0)


# The YAML side lives in its own module; these names are part of this module's API.
from ._yaml import RuleProblem, RulesError, dump_rules, load_rules, rules_to_yaml  # noqa: E402

__all__ = ["Attribute", "Op", "TierName", "TIER_NAMES", "COLUMN_PRESETS", "SYNTH_COLUMNS", "Criterion",
           "Tiers", "IcpRules", "normalize_name", "column_map_for", "RuleProblem", "RulesError",
           "load_rules", "dump_rules", "rules_to_yaml"]
