"""The LLM session: one HTTP client and one policy for every structured call synth makes.

Extraction, theme labels and the ICP narrative all go through one `LlmCaller`, used as
`async with LlmCaller(cfg, ws) as caller:` so the HTTP client it built is closed inside the event loop
that used it. Order of a call: mode known (explicit, stored, or probed once: synth/llm/probe.py) ->
cache key (synth/llm/keys.py) -> cache lookup (a hit costs nothing and is not a call) -> HTTP call
through instructor with `max_tokens` always set (synth/llm/budget.py), validation re-asks inside
instructor -> retries with exponential backoff + jitter on 429/5xx/timeouts/connection errors,
honouring Retry-After -> cache write committed before anything else, so a killed run never pays for
the same chunk twice.

What is never retried: a bad key or unknown model (the run stops), a 4xx/5xx that names the request's
shape (the mode is wrong: the run stops and says so), a request to a local server that timed out (it is
still generating it: the session waits until the server is free, synth/llm/waiting.py, and leaves that
request to the next run), and an endpoint that does not answer at all: when to stop is the endpoint's
health (synth/llm/health.py: the breaker, the wait for a busy local server, the messages a run stops
with). Every HTTP request sent is counted with its tokens (synth/llm/ledger.py), whatever became of it.
"""
from __future__ import annotations

import asyncio
import json
import logging
import random
from typing import Any, Optional

from pydantic import BaseModel

from synth.llm.budget import completion_text, max_tokens_for, repetition_loop
from synth.llm.errors import (  # noqa: F401
    ChunkFailed,
    EndpointDown,
    FatalProviderError,
    Truncated,
    api_error,
    backoff_delay,
    classify,
    retry_after,
)
from synth.llm.failures import describe
from synth.llm.health import TRY, EndpointHealth, timed_out
from synth.llm.keys import llm_cache_key
from synth.llm.ledger import CURRENT, Attempt, Ledger, RequestCount, on_kwargs, on_response
from synth.llm.modes import PROBE_ORDER, StructMode, extra_request, instructor_mode
from synth.llm.prices import Prices, load_prices  # noqa: F401
from synth.llm.probe import (
    PROBE_MAX_TOKENS,
    PROBE_MESSAGES,
    ProbeAnswer,
    ProbeResult,
    known_mode,
    needs_probe,
    probe,
    store,
    stored,
)
from synth.llm.provider import ProviderConfig, default_concurrency
from synth.llm.replies import LAST_REPLY, completions, hit_cap, revalidate, schema_class, usage
from synth.llm.tokens import count_tokens
from synth.llm.waiting import Clock
from synth.workspace import Workspace, WorkspaceError

# instructor logs every failed attempt at ERROR, which Python prints to stderr when nothing else is
# configured; synth classifies each failure itself and records it in the workspace's call log.
logging.getLogger("instructor").setLevel(logging.CRITICAL)


# the call log's vocabulary (one row per HTTP request): "down" is a timeout or connection error (the
# breaker's count); a refused shape or a cut-off reply is final for that request like a fatal error is
_LOGGED = {"shape": "fatal", "truncated": "truncated"}


class StructuredResult(BaseModel):
    """One call's parsed result, whether it came from the cache, and what it cost."""

    parsed: object
    cached: bool
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: Optional[float] = 0.0  # None: price unknown
    attempts: int = 0
    truncated: int = 0  # replies cut off at max_tokens (each re-asked as two halves)
    loops: int = 0  # replies that ended in a repetition loop
    parts_lost: int = 0  # halves whose reply was cut off again: nothing extracted from them


