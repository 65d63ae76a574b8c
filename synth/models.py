"""Typed artifacts passed between pipeline stages.

These models are the contract: readers produce `Transcript`, extractors produce `Extraction`,
later stages only read these. `synth schema` exports their JSON schema for other tools.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny, field_validator, model_serializer, model_validator

# the item types and the categories table live in synth/categories.py; re-exported: every stage reads them here
from synth.categories import (  # noqa: F401
    CATEGORIES,
    CLUSTERED_CATEGORIES,
    DMU_ROLES,
    THEME_SECTIONS,
    Alternative,
    AlternativeKind,
    Category,
    CategorySpec,
    DmuMember,
    DmuRole,
    Evidence,
    Item,
    ItemContext,
    PainPoint,
    Quantity,
    Severity,
    Trigger,
    TriggerKind,
)

SCHEMA_VERSION = "1"


# --------------------------------------------------------------------------- transcripts

class Turn(BaseModel):
    """One speaker turn. `char_start:char_end` indexes `Transcript.text` and equals `text`."""

    index: int
    speaker: str
    text: str
    start: Optional[float] = Field(None, description="seconds from the start of the recording")
    end: Optional[float] = None
    char_start: int
    char_end: int
    is_interviewer: bool = False
    notes: bool = Field(False, description="written by the interviewer (notes), not said by the interviewee")
    role_guessed: bool = Field(False, description="its side was guessed turn by turn and is unsure, or it reads "
                                                  "as an interviewer's move: not used as the interviewee's evidence")
    source_line: Optional[int] = Field(None, description="1-based line of the source file where the turn starts")
    source_map: list[tuple[int, int, int]] = Field(
        default_factory=list, description="(offset in text, offset in the decoded source file, length) runs: "
                                          "where each piece of the cleaned text stands in the file")

    @property
    def evidence_ok(self) -> bool:
        """May this turn's words be quoted as the interviewee's?"""
        return not self.is_interviewer and not self.role_guessed

    def source_offset(self, pos: int) -> Optional[int]:
        """Offset in the decoded source file of character `pos` of this turn's text (None: not mapped)."""
        for a, src, n in self.source_map:
            if a <= pos < a + n:
                return src + pos - a
        return None


class TranscriptMeta(BaseModel):
    """Optional front matter (or values a reader found in the export itself)."""

    model_config = ConfigDict(extra="allow")
    company: Optional[str] = None
    date: Optional[dt.date] = None
    interviewee: Optional[str] = None
    role: Optional[str] = None
    interviewer: Optional[str] = None
    title: Optional[str] = None


InterviewerSource = Literal["front_matter", "option", "labels", "heuristic", "correction", "study", "llm", "none"]
TranscriptKind = Literal["dialogue", "notes", "summary_and_dialogue"]
SpeakerRole = Literal["interviewer", "interviewee", "other", "mixed"]


class Transcript(BaseModel):
    """A parsed interview. `text` is the normalized full text: turn texts joined by a blank line."""

    path: str
    file_name: str
    format: str
    encoding: str
    content_hash: str
    text: str
    turns: list[Turn]
    meta: TranscriptMeta = Field(default_factory=TranscriptMeta)
    interviewers: list[str] = Field(default_factory=list)
    interviewee: Optional[str] = None
    interviewer_source: InterviewerSource = "none"
    warnings: list[str] = Field(default_factory=list)
    # how the file was read and who is who (synth/ingest/roles.py); `mixed`: a label carrying both
    # sides, decided per turn (`Turn.is_interviewer`)
    layout: Optional[str] = None
    kind: TranscriptKind = "dialogue"
    speaker_roles: dict[str, SpeakerRole] = Field(default_factory=dict)
    role_confidence: float = Field(1.0, ge=0, le=1)

    @property
    def speakers(self) -> list[str]:
        seen: dict[str, None] = {}
        for t in self.turns:
            seen.setdefault(t.speaker, None)
        return list(seen)

    @property
    def word_count(self) -> int:
        return sum(len(t.text.split()) for t in self.turns)

    @property
    def duration(self) -> Optional[float]:
        times = [t.end if t.end is not None else t.start for t in self.turns]
        times = [x for x in times if x is not None]
        return max(times) if times else None

    def turn_at(self, char_pos: int) -> Optional[Turn]:
        """The turn whose span contains `char_pos` (binary search; turns are in text order)."""
        lo, hi = 0, len(self.turns) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            t = self.turns[mid]
            if char_pos < t.char_start:
                hi = mid - 1
            elif char_pos >= t.char_end:
                lo = mid + 1
            else:
                return t
        return None


