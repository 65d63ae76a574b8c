"""What can go wrong with an LLM call, and what synth does about each kind.

`classify` sorts an exception (instructor wraps the provider's) into: 'down' (timeout or connection
error: retried, and counted by the session's circuit breaker), 'retry' (429, 5xx), 'shape' (a 4xx/5xx
that names how structure was asked for: never retried, the mode is wrong), 'fatal' (bad key, unknown
model, bad request: the run stops), 'truncated' (the reply hit max_tokens) or 'chunk' (this chunk
failed validation; the run goes on).
"""
from __future__ import annotations

import asyncio
import json
import random
import time
from email.utils import parsedate_to_datetime
from typing import Optional

from synth.llm.modes import names_request_shape


class FatalProviderError(RuntimeError):
    """Retrying cannot help (bad key, unknown model, refused request shape): stop the whole run at once."""


class EndpointDown(FatalProviderError):
    """The endpoint did not answer (timeouts or connection errors in a row): stop, keep what is cached."""


class ChunkFailed(RuntimeError):
    pass


class Truncated(RuntimeError):
    """The reply hit `max_tokens` (finish_reason length): re-asked with the chunk in two halves."""

    def __init__(self, tokens_in: int, tokens_out: int, loop: bool):
        super().__init__(f"reply cut off at the token cap ({tokens_out} tokens)")
        self.tokens_in, self.tokens_out, self.loop = tokens_in, tokens_out, loop


def retry_after(exc: Exception) -> Optional[float]:
    resp = getattr(exc, "response", None)
    headers = getattr(resp, "headers", None)
    if not headers:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    ra = headers.get("retry-after")
    if not ra:
        return None
    try:
        return float(ra)
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(ra).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def api_error(exc: BaseException) -> BaseException:
    """The provider's exception under instructor's wrappers (or `exc` itself)."""
    import openai

    inner = exc
    for _ in range(6):
        if isinstance(inner, openai.APIError):
            return inner
        nxt = inner.__cause__ or inner.__context__
        if nxt is None:
            break
        inner = nxt
    return inner


def status_text(inner: BaseException) -> str:
    body = getattr(inner, "body", None)
    return f"{inner} {json.dumps(body) if body is not None else ''}"


def classify(exc: BaseException) -> str:
    """'down' (timeout / connection: counts toward the breaker, retried), 'retry', 'fatal', 'shape'
    (the request's shape was refused: never retried), 'truncated' or 'chunk' (this chunk failed)."""
    import openai
    from instructor.core import IncompleteOutputException

    if isinstance(exc, IncompleteOutputException):
        return "truncated"
    inner = api_error(exc)
    if isinstance(inner, IncompleteOutputException):
        return "truncated"
    if isinstance(inner, (openai.APITimeoutError, openai.APIConnectionError, asyncio.TimeoutError)):
        return "down"
    if isinstance(inner, openai.APIStatusError) and names_request_shape(inner.status_code, status_text(inner)):
        return "shape"
    if isinstance(inner, (openai.AuthenticationError, openai.PermissionDeniedError, openai.NotFoundError)):
        return "fatal"
    if isinstance(inner, (openai.RateLimitError, openai.InternalServerError, openai.ConflictError)):
        return "retry"
    if isinstance(inner, openai.APIStatusError) and inner.status_code >= 500:
        return "retry"
    if isinstance(inner, openai.BadRequestError):
        return "fatal"
    if isinstance(inner, json.JSONDecodeError):
        return "retry"
    return "chunk"


def backoff_delay(attempt: int, rng: random.Random, base: float = 0.5, cap: float = 30.0) -> float:
    """Exponential backoff with full jitter between half and all of the step."""
    step = min(cap, base * (2 ** attempt))
    return step * (0.5 + rng.random() / 2)
