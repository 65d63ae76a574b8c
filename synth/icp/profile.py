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

The profile proposes; the outcomes decide: `synth.icp.synthesize` turns its traits into candidate
criteria and `synth.icp.learn` gives them points learned from won and lost accounts.
"""
from __future__ import annotations

import functools
import math
from collections import Counter, defaultdict
from typing import Optional

import numpy as np

from ..models import AccountRow, Extraction, ThemeSet
from ..vocab.accounts import LIST_SPLIT, cell_number
from ..vocab.accounts import norm_text as _norm_text
from .interviews import interview_traits
from .traits import Account, IcpProfile, ProfileTrait, TraitContext, display, quotes_of, strength

# industries, countries, stages and stack items repeat across accounts: normalize each spelling once
norm_text = functools.lru_cache(maxsize=1 << 16)(_norm_text)
FIRMO_FIELDS = ("industry", "country", "funding_stage")


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


def _load_accounts(accounts: list[AccountRow], extractions: list[Extraction],
                   account_by_file: dict[str, str]) -> tuple[dict[str, Account], dict[str, str]]:
    accts: dict[str, Account] = {}
    file_key: dict[str, str] = {}
    for r in accounts:
        key = _norm_text(r.company)             # one per account: not worth a cache entry
        a = accts.setdefault(key, Account(name=r.company.strip()))
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
        accts.setdefault(norm_text(company), Account(name=company.strip()))
    for ex in extractions:
        key = file_key.setdefault(ex.file, norm_text(ex.file))
        a = accts.setdefault(key, Account(name=ex.file))
        a.interviewed = True
        t = ex.traits
        for f, trait in (("employees", t.employees), ("industry", t.industry), ("country", t.country),
                         ("funding_stage", t.stage), ("tech_stack", t.tech_stack)):
            if trait is None:
                continue
            used = False           # a quote backs a trait only where its value is the one used
            if f == "employees" and not isinstance(trait.value, list):
                n = cell_number(str(trait.value))
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


def _firmographic(ctx: TraitContext, prof: IcpProfile) -> None:
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
            label=f"{lo:,}-{hi:,} employees", support=s, quotes=quotes_of(inside, accts, "employees")))
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
                name = display(spell[v])
                prof.negative.append(ProfileTrait(
                    attribute="firmographic", field=f, op="in", value=[name], direction="negative",
                    label=f"{f.replace('_', ' ')}: {name}", support=s, disqualifier=ctx.disqualifies(s)))
        if pos:
            vals = [v for _, v in sorted(pos)]
            having = set().union(*(groups[v] for v in vals))
            names = [display(spell[v]) for v in vals]
            prof.firmographic.append(ProfileTrait(
                attribute="firmographic", field=f, op="in", value=names,
                label=f"{f.replace('_', ' ')}: {', '.join(names)}", support=ctx.support(having, known),
                quotes=quotes_of(having, accts, f)))


def _technographic(ctx: TraitContext, prof: IcpProfile, max_items: int = 5) -> None:
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
        name = display(spell[v])
        trait = dict(attribute="technographic", field="tech_stack", op="contains_any", value=[name],
                     support=s, quotes=quotes_of(groups[v], ctx.accts, "tech_stack"))
        if ctx.positive(s):
            pos.append((-strength(s), -s.accounts, v, ProfileTrait(label=f"uses {name}", **trait)))
        elif ctx.negative(s):
            prof.negative.append(ProfileTrait(label=f"uses {name}", direction="negative",
                                              disqualifier=ctx.disqualifies(s), **trait))
    prof.technographic += [t for *_, t in sorted(pos, key=lambda p: p[:3])[:max_items]]


def build_profile(accounts: list[AccountRow], extractions: list[Extraction], themes: Optional[ThemeSet],
                  account_by_file: dict[str, str], *, min_support: int = 2, min_diff: float = 0.2,
                  min_share: float = 0.25, max_triggers: int = 3) -> IcpProfile:
    """Build the five-attribute ICP profile and the negative profile (see the module doc)."""
    exs = sorted(extractions, key=lambda e: (e.file, e.transcript_hash))
    accts, file_key = _load_accounts(accounts, exs, account_by_file)
    ctx = TraitContext(accts, min_support, min_diff, min_share)
    outcomes = Counter(a.outcome for a in accts.values())
    # an interview with no company is counted for its traits under its file's name, but it is no account
    # (synth.vocab.companies): the narrative must not call three consumer interviews "3 accounts"
    named = {_norm_text(r.company) for r in accounts} | {norm_text(c) for c in account_by_file.values()}
    known = sum(1 for k in accts if k in named)
    prof = IcpProfile(accounts=known, won=outcomes["won"], lost=outcomes["lost"],
                      open=known - outcomes["won"] - outcomes["lost"], interviews=len(exs),
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


__all__ = ["build_profile", "nice_floor", "nice_ceil", "FIRMO_FIELDS"]
