"""A single-slot model server in simulated time: minutes of a slow local model replayed in milliseconds.

llama-cpp-python (and LM Studio) work on one request at a time, in arrival order, and finish a request
even after its client gave up. :class:`SingleSlotTransport` is an httpx transport for the real openai
client that forwards every request over real HTTP to a FakeOpenAI (which answers it, from recordings,
and counts it as received), then decides in simulated time when the client would have had that answer:
the request starts when the server has finished everything before it (abandoned requests included),
takes ``seconds(body)`` (the recorded ``elapsed_s``), and the client gives up ``timeout`` simulated
seconds after sending it (``httpx.ReadTimeout``, which the openai client turns into ``APITimeoutError``).
:class:`SimClock` is the session's clock (synth/llm/waiting.py): sleeping advances it, nothing waits.

Exact for one request at a time (``--concurrency 1``); with more in flight a request counts as sent when
it entered the transport, and the clock only moves forward (a close approximation, good enough to see
requests queue behind each other).
"""
from __future__ import annotations

import asyncio
import json
from typing import Callable

import httpx


class SimClock:
    def __init__(self) -> None:
        self.t = 0.0
        self.slept = 0.0

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += max(0.0, seconds)
        self.slept += max(0.0, seconds)
        await asyncio.sleep(0)


class SingleSlotTransport(httpx.AsyncBaseTransport):
    def __init__(self, clock: SimClock, timeout: float, seconds: Callable[[dict], float]) -> None:
        self.clock, self.timeout, self.seconds = clock, timeout, seconds
        self.inner = httpx.AsyncHTTPTransport()
        self.busy_until = 0.0
        self.timed_out: list[dict] = []  # bodies of the requests the client gave up on
        self.log: list[tuple[float, float, dict]] = []  # (sent, finished on the server, body) per chat request

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        sent = self.clock.now()
        resp = await self.inner.handle_async_request(request)
        content = await resp.aread()
        if not request.url.path.endswith("/chat/completions"):
            return httpx.Response(resp.status_code, headers=resp.headers, content=content, request=request)
        body = json.loads(request.content or b"{}")
        start = max(sent, self.busy_until)
        self.busy_until = start + self.seconds(body)  # the server finishes it whether or not anyone waits
        self.log.append((sent, self.busy_until, body))
        if self.busy_until - sent > self.timeout:
            self.clock.t = max(self.clock.t, sent + self.timeout)
            self.timed_out.append(body)
            raise httpx.ReadTimeout("simulated: no answer within the timeout", request=request)
        self.clock.t = max(self.clock.t, self.busy_until)
        return httpx.Response(resp.status_code, headers=resp.headers, content=content, request=request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def sim_client(base_url: str, clock: SimClock, timeout: float, seconds: Callable[[dict], float]):
    """The openai client synth builds (no retries of its own), over a SingleSlotTransport."""
    import openai

    transport = SingleSlotTransport(clock, timeout, seconds)
    http = httpx.AsyncClient(transport=transport, timeout=timeout)
    return openai.AsyncOpenAI(base_url=base_url, api_key="not-needed", max_retries=0, timeout=timeout,
                              http_client=http), transport
