"""The report's data: one pydantic model that both renderers (HTML, Markdown) read.

Everything here is plain data (no workspace handles, no numpy), so a `ReportData` can be dumped to
JSON, compared between runs and rendered twice to the same bytes.
"""
from __future__ import annotations

from typing import Optional

from pydantic import BaseModel, Field

from synth.hypotheses import HypothesisRun
from synth.models import ScoreComponent
from synth.themes.saturation import Saturation


def hms(seconds: Optional[float]) -> Optional[str]:
    """00:03:12 for 192.4 seconds; None when the format had no cue times."""
    if seconds is None:
        return None
    s = max(0, int(seconds))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def cite(file: str, speaker: str, start: Optional[float]) -> str:
    """Where a quote was said, as the CLI, the report and the browser write it: file · speaker · 00:03:12
    (the time only where the format has one)."""
    return " · ".join(x for x in (file, speaker, hms(start)) if x)


def pct(x: Optional[float]) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


def num(x: Optional[float]) -> str:
    return "–" if x is None else f"{x:.2f}"


def human(x: object) -> str:
    return str(x).replace("_", " ")


class QuoteRef(BaseModel):
    """A verbatim quote and where it was said."""

    quote: str
    file: str
    speaker: str
    start: Optional[float] = Field(None, description="seconds from the start of the recording")
    timestamp: Optional[str] = Field(None, description="start as hh:mm:ss")
    char_start: int
    char_end: int
    match: str = "exact"
    item_id: Optional[str] = None
    statement: Optional[str] = None

    @property
    def cite(self) -> str:
        return cite(self.file, self.speaker, self.start)


class ThemeView(BaseModel):
    id: str
    category: str
    code: str = Field(description="short tag used in charts: P1, T2, A3")
    label: str
    definition: Optional[str] = None
    keyphrases: list[str] = Field(default_factory=list)
    rank: int
    score: float
    pinned: bool = False
    label_source: str = "ctfidf"
    items: int
    interviews: int
    coverage: float = Field(description="share of interviews with evidence for the theme")
    accounts: list[str] = Field(default_factory=list)
    won: int = Field(0, description="won accounts mentioning the theme")
    lost: int = 0
    won_share: Optional[float] = Field(None, description="won accounts mentioning it / all won accounts")
    lost_share: Optional[float] = None
    breakdown: list[ScoreComponent] = Field(default_factory=list)
    quotes: list[QuoteRef] = Field(default_factory=list)


class AlternativeView(BaseModel):
    name: str
    kind: str
    mentions: int
    interviews: int
    won: int = 0
    lost: int = 0
    theme_code: Optional[str] = None
    shortfalls: list[str] = Field(default_factory=list)
    quote: Optional[QuoteRef] = None


class DmuRoleView(BaseModel):
    role: str
    titles: list[tuple[str, int]] = Field(default_factory=list, description="title, mentions; most first")
    interviews: int
    quote: Optional[QuoteRef] = None


class ItemNote(BaseModel):
    """An item outside every theme, or one the speaker raised and then dismissed."""

    id: str
    category: str
    statement: str
    quote: Optional[QuoteRef] = None


class StudySummary(BaseModel):
    title: str = "Interview synthesis"
    interviews: int = 0
    accounts: int = 0
    won: int = 0
    lost: int = 0
    open: int = Field(0, description="open or no outcome")
    extractors: dict[str, int] = Field(default_factory=dict, description="extractor -> interviews")
    models: list[str] = Field(default_factory=list)
    prompt_versions: list[str] = Field(default_factory=list)
    items: dict[str, int] = Field(default_factory=dict, description="category -> extracted items")
    dismissed: int = 0
    quotes_proposed: int = 0
    quotes_grounded: int = 0
    grounding_rate: Optional[float] = None
    items_dropped: int = Field(0, description="proposed items whose quotes were not found verbatim")
    quotes_grounded_first: int = 0
    quotes_reasked: int = Field(0, description="found after the model was asked again for the exact words")
    quotes_salvaged: int = Field(0, description="cut down to their longest verbatim run")
    quotes_dropped: int = 0
    fields_nulled: int = Field(0, description="fields emptied: their evidence does not say them")
    fields_corrected: int = Field(0, description="fields set to what their evidence says")
    statements_replaced: int = Field(0, description="statements their quotes did not say, shown as the quote's "
                                                    "own clause (synth/extract/support.py)")
    items_unsupported: int = Field(0, description="items dropped: no quote of theirs says their statement")
    partial_files: list[str] = Field(default_factory=list, description="interviews with chunks the model "
                                                                       "never answered (asked again next run)")
    chunks_failed: int = 0
    extraction_calls: int = 0
    extraction_cache_hits: int = 0
    llm_calls: int = Field(0, description="HTTP requests in the workspace call log (all runs), the probe's apart")
    llm_failed: int = Field(0, description="requests that got no usable reply (timeouts, errors, refusals)")
    probe_requests: int = Field(0, description="requests finding the mode or waiting for a busy local server")
    llm_purposes: dict[str, int] = Field(default_factory=dict)
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    unpriced_calls: int = Field(0, description="calls to a hosted model prices.yaml does not list: cost unknown")
    themes: dict[str, int] = Field(default_factory=dict)
    stale_decisions: list[str] = Field(default_factory=list)

    def cost_text(self, digits: int = 2) -> str:
        """The LLM cost as every format shows it: never a $0 for calls whose price is unknown."""
        if self.unpriced_calls and not self.cost_usd:
            return "unknown (model not in prices.yaml)"
        known = f"${self.cost_usd:.{digits}f}"
        return f"{known} + {self.unpriced_calls} calls unpriced" if self.unpriced_calls else known

    def grounding_text(self) -> str:
        """How every proposed quote and fact-claiming field fared: one sentence for every format."""
        pct = f"{self.grounding_rate:.0%}" if self.grounding_rate is not None else "–"
        out = (f"{self.quotes_grounded} of {self.quotes_proposed} quotes found in the transcripts ({pct}): "
               f"{self.quotes_grounded_first} as proposed, {self.quotes_reasked} after a re-ask, "
               f"{self.quotes_salvaged} cut to their verbatim part; {self.quotes_dropped} dropped")
        if self.items_dropped:
            out += f", {self.items_dropped} items with no quote left dropped"
        out += (f". Statements their quotes do not say: {self.statements_replaced} shown as the quote's own "
                f"words, {self.items_unsupported} items dropped")
        out += (f". Fields not said by their quotes: {self.fields_nulled} emptied, "
                f"{self.fields_corrected} corrected to what the quote says")
        if self.partial_files:
            out += (f". Partial: {self.chunks_failed} chunks of {len(self.partial_files)} interviews "
                    f"({', '.join(self.partial_files)}) never answered by the model, asked again next run")
        return out


