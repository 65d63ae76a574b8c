"""What the LLM is asked to return for one chunk: the contract instructor validates against.

Quotes are plain strings here; grounding turns them into `Evidence` with spans, or drops them.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, create_model, model_validator

# each category's output class lives in its table entry (synth/categories.py); re-exported here
from synth.categories import (  # noqa: F401
    CATEGORIES,
    AlternativeOut,
    DmuOut,
    PainOut,
    Quote,
    QuotedOut,
    TriggerOut,
)


class TraitOut(BaseModel):
    field: Literal["employees", "industry", "country", "stage", "tech_stack", "budget"]
    value: str
    quote: Quote


class _ChunkAnswer(BaseModel):
    @model_validator(mode="before")
    @classmethod
    def _names_its_lists(cls, data):
        # A reply with none of the lists ("{}") is a model that answered nothing, not a chunk with
        # nothing in it: refusing it makes instructor re-ask instead of silently losing the chunk.
        # Omitting some lists stays fine (small models often leave out the empty ones).
        if isinstance(data, dict) and not any(k in data for k in cls.model_fields):
            n = len(cls.model_fields)
            raise ValueError(f"the answer names none of {', '.join(cls.model_fields)}: "
                             f"return all {_WORDS[n] if n < len(_WORDS) else n} lists, empty where the chunk has "
                             "nothing")
        return data


_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_SCHEMAS: dict[tuple, type[_ChunkAnswer]] = {}


def chunk_schema() -> type[_ChunkAnswer]:
    """The chunk answer's class, built from the categories table: one list of each category's output
    class (under its `field`, in table order), then the account traits. Built once per table."""
    specs = list(CATEGORIES.values())
    key = tuple((s.field, s.output, s.noun) for s in specs)
    if key not in _SCHEMAS:
        nouns = [s.noun for s in specs]
        about = f"{', '.join(nouns[:-1])} and {nouns[-1]}" if len(nouns) > 1 else nouns[0]
        fields: dict = {s.field: (list[s.output], Field(default_factory=list)) for s in specs}
        fields["traits"] = (list[TraitOut], Field(default_factory=list))
        _SCHEMAS[key] = create_model(  # type: ignore[call-overload]
            "ChunkExtraction", __base__=_ChunkAnswer, __module__=__name__,
            __doc__=f"Everything the interviewee said in this chunk about {about}.", **fields)
    return _SCHEMAS[key]


# the built-in table's schema (what tests and callers that never add a category import)
ChunkExtraction = chunk_schema()
