"""The profile's vocabulary: traits with their support among won, lost and open accounts, and the
arithmetic that decides which traits are over-represented (see `synth.icp.profile`)."""
from __future__ import annotations

import heapq
import re
from collections import Counter
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, Iterable, Literal, Optional

from pydantic import BaseModel, Field

from ..models import Evidence, Extraction, Item
from ..vocab.accounts import norm_text
from .rules import Attribute, Op


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
class Account:
    """One account as the profile sees it: CSV fields, interview traits, and where they came from."""

    name: str
    outcome: Optional[str] = None
    employees: Optional[float] = None
    values: dict[str, str] = dc_field(default_factory=dict)        # industry/country/funding_stage
    stack: dict[str, str] = dc_field(default_factory=dict)         # normalized -> display
    quotes: dict[str, Evidence] = dc_field(default_factory=dict)   # field -> trait evidence
    interviewed: bool = False


def title_key(t: str) -> str:
    t = norm_text(t).replace("&", " and ").replace("vice president", "vp")
    return " ".join(w for w in re.sub(r"[^\w ]+", " ", t).split() if w not in ("of", "the"))


class TraitContext:
    """Reference (won or non-lost) and lost account sets, and the support arithmetic."""

    def __init__(self, accts: dict[str, Account], min_support: int, min_diff: float, min_share: float):
        self.accts = accts
        won = {k for k, a in accts.items() if a.outcome == "won"}
        self.won = won
        self.lost = {k for k, a in accts.items() if a.outcome == "lost"}
        self.reference = "won" if won else "all"
        self.ref = won or set(accts) - self.lost
        self.min_support, self.min_diff, self.min_share = min_support, min_diff, min_share

    def support(self, having: set[str], known: set[str]) -> Support:
        rt, lt = len(self.ref & known), len(self.lost & known)
        w, lo = len(having & self.ref), len(having & self.lost)
        won = len(having & self.won)
        return Support(accounts=len(having), won=won, lost=lo, open=len(having) - won - lo,
                       ref_total=rt, lost_total=lt, share_won=w / rt if rt else None,
                       share_lost=lo / lt if lt else None,
                       companies=heapq.nsmallest(20, (self.accts[k].name for k in having)))

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


def strength(s: Support) -> float:
    return (s.share_won or 0) - (s.share_lost or 0)


def display(counter: Counter) -> str:
    """The most frequent spelling (ties: the first in sort order)."""
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def quotes_of(keys: Iterable[str], accts: dict[str, Account], f: str) -> list[Evidence]:
    return [accts[k].quotes[f] for k in sorted(keys) if f in accts[k].quotes][:3]


def first_quotes(items: list, limit: int = 3) -> list[Evidence]:
    return [it.evidence[0] for it in items if it.evidence][:limit]


def item_id(item: Item, category: str, ex: Extraction) -> str:
    return item.id or item.stable_id(category, ex.transcript_hash)
