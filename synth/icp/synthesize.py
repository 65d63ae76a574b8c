"""Profile -> candidate rules (`synthesize_rules`) and profile -> paragraph (`narrative`), deterministic.

Every positive trait becomes a criterion, every negative trait a negative criterion, and a negative
trait seen in lost accounts only (support >= 2) a disqualifier. Candidates carry placeholder points
(equal shares; the sign says which side a criterion is on) until `learn_points` learns them from
outcomes: pass `table` (the accounts the profile came from, with outcomes) to get learned points and
calibrated tiers in one call.

The scorer reads these fields: employees, industry, country, funding_stage, tech_stack (accounts
CSV) and, from interviews, alternatives, triggers, champion_title, economic_buyer_title
(';'-separated lists; see `synth.icp.interviewed`). An account without a value for a field is
unknown for the criteria on it: no points (see `synth.icp.rules`).
"""
from __future__ import annotations

import re
from typing import Optional

import numpy as np

from .learn import learn_points
from .rules import Criterion, IcpRules
from .table import AccountsTable
from .tiers import calibrate_tiers
from .traits import IcpProfile, ProfileTrait

RULE_ROLES = ("champion_title", "economic_buyer_title")   # blockers etc. inform; they are not scored


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")[:40] or "x"


def _pct(x: Optional[float]) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def evidence_text(t: ProfileTrait, reference: str) -> str:
    s = t.support
    ref = "won" if reference == "won" else "reference (non-lost)"
    hits = s.won if reference == "won" else s.accounts - s.lost
    parts = [f"{t.label}: {hits} of {s.ref_total} {ref} accounts ({_pct(s.share_won)})"
             + (f" vs {s.lost} of {s.lost_total} lost ({_pct(s.share_lost)})" if s.lost_total else "")]
    if s.companies:
        parts.append("accounts: " + ", ".join(s.companies[:6]) + (f" +{s.accounts - 6} more"
                                                                   if s.accounts > 6 else ""))
    if t.theme_ids:
        parts.append("themes: " + ", ".join(t.theme_ids))
    if t.quotes:
        q = t.quotes[0]
        text = " ".join(q.quote.split())
        if len(text) > 140:
            text = text[:140].rsplit(" ", 1)[0] + " ..."
        parts.append(f'"{text}" ({q.speaker}, {q.file})')
    return "; ".join(parts)


def synthesize_rules(profile: IcpProfile, base: Optional[IcpRules] = None,
                     table: Optional[AccountsTable] = None,
                     interviews: Optional[np.ndarray] = None) -> IcpRules:
    """Candidate criteria and disqualifiers from the profile; tiers, cap and columns from `base`.
    With `table`, points are learned from its outcomes and tiers calibrated on its accounts."""
    criteria: list[Criterion] = []
    disq: list[Criterion] = []
    used: set[str] = set()

    def rid(prefix: str, t: ProfileTrait) -> str:
        v = t.value if isinstance(t.value, list) else [t.value]
        base_id = f"{prefix}{t.field}_{_slug(str(v[0]))}" if t.op != "between" else f"{prefix}{t.field}_band"
        out, n = base_id, 2
        while out in used:
            out, n = f"{base_id}_{n}", n + 1
        used.add(out)
        return out

    for t in profile.positive():
        if t.attribute == "dmu" and t.field not in RULE_ROLES:
            continue
        criteria.append(Criterion(id=rid("", t), attribute=t.attribute, field=t.field, op=t.op,
                                  value=t.value, points=1, label=t.label,
                                  evidence=evidence_text(t, profile.reference)))
    for t in profile.negative:
        c = Criterion(id=rid("not_", t), attribute=t.attribute, field=t.field, op=t.op, value=t.value,
                      points=-1, label=t.label, evidence=evidence_text(t, profile.reference))
        if t.disqualifier:
            disq.append(c.model_copy(update={"points": 0, "evidence": "never in a won account; "
                                             + c.evidence}))
        else:
            criteria.append(c)
    settings = base.model_dump(exclude={"criteria", "disqualifiers"}) if base else {}
    if base is not None:
        settings["tiers"] = base.tiers
    rules = IcpRules(**settings, criteria=criteria, disqualifiers=disq)
    if table is None:
        return learn_points(rules, None)
    return calibrate_tiers(learn_points(rules, table, interviews), table)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def narrative(profile: IcpProfile) -> str:
    """A deterministic one-paragraph description of the ICP (the offline default)."""
    def labels(traits) -> list[str]:
        return [t.label for t in traits]

    p = profile
    if not p.accounts:
        out = [f"ICP drawn from {p.interviews} interviews and no accounts (no interview names a company)."]
    else:
        basis = (f"{p.won} won of {p.accounts} accounts" if p.reference == "won"
                 else f"{p.accounts} accounts (no wins yet)")
        out = [f"ICP drawn from {basis} and {p.interviews} interviews."]
    firmo = labels(p.firmographic)
    if firmo:
        out.append(f"Firmographic: {_join(firmo)}.")
    if p.technographic:
        out.append(f"Technographic: {_join(labels(p.technographic))}.")
    if p.behavioral:
        out.append(f"Behavioral: {_join(labels(p.behavioral))}.")
    if p.triggers:
        out.append(f"Triggering events: {_join(labels(p.triggers))}.")
    if p.dmu:
        out.append(f"Decision-making unit: {'; '.join(labels(p.dmu))}.")
    if p.negative:
        dq = [t.label for t in p.negative if t.disqualifier]
        soft = [t.label for t in p.negative if not t.disqualifier]
        if dq:
            out.append(f"Disqualify: {_join(dq)} (seen only in lost accounts).")
        if soft:
            out.append(f"Poorer fit: {_join(soft)}.")
    if not (firmo or p.technographic or p.behavioral or p.triggers or p.dmu):
        out.append("No trait is supported by enough accounts yet to define the ICP.")
    out += p.notes
    out = [s[:1].upper() + s[1:] for s in out]
    return " ".join(s if s.endswith(".") else s + "." for s in out)


# An LLM-written narrative belongs to the LLM layer, not here; its shape would be:
#     def llm_narrative(profile: IcpProfile, client_factory: Callable[[], "instructor.Instructor"]) -> str
# with `narrative(profile)` as the fallback when no provider is configured.
