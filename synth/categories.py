"""The extraction categories: what an item of each kind is, and the table every per-category fact
comes from (display titles, short code, colour, the LLM's output class, how themes form, the local
extractor's thresholds).

Split out of synth/models.py (which re-exports every name) so the table and the item types it names
sit below every stage in one place: adding a category is one `CategorySpec` entry here, its prompt
text and its tests (tests/test_dummy_category.py).
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Callable, Literal, Optional, get_args

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator

# --------------------------------------------------------------------------- items

class Evidence(BaseModel):
    """A verbatim quote located in a transcript. A quote that cannot be located is not evidence."""

    quote: str = Field(description="verbatim text as it appears in the transcript")
    file: str
    transcript_hash: str
    speaker: str
    turn_index: int
    char_start: int
    char_end: int
    start: Optional[float] = Field(None, description="cue time in seconds where the format has one")
    match: Literal["exact", "normalized", "fuzzy", "salvaged"] = Field(
        "exact", description="how the quote was found; 'salvaged': the verbatim part of a near-miss quote")
    from_notes: bool = Field(False, description="from the interviewer's notes: not the interviewee's words")


class Quantity(BaseModel):
    value: float
    unit: str = Field(description="e.g. hours, usd, outages, engineers, percent")
    period: Optional[str] = Field(None, description="e.g. week, month, year, quarter")
    text: str = Field(description="the words as said, e.g. '20 hours a week'")


class Severity(int, Enum):
    trivial = 1
    minor = 2
    moderate = 3
    major = 4
    critical = 5


TriggerKind = Literal[
    "funding", "executive_hire", "vendor_renewal", "audit_or_regulation", "incident",
    "scaling_wall", "blocked_deal", "migration_or_deprecation", "other",
]
AlternativeKind = Literal["manual", "spreadsheet", "homegrown", "competitor", "adjacent_tool", "nothing"]
DmuRole = Literal["champion", "economic_buyer", "influencer", "blocker", "user"]
DMU_ROLES: tuple[str, ...] = get_args(DmuRole)   # the one role order: DMU tables, ICP rules, reports
Category = Literal["pain", "trigger", "alternative", "dmu"]  # the built-in ones; the table may hold more


class Item(BaseModel):
    """Common part of every extracted item."""

    id: str = ""
    category: str = Field(description="its entry in the categories table (each item class pins its own)")
    statement: str = Field(description="short normalized statement in plain words")
    evidence: list[Evidence] = Field(default_factory=list)
    dismissed: bool = Field(False, description="raised then dismissed by the speaker; not counted")

    def stable_id(self, category: str, transcript_hash: str) -> str:
        key = f"{category}|{transcript_hash}|{self.statement.strip().lower()}"
        return hashlib.sha1(key.encode()).hexdigest()[:12]


class PainPoint(Item):
    category: Literal["pain"] = "pain"
    severity: int = Field(3, ge=1, le=5)
    quantity: Optional[Quantity] = None


class Trigger(Item):
    category: Literal["trigger"] = "trigger"
    kind: TriggerKind = "other"
    when: Optional[str] = Field(None, description="when it happened, as said ('last quarter')")
    days_before_interview: Optional[int] = None


class Alternative(Item):
    category: Literal["alternative"] = "alternative"
    name: str
    kind: AlternativeKind
    shortfall: Optional[str] = Field(None, description="what falls short about it")


class DmuMember(Item):
    category: Literal["dmu"] = "dmu"
    name: Optional[str] = None
    title: Optional[str] = None
    role: DmuRole


# --------------------------------------------------------------------------- what the LLM returns

Quote = str


@dataclass(frozen=True)
class ItemContext:
    """What turning a model's answer into an item needs beyond the answer: the redactor's `restore`
    (names put back) and a date reckoner for "last quarter" against the interview date."""

    restore: Callable[[str], str] = lambda s: s
    days_before: Callable[[Optional[str]], Optional[int]] = lambda when: None


class QuotedOut(BaseModel):
    """Common part of every category's LLM output class: the quotes, and whether it was waved off."""

    quotes: list[Quote] = Field(description="verbatim spans from INTERVIEWEE lines, 6-40 words each")
    dismissed: bool = Field(False, description="raised then dismissed by the speaker")

    @field_validator("quotes")
    @classmethod
    def _strip(cls, v: list[str]) -> list[str]:
        # an item with no quote is not refused here: refusing would fail (and re-send) the whole
        # chunk; it is dropped and counted like an item whose quotes cannot be found
        return [q.strip() for q in v if q and q.strip()]

    @property
    def clamped(self) -> int:
        """Values outside the schema's range that `to_item` brought inside it (counted: `values_clamped`)."""
        return 0

    def to_item(self, ctx: ItemContext) -> Item:  # pragma: no cover - each category's class says how
        raise NotImplementedError


