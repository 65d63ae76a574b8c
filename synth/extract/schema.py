"""What the LLM is asked to return for one chunk: the contract instructor validates against.

Quotes are plain strings here; grounding turns them into `Evidence` with spans, or drops them.
"""
from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import BaseModel, Field, WithJsonSchema, field_validator, model_validator

from synth.models import AlternativeKind, DmuRole, Quantity, TriggerKind

Quote = str


class _Quoted(BaseModel):
    quotes: list[Quote] = Field(description="verbatim spans from INTERVIEWEE lines, 6-40 words each")
    dismissed: bool = Field(False, description="raised then dismissed by the speaker")

    @field_validator("quotes")
    @classmethod
    def _strip(cls, v: list[str]) -> list[str]:
        # an item with no quote is not refused here: refusing would fail (and re-send) the whole
        # chunk; it is dropped and counted like an item whose quotes cannot be found
        return [q.strip() for q in v if q and q.strip()]


class PainOut(_Quoted):
    statement: str = Field(description="short plain statement of the operational problem")
    # the model is told 1-5 (the schema it sees is exactly Field(ge=1, le=5)'s), but a 7 is not a reason
    # to throw away the chunk's answer: llm_run clamps it and counts it (`values_clamped`)
    severity: Annotated[int, WithJsonSchema({"maximum": 5, "minimum": 1, "title": "Severity", "type": "integer"})]
    quantity: Optional[Quantity] = None


class TriggerOut(_Quoted):
    event: str
    kind: TriggerKind
    when: Optional[str] = None


class AlternativeOut(_Quoted):
    name: str
    kind: AlternativeKind
    shortfall: Optional[str] = None


class DmuOut(_Quoted):
    name: Optional[str] = None
    title: Optional[str] = None
    role: DmuRole


class TraitOut(BaseModel):
    field: Literal["employees", "industry", "country", "stage", "tech_stack", "budget"]
    value: str
    quote: Quote


class ChunkExtraction(BaseModel):
    """Everything the interviewee said in this chunk about pains, triggers, alternatives and buyers."""

    pains: list[PainOut] = Field(default_factory=list)
    triggers: list[TriggerOut] = Field(default_factory=list)
    alternatives: list[AlternativeOut] = Field(default_factory=list)
    dmu: list[DmuOut] = Field(default_factory=list)
    traits: list[TraitOut] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _names_its_lists(cls, data):
        # A reply with none of the lists ("{}") is a model that answered nothing, not a chunk with
        # nothing in it: refusing it makes instructor re-ask instead of silently losing the chunk.
        # Omitting some lists stays fine (small models often leave out the empty ones).
        if isinstance(data, dict) and not any(k in data for k in cls.model_fields):
            raise ValueError("the answer names none of pains, triggers, alternatives, dmu, traits: "
                             "return all five lists, empty where the chunk has nothing")
        return data
