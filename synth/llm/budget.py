"""Bounded generation: how many tokens a call may write, where to cut a chunk in two, and loop detection.

A server left to decide how long to write lets a small model that loops ("the the the ...") generate
until the context is full: 4,130 tokens and 128 s for one chunk with SmolLM2-135M on 2 cores. Every call
therefore sends `max_tokens`, derived from what the schema can hold and how much text it reads:
a schema with lists (an extraction) grows with its input, a fixed-size one (a theme label) does not.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Optional

from pydantic import BaseModel

# An extraction writes at most a fraction of what it reads (quotes are 6-40 words, one item per point);
# 0.6 of the chunk plus a floor leaves room for a long honest answer and still stops a loop early.
OUTPUT_PER_INPUT = 0.6
LIST_FLOOR = 512
FIELD_TOKENS = 160  # a fixed-size schema: one short sentence per field, plus the JSON around it
MIN_TOKENS, MAX_TOKENS = 256, 4096


@lru_cache(maxsize=64)
def schema_shape(model: type[BaseModel]) -> tuple[int, bool]:
    """(leaf fields, whether any field is a list) of the model's JSON schema, $refs followed."""
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    leaves, lists = 0, False

    def walk(node: Any, depth: int) -> None:
        nonlocal leaves, lists
        if depth > 12 or not isinstance(node, dict):
            return
        if "$ref" in node:
            walk(defs.get(node["$ref"].rsplit("/", 1)[-1], {}), depth + 1)
            return
        for alt in node.get("anyOf", []) + node.get("allOf", []):
            walk(alt, depth + 1)
        if node.get("type") == "array":
            lists = True
            walk(node.get("items", {}), depth + 1)
        elif node.get("type") == "object" or "properties" in node:
            for sub in node.get("properties", {}).values():
                walk(sub, depth + 1)
        elif "type" in node or "enum" in node:
            leaves += 1

    walk(schema, 0)
    return leaves, lists


def max_tokens_for(model: type[BaseModel], input_tokens: int, override: Optional[int] = None) -> int:
    """`override` (--max-tokens / max_tokens in synth.yaml) wins; else derived from schema and input."""
    if override:
        return int(override)
    leaves, lists = schema_shape(model)
    if lists:
        n = LIST_FLOOR + int(OUTPUT_PER_INPUT * input_tokens)
    else:
        n = 128 + FIELD_TOKENS * max(1, leaves)
    return max(MIN_TOKENS, min(MAX_TOKENS, n))


def split_in_two(text: str) -> Optional[tuple[str, str]]:
    """The chunk cut at the line break nearest its middle (else the space nearest it); None if it cannot be."""
    mid = len(text) // 2
    for sep in ("\n", " "):
        left, right = text.rfind(sep, 0, mid + 1), text.find(sep, mid)
        cands = [i for i in (left, right) if 0 < i < len(text) - 1]
        if cands:
            cut = min(cands, key=lambda i: abs(i - mid))
            a, b = text[:cut].strip(), text[cut + 1:].strip()
            if a and b:
                return a, b
    return None


_CLOSERS = " \t\r\n]}\",'"


def repetition_loop(text: str, *, max_period: int = 200, min_chars: int = 120, min_repeats: int = 6) -> bool:
    """Whether `text` ends in the same few characters repeated over and over.

    The tail (closing brackets stripped, so a loop the model did close is still seen) must repeat with
    some period p <= `max_period` for max(`min_chars`, `min_repeats` * p) characters: "the the the" (p=4)
    needs 30 repeats, a repeated 80-character JSON object 6. Honest lists of different items never do."""
    s = text.rstrip(_CLOSERS)
    n = len(s)
    for p in range(1, max_period + 1):
        w = max(min_chars, min_repeats * p)
        if n < w + p:
            break
        if s[n - w:] == s[n - w - p:n - p]:
            return True
    return False


def completion_text(completion: Any) -> str:
    """What the model wrote: message content, or the tool call's arguments."""
    try:
        msg = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return ""
    calls = getattr(msg, "tool_calls", None) or []
    if calls:
        return "".join(getattr(getattr(c, "function", None), "arguments", "") or "" for c in calls)
    return getattr(msg, "content", None) or ""


def finish_reason(completion: Any) -> Optional[str]:
    try:
        return completion.choices[0].finish_reason
    except (AttributeError, IndexError, TypeError):
        return None
