"""The ICP's own hypotheses: each interview-derived criterion of icp.yaml, tested per interview.

A criterion drawn from interviews (a trigger theme, a current alternative, a DMU title) is a claim
about who buys. Turned into a hypothesis whose evidence is the very items the criterion was built from
(method "items"), it gets the same per-interview table, interval and won/lost test as the team's own
hypotheses, and the hypothesis table and the rules file cite the same quotes. Pains are not ICP
criteria (synth scores firmographic, technographic, behavioral, trigger and DMU rules), so none appear.
"""
from __future__ import annotations

from typing import Optional

from ..hypotheses import Hypothesis, HypothesisOptions, HypothesisRun, check_hypotheses, store_run
from ..workspace import Workspace
from .rules import IcpRules
from .traits import IcpProfile, ProfileTrait

INTERVIEW_ATTRIBUTES = {"behavioral": "alternative", "trigger": "trigger", "dmu": "dmu"}


def _text(t: ProfileTrait, reference: str = "won") -> str:
    if t.direction == "negative":
        return f"Lost accounts, more than won ones: {t.label}"
    # with no won account the profile describes the interviews it has (IcpProfile.reference "all"): a claim
    # about won accounts would be one no interview can support
    return f"Won accounts have: {t.label}" if reference == "won" else f"Interviewees have: {t.label}"


def icp_hypotheses(profile: IcpProfile, rules: IcpRules) -> list[Hypothesis]:
    """One hypothesis per interview-derived criterion or disqualifier, its id the rule's id."""
    traits = [t for t in [*profile.positive(), *profile.negative] if t.attribute in INTERVIEW_ATTRIBUTES and t.item_ids]
    out = []
    for c in [*rules.criteria, *rules.disqualifiers]:
        t = next((t for t in traits if t.field == c.field and t.value == c.value), None)
        if t is not None:
            out.append(Hypothesis(id=c.id, text=_text(t, profile.reference), category=INTERVIEW_ATTRIBUTES[t.attribute], source="icp",
                                  item_ids=list(t.item_ids)))
    return out


def check_icp_hypotheses(ws: Workspace, profile: IcpProfile, rules: IcpRules,
                        rules_name: Optional[str] = None) -> HypothesisRun:
    """Test and store the ICP's hypotheses (no model: the criteria's own items decide)."""
    run = check_hypotheses(ws, icp_hypotheses(profile, rules),
                           options=HypothesisOptions(method="items", source=rules_name or "icp.yaml"))
    store_run(ws, run, "icp")
    return run