class PainOut(QuotedOut):
    statement: str = Field(description="short plain statement of the operational problem")
    # the model is told 1-5 (the schema it sees is exactly Field(ge=1, le=5)'s), but a 7 is not a reason
    # to throw away the chunk's answer: it is clamped and counted (`values_clamped`)
    severity: Annotated[int, WithJsonSchema({"maximum": 5, "minimum": 1, "title": "Severity", "type": "integer"})]
    quantity: Optional[Quantity] = None

    @property
    def clamped(self) -> int:
        return int(not 1 <= self.severity <= 5)

    def to_item(self, ctx: ItemContext) -> Item:
        return PainPoint(statement=ctx.restore(self.statement), severity=min(5, max(1, self.severity)),
                         quantity=self.quantity, dismissed=self.dismissed)


class TriggerOut(QuotedOut):
    event: str
    kind: TriggerKind
    when: Optional[str] = None

    def to_item(self, ctx: ItemContext) -> Item:
        return Trigger(statement=ctx.restore(self.event), kind=self.kind, when=self.when, dismissed=self.dismissed,
                       days_before_interview=ctx.days_before(self.when))


class AlternativeOut(QuotedOut):
    name: str
    kind: AlternativeKind
    shortfall: Optional[str] = None

    def to_item(self, ctx: ItemContext) -> Item:
        r = ctx.restore
        return Alternative(statement=r(f"{self.name}" + (f": {self.shortfall}" if self.shortfall else "")),
                           name=r(self.name), kind=self.kind, shortfall=self.shortfall and r(self.shortfall),
                           dismissed=self.dismissed)


class DmuOut(QuotedOut):
    name: Optional[str] = None
    title: Optional[str] = None
    role: DmuRole

    def to_item(self, ctx: ItemContext) -> Item:
        r = ctx.restore
        label = " ".join(x for x in [self.title and r(self.title), self.role.replace("_", " ")] if x)
        return DmuMember(statement=label, name=self.name and r(self.name), title=self.title and r(self.title),
                         role=self.role, dismissed=self.dismissed)


# --------------------------------------------------------------------------- the table

class LocalRule(BaseModel):
    """How the offline extractor (synth/extract/local.py) keeps sentences of one category; set on the dev
    study (evals/gold) only, measured on the held-out one."""

    threshold: float = Field(description="minimum adjusted example similarity")
    cap_per_1000_words: float = Field(description="at most this many items per 1,000 interviewee words")
    cap_min: int = Field(2, description="... but never fewer than this")
    examples: list[str] = Field(default_factory=list, description="example sentences of a category that "
                                "prompts/local_examples_v2.yaml and the shipped classifier do not know")