class TraitView(BaseModel):
    attribute: str
    label: str
    direction: str = "positive"
    disqualifier: bool = False
    won: int = 0
    lost: int = 0
    accounts: int = 0
    quotes: list[QuoteRef] = Field(default_factory=list)


class RuleView(BaseModel):
    id: str
    kind: str = Field(description="criterion or disqualifier")
    attribute: str
    field: str
    condition: str
    points: int
    label: str
    evidence: str = ""


class TierView(BaseModel):
    tier: str
    accounts: int
    won: int
    lost: int
    open: int
    conversion: Optional[float] = None


class ValidationView(BaseModel):
    accounts: int
    won: int
    lost: int
    open: int
    lift: Optional[float] = None
    auc: Optional[float] = None
    recall: Optional[float] = None
    top_tier_share: Optional[float] = None
    passed: bool = False
    tiers: list[TierView] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    in_sample: str = Field("", description="lift, AUC, recall with bootstrap intervals, in sample")
    out_of_sample: str = Field("", description="the same, each account scored by rules learned without it")
    out_of_sample_method: str = ""
    verdict: str = ""
    verdict_basis: str = ""


class ScoredAccount(BaseModel):
    company: str
    score: int
    score_max: Optional[int] = Field(None, description="the score if every unknown criterion matched")
    tier: str
    outcome: Optional[str] = None
    positive: list[str] = Field(default_factory=list)
    negative: list[str] = Field(default_factory=list)
    unknowns: list[str] = Field(default_factory=list)


class IcpView(BaseModel):
    narrative: str = ""
    narrative_source: str = "template"
    rules_file: Optional[str] = Field(None, description="file name of the rules file (icp.yaml)")
    tiers: dict[str, int] = Field(default_factory=dict, description="tier -> minimum score")
    traits: list[TraitView] = Field(default_factory=list)
    rules: list[RuleView] = Field(default_factory=list)
    validation: Optional[ValidationView] = None
    accounts: list[ScoredAccount] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    not_scored: Optional[str] = Field(None, description="why no account has a fit score (no account data)")


class MapPoint(BaseModel):
    item_id: str
    category: str
    theme_code: Optional[str] = None
    x: float
    y: float


class ReportData(BaseModel):
    summary: StudySummary = Field(default_factory=StudySummary)
    theme_sections: dict[str, list[ThemeView]] = Field(
        default_factory=dict, description="ranked themes of each category whose themes form by meaning (the "
                                          "table's grouping 'embedding'), in the order the table shows them")
    alternatives: list[AlternativeView] = Field(default_factory=list)
    dmu: list[DmuRoleView] = Field(default_factory=list)
    unclustered: dict[str, int] = Field(default_factory=dict)
    unclustered_items: list[ItemNote] = Field(default_factory=list)
    dismissed: list[ItemNote] = Field(default_factory=list)
    icp: Optional[IcpView] = None
    item_map: list[MapPoint] = Field(default_factory=list)
    map_note: Optional[str] = None
    hypotheses: list[HypothesisRun] = Field(default_factory=list, description="hypotheses.yaml, then the ICP's")
    saturation: Optional[Saturation] = None

    def sections(self) -> list[tuple[str, list[ThemeView]]]:
        """(category, its ranked themes) for every category whose themes form by meaning, in the table's
        order, themes or none: the report has a section for each."""
        from synth.models import CATEGORIES, THEME_SECTIONS

        return [(c, self.theme_sections.get(c, [])) for c in THEME_SECTIONS if CATEGORIES[c].grouping == "embedding"]

    @property
    def themes(self) -> list[ThemeView]:
        return [t for _, views in self.sections() for t in views]

    @property
    def triggers(self) -> list[ThemeView]:
        return self.theme_sections.get("trigger", [])

    @property
    def pains(self) -> list[ThemeView]:
        return self.theme_sections.get("pain", [])
