"""Find which way of asking for structure an endpoint accepts, with one tiny request per way.

The answer is stored in the workspace per (base URL, model), so it is asked once: `synth doctor`
tries every mode and prints what each did; the first `synth extract` against an endpoint it has not
seen stops at the first mode that works. An explicit `--mode` skips all of this.

Outcomes per mode: `ok` (200 and the reply parsed into the tiny schema), `unparsed` (200, the shape
was accepted but the reply did not parse: a weak model, still usable), `rejected` (a 4xx/5xx naming
the request shape: never retried), `error` (anything else: a broken server, not a verdict on the mode).
"""
from __future__ import annotations

import json
import time
from typing import Awaitable, Callable, Literal, Optional

from pydantic import BaseModel, Field

from synth.llm.modes import PROBE_ORDER
from synth.llm.provider import ProviderConfig, shown_url
from synth.llm.providers import PROVIDERS, StructMode


class ProbeAnswer(BaseModel):
    """The city and year of the 2012 Summer Olympics."""

    city: str = Field(description="city name")
    year: int = Field(description="four-digit year")


PROBE_MESSAGES = [
    {"role": "system", "content": "Answer with the requested structured data only."},
    {"role": "user", "content": "Which city hosted the 2012 Summer Olympics, and in which year? "
                                "(It was London, in 2012.)"},
]
PROBE_MAX_TOKENS = 96

Outcome = Literal["ok", "unparsed", "rejected", "error"]


class ModeTrial(BaseModel):
    mode: StructMode
    outcome: Outcome
    status: Optional[int] = None
    detail: str = ""
    latency_s: float = 0.0


class ProbeResult(BaseModel):
    base_url: str
    model: str
    provider: str
    mode: Optional[StructMode] = None
    trials: list[ModeTrial] = Field(default_factory=list)
    probed_at: float = 0.0

    def note(self) -> str:
        where = f"{PROVIDERS[self.provider].label if self.provider in PROVIDERS else self.provider} at {self.base_url}"
        if self.mode is None:
            return f"{where}: no way of asking for structure worked ({self.summary()})"
        weak = " (accepted, but the test reply did not parse)" if self._outcome(self.mode) == "unparsed" else ""
        return f"{where}: {self.mode.label}{weak}"

    def _outcome(self, mode: StructMode) -> Optional[str]:
        return next((t.outcome for t in self.trials if t.mode is mode), None)

    def summary(self) -> str:
        return "; ".join(f"{t.mode.value} {t.outcome}" + (f" {t.status}" if t.status else "") for t in self.trials)


def endpoint(cfg: ProviderConfig) -> str:
    return (cfg.base_url or "https://api.openai.com/v1").rstrip("/")


# One mode tried once: returns (outcome, HTTP status, detail). Raises the caller's fatal errors
# (bad key, endpoint down) itself, so a probe stops where a run would.
TryMode = Callable[[StructMode], Awaitable[tuple[Outcome, Optional[int], str]]]


async def probe(cfg: ProviderConfig, try_mode: TryMode, *, every_mode: bool = False,
                order: tuple[StructMode, ...] = PROBE_ORDER) -> ProbeResult:
    """Try modes in `order`; stop at the first `ok` unless `every_mode` (doctor shows them all)."""
    res = ProbeResult(base_url=shown_url(endpoint(cfg)), model=cfg.model, provider=cfg.provider, probed_at=time.time())
    for mode in order:
        t0 = time.monotonic()
        outcome, status, detail = await try_mode(mode)
        res.trials.append(ModeTrial(mode=mode, outcome=outcome, status=status, detail=detail[:300],
                                    latency_s=round(time.monotonic() - t0, 3)))
        if outcome == "ok" and not every_mode:
            break
    ok = [t.mode for t in res.trials if t.outcome == "ok"]
    usable = [t.mode for t in res.trials if t.outcome == "unparsed"]
    res.mode = (ok or usable or [None])[0]
    return res


def needs_probe(cfg: ProviderConfig) -> bool:
    """Hosted providers take tool calling; a local server is probed unless a mode was given."""
    return cfg.mode is None and not cfg.hosted


def stored(ws, cfg: ProviderConfig) -> Optional[ProbeResult]:
    raw = ws.llm_mode_get(shown_url(endpoint(cfg)), cfg.model)
    if raw is None:
        return None
    try:
        return ProbeResult.model_validate_json(raw)
    except ValueError:
        return None  # written by another version: probe again


def store(ws, result: ProbeResult) -> None:
    ws.llm_mode_put(result.base_url, result.model, result.model_dump_json())


def known_mode(ws, cfg: ProviderConfig) -> StructMode:
    """The mode without sending anything: explicit, else stored, else the provider's default.

    A dry run and a fully cached re-run use this, so they compute the same cache keys a real run did."""
    if cfg.mode is not None:
        return cfg.mode
    if needs_probe(cfg) and ws is not None:
        found = stored(ws, cfg)
        if found is not None and found.mode is not None:
            return found.mode
    return cfg.resolved_mode  # the provider table's first guess


def trials_table(res: ProbeResult) -> list[dict]:
    return [json.loads(t.model_dump_json()) for t in res.trials]