Outcome = Literal["won", "lost", "open"]


class AccountRow(BaseModel):
    """One row of the `accounts.csv` sidecar (or of any accounts table the scorer reads)."""

    file: Optional[str] = None
    company: str
    employees: Optional[int] = None
    industry: Optional[str] = None
    country: Optional[str] = None
    funding_stage: Optional[str] = None
    tech_stack: list[str] = Field(default_factory=list)
    outcome: Optional[Outcome] = None
    interview_date: Optional[dt.date] = None


def interview_date(account: Optional[AccountRow], transcript: Optional[Transcript]) -> Optional[dt.date]:
    """When the interview took place: the accounts row's `interview_date`, else the transcript's front matter.
    (accounts.csv wins because it is what the team keeps; front matter is the export's.)"""
    return (account.interview_date if account else None) or (transcript.meta.date if transcript else None)


# --------------------------------------------------------------------------- extraction

class Trait(BaseModel):
    value: str | int | list[str]
    source: Literal["accounts_csv", "transcript", "front_matter"]
    evidence: Optional[Evidence] = None


class AccountTraits(BaseModel):
    employees: Optional[Trait] = None
    industry: Optional[Trait] = None
    country: Optional[Trait] = None
    stage: Optional[Trait] = None
    tech_stack: Optional[Trait] = None
    budget_signals: list[Trait] = Field(default_factory=list)


class ExtractionStats(BaseModel):
    items_proposed: int = 0
    items_grounded: int = 0
    items_dropped: int = 0
    quotes_proposed: int = 0
    quotes_grounded: int = 0
    # how proposed quotes became evidence or were given up (synth/extract/reask.py); the local
    # extractor's quotes are transcript sentences, grounded first time by construction
    quotes_grounded_first: int = 0
    quotes_reasked: int = 0
    quotes_salvaged: int = 0
    quotes_dropped: int = 0
    reask_calls: int = 0
    # fields that claimed what their evidence does not say (synth/extract/verify.py)
    fields_nulled: int = 0
    fields_corrected: int = 0
    # statements their quotes do not say (synth/extract/support.py): re-asked once (LLM path), then
    # shown as the quote's own clause, or the item dropped; re-ask answers that were another line
    # than the quote first proposed, refused; values outside the schema's range, clamped
    statements_reasked: int = 0
    statements_replaced: int = 0
    items_unsupported: int = 0
    reask_answers_refused: int = 0
    values_clamped: int = 0
    # chunks whose request failed after its retries (the file is then partial: Extraction.failed_chunks)
    chunks_failed: int = 0
    calls: int = 0
    cache_hits: int = 0
    # bounded generation (synth/llm/budget.py): replies cut off at max_tokens (each re-asked as two
    # halves), replies that ended in a repetition loop, halves cut off again (nothing taken from them)
    replies_truncated: int = 0
    replies_looping: int = 0
    parts_lost: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0

    @property
    def grounding_rate(self) -> float:
        return self.quotes_grounded / self.quotes_proposed if self.quotes_proposed else 1.0


class ChunkFailure(BaseModel):
    """One chunk the model never answered usably: the file's other chunks are kept (a partial file),
    and the next run asks this chunk again (a failure is never cached)."""

    chunk: int = Field(description="1-based chunk number")
    chunks: int = Field(description="how many chunks the file has")
    error: str = Field(description="one line a person understands: what the model did, what to try")


class Extraction(BaseModel):
    """Everything extracted from one transcript."""

    schema_version: str = SCHEMA_VERSION
    file: str
    transcript_hash: str
    extractor: str = Field(description="'local' or 'llm'")
    model: Optional[str] = None
    prompt_version: Optional[str] = None
    pains: list[PainPoint] = Field(default_factory=list)
    triggers: list[Trigger] = Field(default_factory=list)
    alternatives: list[Alternative] = Field(default_factory=list)
    dmu: list[DmuMember] = Field(default_factory=list)
    # items of a category added to the table beyond the four built-in lists, by category name
    more: dict[str, list[SerializeAsAny[Item]]] = Field(default_factory=dict)
    traits: AccountTraits = Field(default_factory=AccountTraits)
    stats: ExtractionStats = Field(default_factory=ExtractionStats)
    failed_chunks: list[ChunkFailure] = Field(default_factory=list)

    @property
    def partial(self) -> bool:
        return bool(self.failed_chunks)

    def items(self) -> list[Item]:
        return [it for c in CATEGORIES for it in self.of(c)]

    def of(self, category: str) -> list[Item]:
        """The items of one category of the table (its own list, or its entry in `more`)."""
        field = CATEGORIES[category].field
        return getattr(self, field) if field in type(self).model_fields else self.more.setdefault(category, [])

    def add(self, item: Item) -> None:
        """File an item under its category's list."""
        self.of(item.category).append(item)

    @model_serializer(mode="wrap")
    def _without_empty_more(self, handler):
        # stored extractions of the built-in categories read exactly as before `more` existed
        data = handler(self)
        if isinstance(data, dict) and not any((data.get("more") or {}).values()):
            data.pop("more", None)
        return data

    @field_validator("more", mode="before")
    @classmethod
    def _typed(cls, v):
        # each list read as its category's item class; a category no longer in the table is left out
        return {c: [CATEGORIES[c].model.model_validate(x) if isinstance(x, dict) else x for x in xs]
                for c, xs in (v or {}).items() if c in CATEGORIES}


