"""Rank themes by the deterministic rules in `prompts/rank_rules_v1.yaml` (shipped as package data).

Every theme carries its breakdown (value, weight, points per component) and the points add up to
the score, so nobody has to trust an opaque number.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import yaml
from pydantic import BaseModel

from synth.models import Item, PainPoint, ScoreComponent, Theme, Trigger
from synth.resources import load_data
from synth.themes.facts import StudyFacts

RULES_FILE = "rank_rules_v1.yaml"


class Component(BaseModel):
    weight: float
    applies_to: list[str]
    doc: str = ""


class RankRules(BaseModel):
    version: str
    components: dict[str, Component]
    recency_days: int = 180


def load_rank_rules(path: Optional[Path] = None) -> RankRules:
    if path is None:
        return RankRules.model_validate(load_data(RULES_FILE))
    return RankRules.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def score_theme(theme: Theme, members: list[Item], facts: StudyFacts, rules: RankRules) -> Theme:
    comps: list[ScoreComponent] = []
    accounts, theme.won, theme.lost = facts.won_lost(theme.files)
    theme.accounts = accounts
    n_won, n_lost = len(facts.with_outcome("won")), len(facts.with_outcome("lost"))

    def add(name: str, value: float, note: str) -> None:
        c = rules.components.get(name)
        if c is None or theme.category not in c.applies_to:
            return
        value = max(0.0, min(1.0, value))
        comps.append(ScoreComponent(name=name, value=round(value, 4), weight=c.weight,
                                    points=round(value * c.weight, 4), note=note))

    add("coverage", len(theme.files) / max(1, facts.n_interviews),
        f"{len(theme.files)} of {facts.n_interviews} interviews")
    if facts.n_accounts:
        add("accounts", len(accounts) / facts.n_accounts, f"{len(accounts)} of {facts.n_accounts} accounts")
    else:  # no interview has a company: breadth is counted in interviews, as before issue 21's account rule
        add("accounts", len(theme.files) / max(1, facts.n_interviews), "no account data: interviews counted")
    total = facts.items_per_category.get(theme.category, 0)
    add("share", len(members) / max(1, total), f"{len(members)} of {total} {theme.category} items")
    pains = [m for m in members if isinstance(m, PainPoint)]
    if pains:
        mean_sev = sum(p.severity for p in pains) / len(pains)
        add("severity", (mean_sev - 1) / 4, f"mean severity {mean_sev:.1f}/5")
        q = sum(1 for p in pains if p.quantity)
        add("quantified", q / len(pains), f"{q} of {len(pains)} items quantified")
    trig = [m for m in members if isinstance(m, Trigger)]
    if trig:
        recent = sum(1 for t in trig if t.days_before_interview is not None
                     and t.days_before_interview <= rules.recency_days)
        add("recency", recent / len(trig), f"{recent} of {len(trig)} within {rules.recency_days} days")
    if n_won and n_lost:
        diff = theme.won / n_won - theme.lost / n_lost
        add("won_lost_lift", 0.5 + diff / 2,
            f"in {theme.won}/{n_won} won vs {theme.lost}/{n_lost} lost accounts")
    weights = sum(c.weight for c in comps)
    # rescale so the breakdown still sums to the score
    scale = 100.0 / weights if weights else 0.0
    for c in comps:
        c.points = round(c.points * scale, 2)
    theme.breakdown = comps
    theme.score = round(sum(c.points for c in comps), 2)
    return theme


def rank(themes: list[Theme], items_by_id: dict[str, Item], facts: StudyFacts,
         rules: Optional[RankRules] = None) -> list[Theme]:
    """Score every theme; pinned themes first, then by score, coverage and id (stable)."""
    rules = rules or load_rank_rules()
    for th in themes:
        score_theme(th, [items_by_id[i] for i in th.item_ids if i in items_by_id], facts, rules)
    order = sorted(themes, key=lambda t: (t.category, not t.pinned, -t.score, -len(t.files), t.id))
    counters: dict[str, int] = {}
    for th in order:
        counters[th.category] = counters.get(th.category, 0) + 1
        th.rank = counters[th.category]
    return order
