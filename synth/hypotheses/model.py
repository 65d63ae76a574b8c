"""The hypotheses stage's typed artifacts: what a team claims, and what each interview says about it.

A hypothesis is tested per interview: `supports`, `contradicts` or `silent`, and every stance other
than silent carries the verbatim interviewee quotes that decided it. Per hypothesis the counts, the
share of interviews with a Wilson 95% interval, the won/lost/open split with Fisher's exact test and a
one-line verdict that says when the numbers are too few to tell.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal, Optional

from pydantic import BaseModel, Field

from synth.models import Category, Evidence, Outcome

Stance = Literal["supports", "contradicts", "silent"]
STANCES: tuple[str, ...] = ("supports", "contradicts", "silent")
Method = Literal["llm", "related", "items"]

# how each method decides, in the words the report and the CLI show
METHOD_TEXT: dict[str, str] = {
    "llm": "LLM judgement: one call per (hypothesis set, transcript chunk); every quote it cites is "
           "located verbatim in an interviewee turn and checked to be about the hypothesis",
    "related": "related evidence (offline, no LLM): extracted items and interviewee sentences that are "
               "closer to this hypothesis than to the others of the set (MiniLM similarity), so a "
               "subject the interviews raise that no hypothesis names can count for the nearest one; "
               "an alternative also where an interviewee names a product the hypothesis names; "
               "\"contradicts\" only where a clear dismissal is said (\"not really an issue\"). "
               "It finds where the subject comes up, not whether the claim is true",
    "items": "extracted items: an interview supports the ICP criterion when it has one of the items "
             "the criterion was built from (the same evidence icp.yaml cites)",
}


class Hypothesis(BaseModel):
    """One claim to test (a `hypotheses.yaml` entry, or an interview-derived ICP criterion)."""

    id: str = Field(min_length=1, max_length=80)
    text: str = Field(min_length=3, max_length=600)
    category: Optional[Category] = None
    source: Literal["file", "icp"] = "file"
    item_ids: list[str] = Field(default_factory=list, description="ICP criteria: the items they count")


class InterviewStance(BaseModel):
    file: str
    account: str
    outcome: Optional[Outcome] = None
    date: Optional[dt.date] = None
    stance: Stance = "silent"
    quotes: list[Evidence] = Field(default_factory=list, description="verbatim, interviewee turns only")
    score: Optional[float] = Field(None, description="related evidence: the interview's similarity score")
    mixed: bool = Field(False, description="quotes both for and against were found")
    note: str = ""


class OutcomeSplit(BaseModel):
    """Interviews supporting the hypothesis among won, lost and open accounts' interviews."""

    won: int = 0
    won_total: int = 0
    lost: int = 0
    lost_total: int = 0
    open: int = 0
    open_total: int = 0
    p_value: Optional[float] = Field(None, description="Fisher's exact test, two-sided, won vs lost")
    odds_ratio: Optional[float] = None


class HypothesisResult(BaseModel):
    hypothesis: Hypothesis
    method: Method
    interviews: list[InterviewStance] = Field(default_factory=list)
    supports: int = 0
    contradicts: int = 0
    silent: int = 0
    share: Optional[float] = Field(None, description="supporting interviews / all interviews")
    ci_low: Optional[float] = None
    ci_high: Optional[float] = None
    split: OutcomeSplit = Field(default_factory=OutcomeSplit)
    verdict: str = ""


class HypothesisRun(BaseModel):
    """One test of a hypothesis set against the study's current interviews."""

    source: Optional[str] = Field(None, description="the hypotheses file, or 'icp.yaml'")
    method: Method
    method_text: str = ""
    model: Optional[str] = None
    prompt_version: Optional[str] = None
    interviews: int = 0
    results: list[HypothesisResult] = Field(default_factory=list)
    calls: int = 0
    cache_hits: int = 0
    failed_chunks: int = 0
    quotes_proposed: int = 0
    quotes_grounded: int = Field(0, description="located verbatim in an interviewee turn")
    quotes_off_topic: int = Field(0, description="verbatim but not about the hypothesis: not shown")
    notes: list[str] = Field(default_factory=list)


class StoredHypotheses(BaseModel):
    """What the workspace keeps: the latest run of hypotheses.yaml and of the ICP's own criteria."""

    file: Optional[HypothesisRun] = None
    icp: Optional[HypothesisRun] = None

    def runs(self) -> list[HypothesisRun]:
        return [r for r in (self.file, self.icp) if r is not None]


class DryRunHypotheses(BaseModel):
    model: str
    hypotheses: int
    chunks: int
    cached: int
    first_requests: int = Field(0, description="chunks not cached: one first request each")
    calls: int = Field(description="first requests plus the expected re-asks (an estimate)")
    tokens_in: int = Field(description="input tokens of those calls, schema and system prompt included")
    tokens_out_estimate: int
    cost_usd: Optional[float] = Field(description="None: the model's price is unknown")
    reask_note: str = Field("", description="where the re-ask estimate comes from")
