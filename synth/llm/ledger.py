"""Every request a session sent, with its tokens, whether or not anything useful came back.

instructor sends one HTTP request per validation re-ask, and a request that timed out or failed was
still read by the server (a local model spent its time on it; a hosted API may bill it), so counting
"chunks answered" undercounts. The session counts each HTTP request here, by purpose, from instructor's
own hooks (`completion:kwargs` before every request, `completion:response` after each reply),
and writes one call-log row per request. Cache hits are counted apart: they send nothing.
"""
from __future__ import annotations

import contextvars
from typing import Optional

from pydantic import BaseModel, Field

# purposes that find out how to talk to the endpoint rather than doing the study's work: reported as
# the probe, never as failed calls
PROBE_PURPOSES = frozenset({"probe", "wait"})


class RequestCount(BaseModel):
    sent: int = 0  # HTTP requests sent (re-asks, retries and failures included)
    replied: int = 0  # a reply came back (used, re-asked or given up on)
    cache_hits: int = 0  # answered from the cache: nothing sent
    cancelled: int = 0  # stopped by synth mid-request (a failed file's other chunks, a stop): not in `sent`
    tokens_in: int = 0
    tokens_out: int = 0
    tokens_in_counted: int = Field(0, description="of tokens_in, counted by synth (no usage came back)")
    cost_usd: Optional[float] = 0.0  # None: the price of this model is unknown

    def add(self, other: "RequestCount") -> None:
        for f in ("sent", "replied", "cache_hits", "cancelled", "tokens_in", "tokens_out", "tokens_in_counted"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.cost_usd = None if self.cost_usd is None or other.cost_usd is None else self.cost_usd + other.cost_usd


class Ledger(BaseModel):
    by_purpose: dict[str, RequestCount] = Field(default_factory=dict)
    by_scope: dict[str, RequestCount] = Field(default_factory=dict)  # per interview file (SCOPE)

    def of(self, purpose: str) -> RequestCount:
        return self.by_purpose.setdefault(purpose, RequestCount())

    def scoped(self) -> Optional[RequestCount]:
        """The count of the file being extracted in this task (None outside one)."""
        name = SCOPE.get()
        return None if name is None else self.by_scope.setdefault(name, RequestCount())

    def work(self) -> RequestCount:
        """Everything but the probe: the requests the study's stages made."""
        tot = RequestCount()
        for p, c in self.by_purpose.items():
            if p not in PROBE_PURPOSES:
                tot.add(c)
        return tot

    def probe(self) -> RequestCount:
        tot = RequestCount()
        for p in PROBE_PURPOSES:
            if p in self.by_purpose:
                tot.add(self.by_purpose[p])
        return tot


class Attempt:
    """The HTTP requests of one `_attempt` (a first ask plus instructor's re-asks), filled by the hooks."""

    def __init__(self) -> None:
        self.sent = 0
        self.replies: list[tuple[int, int]] = []  # (tokens in, out) of each reply, read when it came


CURRENT: contextvars.ContextVar[Optional[Attempt]] = contextvars.ContextVar("synth_attempt", default=None)
# the interview file a task extracts: its requests are also counted under it (Ledger.by_scope)
SCOPE: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("synth_scope", default=None)


def on_kwargs(*_args, **_kw) -> None:
    a = CURRENT.get()
    if a is not None:
        a.sent += 1


def on_response(completion) -> None:
    from synth.llm.replies import usage

    a = CURRENT.get()
    if a is not None:
        a.replies.append(usage(completion))