def export_schema() -> dict:
    """JSON schema of the public artifacts, for tools that consume synth's output."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "synth artifacts",
        "schema_version": SCHEMA_VERSION,
        "definitions": {
            "Transcript": Transcript.model_json_schema(),
            "AccountRow": AccountRow.model_json_schema(),
            "Extraction": Extraction.model_json_schema(),
        },
    }


# --------------------------------------------------------------------------- themes

class ScoreComponent(BaseModel):
    """One line of a theme's rank breakdown: raw value, weight from the rules file, points."""

    name: str
    value: float
    weight: float
    points: float
    note: str = ""


class Theme(BaseModel):
    """A cluster of items of one category, recurring across interviews, reviewed by a person."""

    id: str = Field(description="stable across re-runs: matched to earlier themes by member overlap")
    category: str = Field(description="a category of the table (synth/categories.py)")
    label: str
    definition: Optional[str] = None
    keyphrases: list[str] = Field(default_factory=list)
    item_ids: list[str] = Field(default_factory=list)
    representative_quote: Optional[Evidence] = None
    files: list[str] = Field(default_factory=list, description="distinct interviews with evidence")
    accounts: list[str] = Field(default_factory=list)
    won: int = 0
    lost: int = 0
    score: float = 0.0
    breakdown: list[ScoreComponent] = Field(default_factory=list)
    rank: int = 0
    pinned: bool = False
    label_source: Literal["ctfidf", "llm", "review"] = "ctfidf"


class DmuRoleSummary(BaseModel):
    role: DmuRole
    titles: dict[str, int] = Field(default_factory=dict, description="canonical title -> mentions")
    files: list[str] = Field(default_factory=list)
    item_ids: list[str] = Field(default_factory=list)


class StoredLabel(BaseModel):
    """A label made by the LLM for exactly these members: it stands while the theme's members do."""

    members: list[str] = Field(description="the theme's member ids, sorted, when the label was made")
    label: str
    definition: Optional[str] = None


class ThemeRun(BaseModel):
    """How a ThemeSet was made. Every re-assembly (a review decision in the CLI or the browser) reads
    it, so a decision never changes the embedding model, the rank rules or the labels behind the user."""

    params: dict = Field(default_factory=dict, description="the clusterer's parameters (ClusterParams)")
    embedding_model: Optional[str] = Field(None, description="sentence-transformers model path; None: bundled")
    rules_path: Optional[str] = Field(None, description="rank rules file; None: the bundled rules")
    label_policy: Literal["keywords", "llm"] = "keywords"
    labels: list[StoredLabel] = Field(default_factory=list, description="LLM labels, keyed by their members")


class ThemeSet(BaseModel):
    themes: list[Theme] = Field(default_factory=list)
    unclustered: dict[str, list[str]] = Field(
        default_factory=dict, description="category -> item ids left outside every theme"
    )
    dismissed: list[str] = Field(default_factory=list, description="items raised then dismissed")
    dmu: list[DmuRoleSummary] = Field(default_factory=list)
    raw_clusters: dict[str, list[str]] = Field(
        default_factory=dict, description="theme id -> member ids before review decisions")
    next_id: dict[str, int] = Field(default_factory=dict)
    stale_decisions: list[str] = Field(default_factory=list)
    labels_not_shown: dict[str, str] = Field(
        default_factory=dict, description="theme id -> why its LLM label failed the check (synth/llm/shown.py)")
    n_interviews: int = 0
    run: ThemeRun = Field(default_factory=ThemeRun)

    @model_validator(mode="before")
    @classmethod
    def _params_into_run(cls, data):
        # theme runs stored before ThemeRun kept only the cluster parameters, at the top level
        if isinstance(data, dict) and "params" in data and "run" not in data:
            data = {**data, "run": {"params": data["params"]}}
            data.pop("params")
        return data