class CategorySpec(BaseModel):
    """What synth knows about one extraction category; everything per-category derives from this table."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    name: str
    model: type = Field(description="its Item class")
    output: type = Field(description="what the LLM returns for it (a QuotedOut): a list of these in the chunk schema")
    field: str = Field(description="the Extraction list that holds it (and the chunk schema's list)")
    title: str = Field(description="section heading in reports")
    grouping: Literal["embedding", "name", "role"] = Field(
        description="how themes form: statement embeddings clustered, grouped by extracted name/kind, "
                    "or summarized by DMU role (no themes)")
    shown: int = Field(description="position of its section in reports and listings")
    code: str = Field(description="short code of its themes in reports and the browser: P3 is the third pain theme")
    themes_title: str = Field(description="heading of its themes in the CLI, the report and the browser")
    noun: str = Field(description="what the chunk schema's docstring calls its items ('pains', 'buyers')")
    prompt: str = Field("", description="what the extraction prompt says about it, added to prompts/extract_v1.md "
                                        "(the built-in four are described there)")
    colour: str = Field(description="its bars and lines in the report's charts")
    blurb: str = Field("", description="the line under its themes' heading in the HTML report")
    local: LocalRule = Field(description="the offline extractor's thresholds")


# in storage order (Extraction's lists); `shown` orders report sections: what made them buy now first
CATEGORIES: dict[str, CategorySpec] = {
    "pain": CategorySpec(name="pain", model=PainPoint, output=PainOut, field="pains", title="Pain points",
                         grouping="embedding", shown=2, code="P", themes_title="Pain themes", noun="pains", colour="#2b6cb0",
                         blurb="The operational problems interviewees described, ranked by the same rules.",
                         local=LocalRule(threshold=0.30, cap_per_1000_words=11.0)),
    "trigger": CategorySpec(name="trigger", model=Trigger, output=TriggerOut, field="triggers",
                            title="Triggering events", grouping="embedding", shown=1, code="T",
                            themes_title="Trigger themes", noun="triggers", colour="#4c51bf",
                            blurb="What changed that made the account buyable now, ranked by coverage, spread across "
                                  "accounts, recency and how much more often won accounts mention it than lost ones.",
                            local=LocalRule(threshold=0.35, cap_per_1000_words=12.0)),
    "alternative": CategorySpec(name="alternative", model=Alternative, output=AlternativeOut, field="alternatives",
                                title="Alternatives", grouping="name", shown=3, code="A", themes_title="Alternatives",
                                noun="alternatives", colour="#718096", local=LocalRule(threshold=0.25, cap_per_1000_words=20.0)),
    "dmu": CategorySpec(name="dmu", model=DmuMember, output=DmuOut, field="dmu", title="Decision-making unit",
                        grouping="role", shown=4, code="D", themes_title="Decision-making unit", noun="buyers",
                        colour="#718096",
                        local=LocalRule(threshold=0.30, cap_per_1000_words=10.0)),
}


class _TableNames(Sequence):
    """Category names derived from the table whenever they are read (a tuple frozen at import would
    miss a category registered later)."""

    def __init__(self, pick: Callable[[dict[str, CategorySpec]], list[str]]):
        self._pick = pick

    def _names(self) -> tuple[str, ...]:
        return tuple(self._pick(CATEGORIES))

    def __getitem__(self, i):
        return self._names()[i]

    def __len__(self) -> int:
        return len(self._names())

    def __eq__(self, other) -> bool:
        return self._names() == tuple(other) if isinstance(other, (tuple, list, _TableNames)) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._names())

    def __repr__(self) -> str:
        return repr(self._names())


CLUSTERED_CATEGORIES: Sequence[str] = _TableNames(lambda t: [c for c, s in t.items() if s.grouping != "role"])
THEME_SECTIONS: Sequence[str] = _TableNames(
    lambda t: sorted((c for c, s in t.items() if s.grouping != "role"), key=lambda c: t[c].shown))


def register_category(spec: CategorySpec) -> None:
    """Add a category to the table (the built-in ones are entries above; a test adds a dummy one)."""
    if spec.name in CATEGORIES:
        raise ValueError(f"category {spec.name!r} is already in the table")
    CATEGORIES[spec.name] = spec


def unregister_category(name: str) -> None:
    CATEGORIES.pop(name, None)
