"""ICP profile: the five attributes of the seeds' ICP, drawn from accounts, interviews and themes.

- firmographic: employee band (middle 80% of won accounts' employees, rounded out to 1-2-5 steps),
  and the industries, countries and funding stages over-represented in won accounts;
- technographic: stack items over-represented in won accounts (share_won - share_lost);
- behavioral: alternatives in use (extraction alternatives, grouped by name, and by kind for
  manual / spreadsheet / homegrown / nothing);
- triggering events: the top trigger themes (or trigger kinds when there are no themes);
- decision-making unit: most frequent titles per role (champion, economic buyer, blocker, ...);
- negative profile: values over-represented in lost accounts; one never seen in a won account, with
  at least `min_support` lost accounts, is marked as a disqualifier.

"Over-represented": seen in >= min_support reference accounts and share_won - share_lost >= min_diff
(share_won >= min_share when no lost account has the field). Shares count accounts whose field is
known (interviewed accounts for behavioral, trigger and DMU traits). With no won accounts the
reference set is every account that is not lost (`reference = "all"`).
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, Iterable, Literal, Optional

import numpy as np
from pydantic import BaseModel, Field

from ..models import AccountRow, Evidence, Extraction, Item, ThemeSet
from .rules import Attribute, Op
from .table import LIST_SPLIT, norm_text, parse_number

FIRMO_FIELDS = ("industry", "country", "funding_stage")


class Support(BaseModel):
    accounts: int = Field(0, description="accounts with the trait")
    won: int = 0
    lost: int = 0
    open: int = Field(0, description="open or no outcome")
    ref_total: int = Field(0, description="reference accounts (won, or non-lost) where the field is known")
    lost_total: int = Field(0, description="lost accounts where the field is known")
    share_won: Optional[float] = Field(None, description="share of the reference accounts with the trait")
    share_lost: Optional[float] = None
    companies: list[str] = Field(default_factory=list, description="up to 20, sorted")


class ProfileTrait(BaseModel):
    attribute: Attribute
    field: str = Field(description="accounts-table column a rule for this trait reads")
    op: Op
    value: Any
    label: str
    direction: Literal["positive", "negative"] = "positive"
    disqualifier: bool = Field(False, description="negative trait seen in lost accounts only")
    support: Support = Field(default_factory=Support)
    theme_ids: list[str] = Field(default_factory=list)
    item_ids: list[str] = Field(default_factory=list)
    quotes: list[Evidence] = Field(default_factory=list)


class IcpProfile(BaseModel):
    accounts: int = 0
    won: int = 0
    lost: int = 0
    open: int = 0
    interviews: int = 0
    reference: Literal["won", "all"] = "won"
    firmographic: list[ProfileTrait] = Field(default_factory=list)
    technographic: list[ProfileTrait] = Field(default_factory=list)
    behavioral: list[ProfileTrait] = Field(default_factory=list)
    triggers: list[ProfileTrait] = Field(default_factory=list)
    dmu: list[ProfileTrait] = Field(default_factory=list)
    negative: list[ProfileTrait] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def positive(self) -> list[ProfileTrait]:
        return [*self.firmographic, *self.technographic, *self.behavioral, *self.triggers, *self.dmu]


@dataclass
class _Acct:
    name: str
    outcome: Optional[str] = None
    employees: Optional[float] = None
    values: dict[str, str] = dc_field(default_factory=dict)        # industry/country/funding_stage
    stack: dict[str, str] = dc_field(default_factory=dict)         # normalized -> display
    quotes: dict[str, Evidence] = dc_field(default_factory=dict)   # field -> trait evidence
    interviewed: bool = False


def nice_floor(x: float) -> int:
    if x < 1:
        return 0
    e = 10 ** math.floor(math.log10(x))
    return int(next(m * e for m in (5, 2, 1) if m * e <= x))


def nice_ceil(x: float) -> int:
    if x <= 1:
        return 1
    e = 10 ** math.floor(math.log10(x))
    return int(next(m * e for m in (1, 2, 5, 10) if m * e >= x))


def _title_key(t: str) -> str:
    t = norm_text(t).replace("&", " and ").replace("vice president", "vp")
    return " ".join(w for w in re.sub(r"[^\w ]+", " ", t).split() if w not in ("of", "the"))


class _Ctx:
    """Reference (won or non-lost) and lost account sets, and the support arithmetic."""

    def __init__(self, accts: dict[str, _Acct], min_support: int, min_diff: float, min_share: float):
        self.accts = accts
        won = {k for k, a in accts.items() if a.outcome == "won"}
        self.lost = {k for k, a in accts.items() if a.outcome == "lost"}
        self.reference = "won" if won else "all"
        self.ref = won or set(accts) - self.lost
        self.min_support, self.min_diff, self.min_share = min_support, min_diff, min_share

    def support(self, having: set[str], known: set[str]) -> Support:
        rt, lt = len(self.ref & known), len(self.lost & known)
        w, lo = len(having & self.ref), len(having & self.lost)
        won = sum(self.accts[k].outcome == "won" for k in having)
        return Support(accounts=len(having), won=won, lost=lo, open=len(having) - won - lo,
                       ref_total=rt, lost_total=lt, share_won=w / rt if rt else None,
                       share_lost=lo / lt if lt else None,
                       companies=sorted(self.accts[k].name for k in having)[:20])

    def ref_hits(self, s: Support) -> int:
        return s.won if self.reference == "won" else s.accounts - s.lost

    def positive(self, s: Support) -> bool:
        if self.ref_hits(s) < self.min_support or s.share_won is None:
            return False
        if s.share_lost is None:
            return s.share_won >= self.min_share
        return s.share_won - s.share_lost >= self.min_diff

    def negative(self, s: Support) -> bool:
        return (s.lost >= self.min_support and s.share_lost is not None and s.share_won is not None
                and s.share_lost - s.share_won >= self.min_diff)

    def disqualifies(self, s: Support) -> bool:
        return (self.reference == "won" and self.negative(s) and self.ref_hits(s) == 0
                and s.ref_total >= self.min_support)


def _strength(s: Support) -> float:
    return (s.share_won or 0) - (s.share_lost or 0)


def _load_accounts(accounts: list[AccountRow], extractions: list[Extraction],
                   account_by_file: dict[str, str]) -> tuple[dict[str, _Acct], dict[str, str]]:
    accts: dict[str, _Acct] = {}
    file_key: dict[str, str] = {}
    for r in accounts:
        key = norm_text(r.company)
        a = accts.setdefault(key, _Acct(name=r.company.strip()))
        a.outcome = a.outcome or r.outcome
        if a.employees is None and r.employees is not None:
            a.employees = float(r.employees)
        for f in FIRMO_FIELDS:
            v = getattr(r, f)
            if v and str(v).strip():
                a.values.setdefault(f, str(v).strip())
        for item in r.tech_stack:
            for part in LIST_SPLIT.split(item):
                if part.strip():
                    a.stack.setdefault(norm_text(part), part.strip())
        if r.file:
            file_key[r.file] = key
    for f, company in account_by_file.items():
        file_key[f] = norm_text(company)
        accts.setdefault(norm_text(company), _Acct(name=company.strip()))
    for ex in extractions:
        key = file_key.setdefault(ex.file, norm_text(ex.file))
        a = accts.setdefault(key, _Acct(name=ex.file))
        a.interviewed = True
        t = ex.traits
        for f, trait in (("employees", t.employees), ("industry", t.industry), ("country", t.country),
                         ("funding_stage", t.stage), ("tech_stack", t.tech_stack)):
            if trait is None:
                continue
            used = False           # a quote backs a trait only where its value is the one used
            if f == "employees" and not isinstance(trait.value, list):
                n = parse_number(str(trait.value))
                if a.employees is None and not np.isnan(n):
                    a.employees = n
                used = a.employees == n
            elif f == "tech_stack":
                vals = trait.value if isinstance(trait.value, list) else LIST_SPLIT.split(str(trait.value))
                for v in vals:
                    if str(v).strip():
                        a.stack.setdefault(norm_text(v), str(v).strip())
                        used = True
            elif f in FIRMO_FIELDS and isinstance(trait.value, str) and trait.value.strip():
                a.values.setdefault(f, trait.value.strip())
                used = norm_text(a.values[f]) == norm_text(trait.value)
            if used and trait.evidence is not None:
                a.quotes.setdefault(f, trait.evidence)
    return accts, file_key


def _display(counter: Counter) -> str:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _quotes(keys: Iterable[str], accts: dict[str, _Acct], f: str) -> list[Evidence]:
    return [accts[k].quotes[f] for k in sorted(keys) if f in accts[k].quotes][:3]


def _firmographic(ctx: _Ctx, prof: IcpProfile) -> None:
    accts = ctx.accts
    emp = {k: a.employees for k, a in accts.items() if a.employees is not None}
    ref_emp = sorted(emp[k] for k in ctx.ref if k in emp)
    if len(ref_emp) >= ctx.min_support:
        x = np.array(ref_emp)
        lo = nice_floor(float(np.percentile(x, 10, method="lower")))
        hi = nice_ceil(float(np.percentile(x, 90, method="higher")))
        known = set(emp)
        inside = {k for k, v in emp.items() if lo <= v <= hi}
        s = ctx.support(inside, known)
        prof.firmographic.append(ProfileTrait(
            attribute="firmographic", field="employees", op="between", value=[lo, hi],
            label=f"{lo:,}-{hi:,} employees", support=s, quotes=_quotes(inside, accts, "employees")))
        for side, keys, op, val in (("under", {k for k, v in emp.items() if v < lo}, "lte", lo - 1),
                                    ("over", {k for k, v in emp.items() if v > hi}, "gte", hi + 1)):
            s = ctx.support(keys, known)
            if val >= 0 and ctx.negative(s):
                prof.negative.append(ProfileTrait(
                    attribute="firmographic", field="employees", op=op, value=val, direction="negative",
                    label=f"{side} {lo if side == 'under' else hi:,} employees", support=s,
                    disqualifier=ctx.disqualifies(s)))
    for f in FIRMO_FIELDS:
        groups: dict[str, set[str]] = defaultdict(set)
        spell: dict[str, Counter] = defaultdict(Counter)
        for k, a in accts.items():
            if f in a.values:
                groups[norm_text(a.values[f])].add(k)
                spell[norm_text(a.values[f])][a.values[f]] += 1
        known = set().union(*groups.values()) if groups else set()
        pos = []
        for v in sorted(groups):
            s = ctx.support(groups[v], known)
            if ctx.positive(s):
                pos.append((-ctx.ref_hits(s), v))
            elif ctx.negative(s):
                name = _display(spell[v])
                prof.negative.append(ProfileTrait(
                    attribute="firmographic", field=f, op="in", value=[name], direction="negative",
                    label=f"{f.replace('_', ' ')}: {name}", support=s, disqualifier=ctx.disqualifies(s)))
        if pos:
            vals = [v for _, v in sorted(pos)]
            having = set().union(*(groups[v] for v in vals))
            names = [_display(spell[v]) for v in vals]
            prof.firmographic.append(ProfileTrait(
                attribute="firmographic", field=f, op="in", value=names,
                label=f"{f.replace('_', ' ')}: {', '.join(names)}", support=ctx.support(having, known),
                quotes=_quotes(having, accts, f)))


def _technographic(ctx: _Ctx, prof: IcpProfile, max_items: int = 5) -> None:
    groups: dict[str, set[str]] = defaultdict(set)
    spell: dict[str, Counter] = defaultdict(Counter)
    for k, a in ctx.accts.items():
        for norm, disp in a.stack.items():
            groups[norm].add(k)
            spell[norm][disp] += 1
    known = {k for k, a in ctx.accts.items() if a.stack}
    pos = []
    for v in sorted(groups):
        s = ctx.support(groups[v], known)
        name = _display(spell[v])
        trait = dict(attribute="technographic", field="tech_stack", op="contains_any", value=[name],
                     support=s, quotes=_quotes(groups[v], ctx.accts, "tech_stack"))
        if ctx.positive(s):
            pos.append((-_strength(s), -s.accounts, v, ProfileTrait(label=f"uses {name}", **trait)))
        elif ctx.negative(s):
            prof.negative.append(ProfileTrait(label=f"uses {name}", direction="negative",
                                              disqualifier=ctx.disqualifies(s), **trait))
    prof.technographic += [t for *_, t in sorted(pos, key=lambda p: p[:3])[:max_items]]


from ._interviews import interview_traits  # noqa: E402


def build_profile(accounts: list[AccountRow], extractions: list[Extraction], themes: Optional[ThemeSet],
                  account_by_file: dict[str, str], *, min_support: int = 2, min_diff: float = 0.2,
                  min_share: float = 0.25, max_triggers: int = 3) -> IcpProfile:
    """Build the five-attribute ICP profile and the negative profile (see the module doc)."""
    exs = sorted(extractions, key=lambda e: (e.file, e.transcript_hash))
    accts, file_key = _load_accounts(accounts, exs, account_by_file)
    ctx = _Ctx(accts, min_support, min_diff, min_share)
    outcomes = Counter(a.outcome for a in accts.values())
    prof = IcpProfile(accounts=len(accts), won=outcomes["won"], lost=outcomes["lost"],
                      open=len(accts) - outcomes["won"] - outcomes["lost"], interviews=len(exs),
                      reference=ctx.reference)
    if ctx.reference == "all":
        prof.notes.append("no won accounts: the profile describes the accounts you have, not proven wins")
    if not prof.lost:
        prof.notes.append("no lost accounts: traits cannot be compared with losses (no negative profile)")
    _firmographic(ctx, prof)
    _technographic(ctx, prof)
    if exs:
        interview_traits(ctx, prof, exs, file_key, themes, max_triggers)
    else:
        prof.notes.append("no interviews: behavioral, trigger and DMU attributes are empty")
    prof.negative.sort(key=lambda t: (not t.disqualifier, -(t.support.share_lost or 0), t.label))
    return prof


def item_id(item: Item, category: str, ex: Extraction) -> str:
    return item.id or item.stable_id(category, ex.transcript_hash)


from .synthesize import narrative, synthesize_rules  # noqa: E402,F401  (part of this module's API)

__all__ = ["IcpProfile", "ProfileTrait", "Support", "build_profile", "synthesize_rules", "narrative",
           "nice_floor", "nice_ceil"]
