"""Time, and waiting for a local server to finish what it is doing.

llama-cpp-python and LM Studio answer one request at a time, and keep generating a request after the
client gave up on it. Re-sending a timed-out request there queues it behind the abandoned one, so it
times out too (measured: one chunk took 5 x 300 s). So after a timeout against a local server the
session sends nothing until the server is free again:

1. `GET /slots` (llama.cpp's `llama-server`): free when no slot is processing; polled every few seconds.
2. Otherwise one 1-token request (every OpenAI-compatible server takes it): on a single-slot server it is
   answered only once the abandoned generation is done, so its answer means "free now".

`Clock` is injected so tests simulate minutes of waiting with no real sleep.
"""
from __future__ import annotations

import asyncio
import time
from typing import Callable, Optional
from urllib.parse import urlsplit, urlunsplit

from synth.llm.probe import PROBE_MESSAGES, endpoint
from synth.llm.provider import ProviderConfig

SLOTS_POLL_S = 3.0
FREE_CHECKS = 2  # 1-token requests in a row with no answer: the server is not responding at all


class Clock:
    """Real time: `time.monotonic` and `asyncio.sleep`."""

    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def server_root(cfg: ProviderConfig) -> str:
    """The base URL without its trailing /v1: where llama-server serves /slots and /health."""
    u = urlsplit(endpoint(cfg))
    path = u.path[:-3] if u.path.endswith("/v1") else u.path
    return urlunsplit((u.scheme, u.netloc, path.rstrip("/"), "", ""))


def _busy(slots) -> Optional[bool]:
    """Whether any slot is working, from llama-server's /slots (None: not a slots answer)."""
    if not isinstance(slots, list) or not slots or not all(isinstance(s, dict) for s in slots):
        return None
    if all("is_processing" in s for s in slots):
        return any(bool(s["is_processing"]) for s in slots)
    if all("state" in s for s in slots):
        return any(s["state"] != 0 for s in slots)
    return None


async def wait_until_free(http, cfg: ProviderConfig, clock: Clock,
                          count: Callable[[bool, Optional[object]], None]) -> bool:
    """Wait until the server has finished the request synth gave up on. True when it is free; False when
    it answered nothing at all (`FREE_CHECKS` 1-token requests in a row got no answer).

    `count(answered, completion)` is told about every 1-token request."""
    import httpx
    import openai

    slots_url = server_root(cfg) + "/slots"
    deadline = clock.now() + 2 * cfg.timeout
    while clock.now() < deadline:
        try:
            resp = await http.get(slots_url, cast_to=httpx.Response)
            busy = _busy(resp.json())
        except Exception:  # noqa: BLE001 - no /slots here (404, 501, not JSON): ask the model instead
            busy = None
        if busy is None:
            break
        if not busy:
            return True
        await clock.sleep(SLOTS_POLL_S)
    for _ in range(FREE_CHECKS):
        try:
            done = await http.chat.completions.create(model=cfg.model, messages=PROBE_MESSAGES, max_tokens=1,
                                                      temperature=0)
        except openai.APIStatusError:  # an error status is an answer: the server is free to give it
            count(True, None)
            return True
        except Exception:  # noqa: BLE001 - timed out or could not connect: counted, asked again
            count(False, None)
            continue
        count(True, done)
        return True
    return False
