"""Profile -> rules (`synthesize_rules`) and profile -> paragraph (`narrative`), both deterministic.

Points: each trait gets `weight * (0.5 + 0.5 * strength)` rounded to a multiple of 5 (at least 5),
where strength = share_won - share_lost (share_won alone when there are no lost accounts) clipped to
0..1, and the weight comes from WEIGHTS by field. Negative traits get the same magnitude with a minus
sign, from share_lost - share_won. A negative trait seen in lost accounts and never in won ones
(support >= 2) becomes a disqualifier instead.

The scorer reads these fields: employees, industry, country, funding_stage, tech_stack (accounts
CSV), and, only when the accounts table has those columns, alternatives, triggers,
champion_title, economic_buyer_title (';'-separated lists). A rule whose column is missing does
not apply (see `synth.icp.score`).
"""
from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Optional

from .rules import Criterion, IcpRules

if TYPE_CHECKING:
    from .profile import IcpProfile, ProfileTrait

WEIGHTS = {"employees": 25, "industry": 15, "country": 10, "funding_stage": 10, "tech_stack": 15,
           "alternatives": 10, "triggers": 15, "champion_title": 10, "economic_buyer_title": 5}
RULE_ROLES = ("champion_title", "economic_buyer_title")   # blockers etc. inform; they are not scored


def _points(weight: int, strength: float) -> int:
    s = min(1.0, max(0.0, strength))
    return max(5, 5 * math.floor(weight * (0.5 + 0.5 * s) / 5 + 0.5))      # nearest 5, half up


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")[:40] or "x"


def _pct(x: Optional[float]) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def evidence_text(t: "ProfileTrait", reference: str) -> str:
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


def synthesize_rules(profile: "IcpProfile", base: Optional[IcpRules] = None) -> IcpRules:
    """Criteria (and disqualifiers) from the profile; tiers, cap and columns from `base`."""
    criteria: list[Criterion] = []
    disq: list[Criterion] = []
    used: set[str] = set()

    def rid(prefix: str, t: "ProfileTrait") -> str:
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
        s = t.support
        strength = (s.share_won or 0) - (s.share_lost or 0) if s.share_lost is not None else (s.share_won or 0)
        criteria.append(Criterion(
            id=rid("", t), attribute=t.attribute, field=t.field, op=t.op, value=t.value,
            points=_points(WEIGHTS.get(t.field, 10), strength), label=t.label,
            evidence=evidence_text(t, profile.reference)))
    for t in profile.negative:
        s = t.support
        c = Criterion(id=rid("not_", t), attribute=t.attribute, field=t.field, op=t.op, value=t.value,
                      points=-_points(WEIGHTS.get(t.field, 10), (s.share_lost or 0) - (s.share_won or 0)),
                      label=t.label, evidence=evidence_text(t, profile.reference))
        if t.disqualifier:
            disq.append(c.model_copy(update={"points": 0, "evidence": "never in a won account; "
                                             + c.evidence}))
        else:
            criteria.append(c)
    settings = base.model_dump(exclude={"criteria", "disqualifiers"}) if base else {}
    return IcpRules(**settings, criteria=criteria, disqualifiers=disq)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def narrative(profile: "IcpProfile") -> str:
    """A deterministic one-paragraph description of the ICP (the offline default)."""
    def labels(traits) -> list[str]:
        return [t.label for t in traits]

    p = profile
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
