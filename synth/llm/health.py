"""Is the endpoint answering? The session's breaker, its wait for a busy local server, and the one-line
messages a run stops with. `LlmCaller` (synth/llm/caller.py) makes the calls; this decides when to stop.

The one breaker rule: after `breaker_after` requests of the study's work in a row got no answer (timed
out or could not connect; on a local server a timeout counts only for a request that had the server to
itself), the run stops with one message naming the endpoint, and the requests still in flight are
cancelled (their connections closed). Probes do not count. After a local server timed out nothing more
is sent until it is free again (synth/llm/waiting.py).
"""
from __future__ import annotations

import asyncio
from typing import Callable, Optional

from synth.llm.errors import api_error, classify
from synth.llm.ledger import PROBE_PURPOSES
from synth.llm.probe import endpoint
from synth.llm.provider import ProviderConfig, shown_url
from synth.llm.providers import StructMode, mode_choices
from synth.llm.waiting import FREE_CHECKS, Clock, wait_until_free

TRY = "Try a longer --timeout, a smaller --budget (shorter chunks), or --concurrency 1."


def timed_out(exc: BaseException) -> bool:
    import openai

    return isinstance(api_error(exc), (openai.APITimeoutError, asyncio.TimeoutError))


class EndpointHealth:
    """What a session knows about its endpoint: the breaker's count, whether a local server is free,
    the requests in flight (cancelled when the run stops), and the fatal message once it has stopped."""

    def __init__(self, cfg: ProviderConfig, breaker_after: int = 3):
        self.cfg = cfg
        self.breaker_after = breaker_after
        self.fatal: Optional[str] = None
        self.down = 0  # work requests in a row that got no answer (the breaker's count)
        self.free = asyncio.Event()  # cleared while waiting for a local server to finish an abandoned request
        self.free.set()
        self._wait_lock = asyncio.Lock()
        self.probe_down: Optional[str] = None  # why the probe's first request got no answer
        self.inflight: set[asyncio.Task] = set()

    @property
    def where(self) -> str:
        return f"{self.cfg.label} at {shown_url(endpoint(self.cfg))}"

    @property
    def single_slot_risk(self) -> bool:
        """A local server may answer one request at a time and keep generating one it was abandoned on."""
        return not self.cfg.hosted

    def stop(self, message: str) -> None:
        """The run stops: every request still in flight is cancelled (the server sees the client go away)."""
        self.fatal = message
        for t in list(self.inflight):
            t.cancel()

    def answered(self, purpose: str) -> None:
        if purpose not in PROBE_PURPOSES:
            self.down = 0

    def account(self, exc: BaseException, purpose: str, queued: bool = False) -> None:
        """The breaker: work requests in a row that got no answer, reset by any that got one. A request
        that timed out while others were in flight on a local server says nothing about the server (it
        may have waited behind them): it is not counted."""
        if purpose in PROBE_PURPOSES or (queued and timed_out(exc) and self.single_slot_risk):
            return
        if classify(exc) != "down":
            self.down = 0
            return
        self.down += 1
        if self.down >= self.breaker_after and not self.fatal:
            self.stop(self.down_message(exc))

    async def after_timeout(self, exc: BaseException, http, clock: Clock,
                            count: Callable[[bool, object], None]) -> None:
        """After a local server timed out: send nothing until it is free; stop if it answers nothing.
        `count(answered, completion)` records each one-token request the wait sends."""
        if not (timed_out(exc) and self.single_slot_risk) or self.fatal:
            return
        async with self._wait_lock:
            if not self.free.is_set() or self.fatal:
                return
            self.free.clear()
            try:
                if not await wait_until_free(http, self.cfg, clock, count):
                    self.stop(f"{self.where} is not responding: a request got no answer within "
                              f"{self.cfg.timeout:g} s and {FREE_CHECKS} one-token requests after it got none "
                              "either. " + TRY)
            finally:
                self.free.set()

    def probe_failed(self, exc: BaseException) -> str:
        """Why the probe's request got no answer; every later mode is then not tried."""
        self.probe_down = (f"no answer within {self.cfg.timeout:g} s" if timed_out(exc)
                           else f"could not connect: {type(api_error(exc)).__name__}")
        return self.probe_down

    def probe_down_message(self) -> str:
        return (f"{self.where} is not responding: the probe's first request {self.probe_down}. Check the server "
                f"is up (curl {shown_url(endpoint(self.cfg))}/models). " + TRY)

    # ------------------------------------------------------------------ messages
    def down_message(self, exc: BaseException) -> str:
        inner = api_error(exc)
        if timed_out(exc):
            what = f"{self.down} requests in a row got no answer within {self.cfg.timeout:g} s"
        else:
            what = f"{self.down} requests in a row could not connect ({type(inner).__name__})"
        return (f"{self.where} is not responding: {what}. Finished calls are kept in the cache. "
                f"Check the server is up (curl {shown_url(endpoint(self.cfg))}/models). " + TRY)

    def shape_message(self, exc: BaseException, mode: StructMode) -> str:
        inner = api_error(exc)
        status = getattr(inner, "status_code", "?")
        return (f"{self.where} refused {mode.label} requests ({status}: {str(inner)[:160]}). "
                f"Run `synth doctor` to find a mode it takes, or pass --mode ({mode_choices()})")

    def fatal_message(self, exc: BaseException) -> str:
        import openai

        inner = api_error(exc)
        cfg = self.cfg
        if isinstance(inner, openai.AuthenticationError):
            return (f"the provider rejected the API key ({cfg.provider}, {cfg.shown_base_url or 'api.openai.com'}):"
                    " check OPENAI_API_KEY")
        if isinstance(inner, openai.NotFoundError):
            return f"model or endpoint not found: {cfg.model!r} at {cfg.shown_base_url or 'api.openai.com'}"
        return self.scrub(f"provider refused the request: {type(inner).__name__}: {str(inner)[:200]}")

    def scrub(self, s: str) -> str:
        for secret in self.cfg.secrets():  # the key, and credentials inside the base URL
            s = s.replace(secret, "***")
        return s