class LlmCaller:
    """The session shared by all calls of a stage: HTTP client, mode, semaphore, breaker, prices."""

    def __init__(self, cfg: ProviderConfig, workspace: Workspace, *, concurrency: Optional[int] = None,
                 redact: bool = False, prices: Optional[Prices] = None, client=None,
                 backoff_base: float = 0.5, breaker_after: int = 3, clock: Optional[Clock] = None):
        self.cfg = cfg
        self.ws = workspace
        self.redact = redact
        self.prices = prices or load_prices()
        # a given instructor client is unwrapped: the session picks the mode per request
        self._http = getattr(client, "client", client)
        self._owns_http = client is None  # built on first use: an all-cached re-run never imports it
        self._instructors: dict[StructMode, Any] = {}
        self.sem = asyncio.Semaphore(concurrency or default_concurrency(cfg))  # the one default, for every call
        self.rng = random.Random(0)
        self.backoff_base = backoff_base
        self.health = EndpointHealth(cfg, breaker_after)
        self.clock = clock or Clock()
        self.ledger = Ledger()
        self.mode: Optional[StructMode] = None if needs_probe(cfg) else known_mode(None, cfg)
        self.probe_result: Optional[ProbeResult] = None
        self._ready_lock = asyncio.Lock()
        # The first real call goes alone: a bad key, a wrong mode or a dead endpoint then fails once,
        # not once per chunk.
        self._first_taken = False
        self._first_done = asyncio.Event()
        self._max_tokens_param = "max_tokens"

    @property
    def fatal(self) -> Optional[str]:
        """Why this session stopped (None: it has not): every later call raises it."""
        return self.health.fatal

    @fatal.setter
    def fatal(self, message: Optional[str]) -> None:
        self.health.fatal = message

    # ------------------------------------------------------------------ lifecycle
    async def __aenter__(self) -> "LlmCaller":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client this session built (a client passed in belongs to the caller)."""
        http, self._http = self._http, (None if self._owns_http else self._http)
        if self._owns_http and http is not None:
            try:
                await http.close()
            except Exception:  # noqa: BLE001 - closing is best effort; the run's result stands
                pass

    @property
    def http(self):
        if self._http is None:
            from synth.llm.provider import make_async_client

            self._http = make_async_client(self.cfg)
        return self._http

    def _instructor(self, mode: StructMode):
        if mode not in self._instructors:
            import instructor

            client = instructor.from_openai(self.http, mode=instructor_mode(mode))
            client.on("completion:response", LAST_REPLY.set)  # per task: see _revalidate
            client.on("completion:kwargs", on_kwargs)  # every HTTP request, re-asks included: ledger.py
            client.on("completion:response", on_response)
            self._instructors[mode] = client
        return self._instructors[mode]

    def _scrub(self, s: str) -> str:
        return self.health.scrub(s)

    @property
    def where(self) -> str:
        return self.health.where

    # ------------------------------------------------------------------ mode
    async def ready(self) -> StructMode:
        """The mode every call uses: explicit, stored for this (base URL, model), or probed now."""
        if self.mode is not None:
            return self.mode
        async with self._ready_lock:
            if self.fatal:
                raise FatalProviderError(self.fatal)
            if self.mode is None:
                found = stored(self.ws, self.cfg)
                if found is not None and found.mode is not None:
                    self.probe_result, self.mode = found, found.mode
                else:
                    res = await self.probe()
                    if res.mode is None and all(t.outcome == "rejected" for t in res.trials):
                        self.fatal = f"{res.note()}. Check the model is loaded, or pass --mode"
                        raise FatalProviderError(self.fatal)
                    # inconclusive (errors, not refusals): the first guess, not stored; the calls will tell
                    self.mode = res.mode or known_mode(None, self.cfg)
        return self.mode

    def mode_note(self) -> str:
        """One line for the user: which endpoint, and how synth asks it for structure."""
        res = self.probe_result
        if res is not None and res.mode is not None:
            return res.note()
        label = self.mode.label if self.mode else "mode not known yet"
        return f"{self.where}: {label}" + (f" (the probe could not tell: {res.summary()}; first guess)"
                                           if res is not None else "")

    async def probe(self, every_mode: bool = False, order: tuple[StructMode, ...] = PROBE_ORDER) -> ProbeResult:
        """Try the ways of asking for structure (doctor: all of them) and store what works."""
        res = await probe(self.cfg, self._try_mode, every_mode=every_mode, order=order)
        if res.mode is not None:
            store(self.ws, res)
        self.probe_result = res
        if self.health.probe_down and not self.fatal and all(t.outcome == "error" for t in res.trials) and \
                not self.ledger.of("wait").replied:
            self.fatal = self.health.probe_down_message()
        if self.fatal:
            raise EndpointDown(self.fatal)
        return res

    async def _try_mode(self, mode: StructMode):
        if self.health.probe_down:  # every other mode would wait behind it, or fail the same way
            return "error", None, f"not tried: the endpoint did not answer the mode before ({self.health.probe_down})"
        attempts = min(2, self.cfg.max_attempts)  # a probe is cheap to repeat later; `synth doctor` asks again
        for attempt in range(attempts):
            try:
                result, _ = await self._attempt(mode, PROBE_MESSAGES, ProbeAnswer, PROBE_MAX_TOKENS, 0,
                                                key=None, purpose="probe")
                return "ok", 200, f"{result.city}, {result.year}"
            except Exception as exc:  # noqa: BLE001 - classified; fatal kinds propagate
                kind = classify(exc)
                inner = api_error(exc)
                status = getattr(inner, "status_code", None)
                if kind in ("truncated", "chunk"):
                    return "unparsed", 200, f"{type(exc).__name__}: {str(exc)[:200]}"
                if kind == "shape":
                    return "rejected", status, str(inner)[:300]
                if kind == "fatal":
                    self.fatal = self.health.fatal_message(exc)
                    raise FatalProviderError(self.fatal) from exc
                if kind == "down" and self.fatal:
                    raise EndpointDown(self.fatal) from None
                if kind == "down":
                    self.health.probe_failed(exc)
                    await self._after_timeout(exc)
                    return "error", status, f"{type(inner).__name__}: {str(inner)[:200]}"
                if attempt + 1 < attempts:
                    await self._backoff(exc, attempt)
                    continue
                return "error", status, f"{type(inner).__name__}: {str(inner)[:200]}"
        return "error", None, "no attempts"

    # ------------------------------------------------------------------ calls
    async def structured(self, messages: list[dict], response_model: type[BaseModel],
                         scope: Optional[str] = None, *, purpose: str, prompt_version: str,
                         prompt: Optional[str] = None, max_tokens: Optional[int] = None,
                         remember_cut: bool = True) -> StructuredResult:
        """A cached, retried instructor call returning `response_model`; shared by every stage.

        The cache key is always synth/llm/keys.py's policy; `scope` (optional) is folded into the
        messages' part of it for a caller that wants calls with equal messages kept apart.
        `max_tokens` tightens the cap (the halves of a looping chunk); `remember_cut=False` does not
        cache a cut-off reply as cut off, so the next run asks again (a half lost a second time)."""
        mode = await self.ready()
        key = llm_cache_key(prompt=prompt or purpose, prompt_version=prompt_version, provider=self.cfg.provider,
                            model=self.cfg.model, mode=mode.value, response_model=response_model,
                            messages=messages if scope is None else [*messages, {"scope": scope}])
        hit = self.ws.cache_get(key)
        if hit is not None:
            for c in (self.ledger.of(purpose), self.ledger.scoped()):
                if c is not None:
                    c.cache_hits += 1
            data = json.loads(hit)
            if data.get("truncated"):  # cut off last time too: go straight to the halves, for free
                raise Truncated(0, 0, bool(data.get("loop")))
            return StructuredResult(parsed=response_model.model_validate(data["extraction"]), cached=True,
                                    loops=int(bool(data.get("loop"))))
        if not self._first_taken:
            self._first_taken = True
            try:
                return await self._call(mode, key, messages, response_model, purpose, prompt_version,
                                        max_tokens, remember_cut)
            finally:
                self._first_done.set()
        await self._first_done.wait()
        if self.fatal:
            raise FatalProviderError(self.fatal)
        return await self._call(mode, key, messages, response_model, purpose, prompt_version,
                                max_tokens, remember_cut)

    async def _attempt(self, mode: StructMode, messages: list[dict], response_model: type[BaseModel],
                       max_tokens: int, validation_retries: int, *, key: Optional[str], purpose: str):
        """One request (plus instructor's validation re-asks), under the semaphore and a hard deadline;
        each HTTP request counted and logged, the breaker told. Returns (parsed, completion) or raises."""
        deadline = self.cfg.timeout * (validation_retries + 1) + 5
        async with self.sem:
            await self.health.free.wait()  # a local server still busy with an abandoned request: not yet
            if self.fatal:
                raise FatalProviderError(self.fatal)
            self.ws.check_held()  # synth.db deleted or replaced: pay for nothing more
            t0 = self.clock.now()
            coro = self._instructor(mode).chat.completions.create_with_completion(
                model=self.cfg.model, messages=messages, response_model=schema_class(response_model),
                max_retries=revalidate(validation_retries, max_tokens), temperature=0,
                **{self._max_tokens_param: max_tokens}, **extra_request(mode, response_model))
            attempt = Attempt()
            token = CURRENT.set(attempt)  # the task copies this context: the hooks fill `attempt`
            try:
                task = asyncio.ensure_future(asyncio.wait_for(coro, deadline))
            finally:
                CURRENT.reset(token)
            queued = bool(self.health.inflight)  # on a single-slot server it waits behind those, on its own clock
            self.health.inflight.add(task)
            try:
                result, completion = await task
            except asyncio.CancelledError:
                self._record(attempt, messages, key, purpose, t0, "cancelled")
                if self.fatal and task.cancelled():
                    raise EndpointDown(self.fatal) from None  # cancelled by the breaker, not by our caller
                raise
            except Exception as exc:  # noqa: BLE001 - logged and classified, then re-raised
                exc.synth_queued = queued  # type: ignore[attr-defined]  # read by _call's timeout rule
                self.health.account(exc, purpose, queued)
                self._record(attempt, messages, key, purpose, t0,
                             f"error:{_LOGGED.get(classify(exc), classify(exc))}",
                             self._scrub(f"{type(exc).__name__}: {str(exc)[:300]}"))
                raise
            finally:
                self.health.inflight.discard(task)
        self.health.answered(purpose)
        self._record(attempt, messages, key, purpose, t0, "ok")
        return result, completion

    def _record(self, attempt: Attempt, messages: list[dict], key: Optional[str], purpose: str, t0: float,
                status: str, error: Optional[str] = None) -> None:
        """One call-log row and one ledger count per HTTP request of `attempt`: replies with the tokens the
        server reported; requests with no reply (timed out, refused) with the input tokens synth counted."""
        counts = [c for c in (self.ledger.of(purpose), self.ledger.scoped()) if c is not None]
        latency = self.clock.now() - t0
        sent = max(attempt.sent, len(attempt.replies))  # 0: cancelled before anything went out
        rows: list[tuple[int, int, bool, str]] = []
        for i, (tin, tout) in enumerate(attempt.replies):
            last = i == len(attempt.replies) - 1 and sent == len(attempt.replies)
            rows.append((tin, tout, False, status if last else "reasked"))
        if status == "cancelled":  # stopped on our side mid-request: whether the server saw it is unknown
            for c in counts:
                c.cancelled += sent - len(attempt.replies)
        else:
            for _ in range(sent - len(attempt.replies)):
                rows.append((self._input_tokens(messages), 0, True, status if status != "ok" else "error:no_reply"))
        for tin, tout, counted, st in rows:
            cost = self.prices.cost(self.cfg.model, tin, tout, local=self.local)
            for count in counts:
                count.add(RequestCount(sent=1, replied=0 if counted else 1, tokens_in=tin, tokens_out=tout,
                                       tokens_in_counted=tin if counted else 0, cost_usd=cost))
            self.ws.log_call(key=key, purpose=purpose, model=self.cfg.model, tokens_in=tin, tokens_out=tout,
                             latency_s=latency / max(1, len(rows)), cost_usd=cost, status=st,
                             error=error if st.startswith("error") else None)

    def _input_tokens(self, messages: list[dict]) -> int:
        return sum(count_tokens(m["content"], self.cfg.model) for m in messages if isinstance(m.get("content"), str))

    @property
    def local(self) -> bool:
        from synth.llm.prices import is_local

        return is_local(self.cfg)

    async def _after_timeout(self, exc: BaseException) -> None:
        """After a local server timed out: send nothing until it is free (health.py), each one-token
        request it sends counted under "wait"."""
        def count(answered: bool, completion) -> None:
            c = self.ledger.of("wait")
            tin, tout = usage(completion) if completion is not None else (self._input_tokens(PROBE_MESSAGES), 0)
            c.sent, c.replied = c.sent + 1, c.replied + int(answered)
            c.tokens_in, c.tokens_out = c.tokens_in + tin, c.tokens_out + tout
            self.ws.log_call(key=None, purpose="wait", model=self.cfg.model, tokens_in=tin, tokens_out=tout,
                             status="ok" if answered else "error:down")

        await self.health.after_timeout(exc, self.http, self.clock, count)

    async def _backoff(self, exc: BaseException, attempt: int) -> None:
        wait = retry_after(api_error(exc))
        await self.clock.sleep(min(60.0, wait) if wait is not None else
                               backoff_delay(attempt, self.rng, self.backoff_base))

    async def _call(self, mode: StructMode, key: str, messages: list[dict], response_model: type[BaseModel],
                    purpose: str, prompt_version: str, cap: Optional[int] = None,
                    remember_cut: bool = True) -> StructuredResult:
        input_tokens = self._input_tokens(messages)
        max_tokens = max_tokens_for(response_model, input_tokens, self.cfg.max_tokens)
        if cap:
            max_tokens = min(max_tokens, cap)
        last: Optional[BaseException] = None
        resent = False
        for attempt in range(self.cfg.max_attempts):
            try:
                result, completion = await self._attempt(mode, messages, response_model, max_tokens,
                                                         self.cfg.validation_retries, key=key, purpose=purpose)
            except (FatalProviderError, asyncio.CancelledError, WorkspaceError):
                raise
            except Exception as exc:  # noqa: BLE001 - classified below, never swallowed silently
                kind = classify(exc)
                if self.fatal and kind == "down":
                    raise EndpointDown(self.fatal) from None
                if kind == "down" and timed_out(exc) and self.health.single_slot_risk:
                    # re-sent now it would queue behind itself: wait until the server is free; a request
                    # that only timed out because it queued behind another is then sent once more, alone
                    # in the server's queue; one that timed out on its own is left to the next run
                    await self._after_timeout(exc)
                    if self.fatal:
                        raise EndpointDown(self.fatal) from None
                    if getattr(exc, "synth_queued", False) and not resent:
                        resent = True
                        continue
                    raise ChunkFailed(f"no answer within {self.cfg.timeout:g} s (the server may still have been "
                                      "working on it); not sent again in this run, the next run asks again. "
                                      + TRY) from None
                if kind == "truncated":
                    raise self._truncated(exc, key, prompt_version, remember_cut) from None
                if kind == "shape" or (kind == "fatal" and self._switch_max_tokens_param(exc)):
                    if kind == "fatal":
                        continue  # asked again with max_completion_tokens
                    self.fatal = self.health.shape_message(exc, mode)
                    raise FatalProviderError(self.fatal) from exc
                if kind == "fatal":
                    self.fatal = self.health.fatal_message(exc)
                    raise FatalProviderError(self.fatal) from exc
                if kind == "chunk":
                    # a cut-off reply the server did not call cut off, or one that looped: the halves
                    if hit_cap(exc, max_tokens) or any(repetition_loop(completion_text(c)) for c in completions(exc)):
                        raise self._truncated(exc, key, prompt_version, remember_cut) from None
                    # one line a person can act on, never instructor's <failed_attempts> dump
                    raise ChunkFailed(self._scrub(describe(exc, self.cfg.validation_retries + 1))) from exc
                last = exc
                if attempt + 1 < self.cfg.max_attempts:
                    await self._backoff(exc, attempt)
                continue
            tin, tout = usage(completion)
            loop = repetition_loop(completion_text(completion))
            cost = self.prices.cost(self.cfg.model, tin, tout, local=self.local)
            # committed before returning: a kill after this point never pays for this call again
            self.ws.cache_put(key, self.cfg.model, prompt_version, json.dumps(
                {"extraction": result.model_dump(mode="json"), "tokens_in": tin, "tokens_out": tout,
                 "loop": loop}))
            return StructuredResult(parsed=result, cached=False, tokens_in=tin, tokens_out=tout,
                                    cost_usd=cost, attempts=attempt + 1, loops=int(loop))
        raise ChunkFailed(self._scrub(describe(last, self.cfg.max_attempts, self.cfg.timeout)
                                      if last is not None else "no attempt was made"))

    def _truncated(self, exc: BaseException, key: str, prompt_version: str, remember: bool = True) -> Truncated:
        comps = completions(exc)
        tin, tout = (sum(u[i] for u in map(usage, comps)) for i in (0, 1))
        cut = Truncated(tin, tout, any(repetition_loop(completion_text(c)) for c in comps))
        # cached as cut off: a re-run goes straight to the halves and pays for nothing twice (a half is
        # not: a half cut off again is a lost part, asked again by the next run)
        if remember:
            self.ws.cache_put(key, self.cfg.model, prompt_version, json.dumps(
                {"truncated": True, "tokens_in": tin, "tokens_out": tout, "loop": cut.loop}))
        return cut

    def _switch_max_tokens_param(self, exc: BaseException) -> bool:
        """Newer OpenAI models refuse `max_tokens` and name `max_completion_tokens`: switch once."""
        if self._max_tokens_param == "max_tokens" and "max_completion_tokens" in str(api_error(exc)):
            self._max_tokens_param = "max_completion_tokens"
            return True
        return False
