"""What came back from a call: token usage, whether a reply hit the cap, instructor's re-ask policy.

Kept apart from the session (caller.py) because each is a fact about one reply, not about the run.
"""
from __future__ import annotations

import contextvars
from typing import Any

from pydantic import BaseModel

from synth.llm.budget import finish_reason
from synth.llm.errors import api_error


def usage(completion: Any) -> tuple[int, int]:
    u = getattr(completion, "usage", None)
    return (getattr(u, "prompt_tokens", 0) or 0, getattr(u, "completion_tokens", 0) or 0)


# the last raw reply of the request running in this task (instructor hook), for `revalidate`
LAST_REPLY: contextvars.ContextVar = contextvars.ContextVar("synth_last_reply", default=None)


def revalidate(validation_retries: int, max_tokens: int):
    """instructor's validation re-asks, except after a reply cut off at the cap: asking the same
    question again gets the same loop, so that reply goes to the halves at once (`hit_cap`)."""
    from instructor.v2.core.retry import _RETRYABLE_PARSE_ERRORS  # what instructor itself re-asks on
    from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

    def worth_asking_again(exc: BaseException) -> bool:
        if not isinstance(exc, _RETRYABLE_PARSE_ERRORS):
            return False  # HTTP errors are the session's to retry, as with instructor's own default
        reply = LAST_REPLY.get()
        return reply is None or not (finish_reason(reply) == "length" or usage(reply)[1] >= max_tokens)

    return AsyncRetrying(stop=stop_after_attempt(validation_retries + 1),
                         retry=retry_if_exception(worth_asking_again), reraise=True)


def completions(exc: BaseException) -> list:
    """Every reply behind a failed call: instructor's failed attempts (validation re-asks), else the last."""
    attempts = getattr(exc, "failed_attempts", None) or []
    comps = [a.completion for a in attempts if getattr(a, "completion", None) is not None]
    last = getattr(exc, "last_completion", None) or getattr(api_error(exc), "last_completion", None)
    return comps or ([last] if last is not None else [])


def hit_cap(exc: BaseException, max_tokens: int) -> bool:
    """Whether a reply that failed validation was cut off at `max_tokens`. llama-cpp-python 0.3.36 says
    finish_reason "tool_calls" for a forced tool call cut off at the cap (recorded), so the count
    of tokens written decides, not only finish_reason."""
    return any(finish_reason(c) == "length" or usage(c)[1] >= max_tokens for c in completions(exc))


def schema_class(model: type[BaseModel]) -> type[BaseModel]:
    """`model` as instructor's OpenAISchema subclass, built once per model.

    Given a plain pydantic model, instructor builds a new subclass on every call, and so a new JSON
    schema (its schema cache is per class): ~10 ms of CPU per request, which with 8 requests in
    flight delays the others (benchmarks/README.md)."""
    if model not in _SCHEMA_CLASSES:
        import instructor

        _SCHEMA_CLASSES[model] = model if issubclass(model, instructor.OpenAISchema) else \
            instructor.openai_schema(model)
    return _SCHEMA_CLASSES[model]


_SCHEMA_CLASSES: dict[type, type] = {}
