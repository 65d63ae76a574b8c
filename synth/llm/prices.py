"""Prices per million tokens (prompts/prices.yaml, or a file given with --prices), for cost estimates.

A hosted model listed under `models:` costs what the table says. A model on a local server (a loopback
or private address, or a provider that only runs on your own machine) costs $0 unless listed under
`local:`: you pay in time, not per token. Any other model's price is unknown, and says so: a guessed
price is worse than none.
"""
from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from pydantic import BaseModel

from synth.resources import load_data


class Prices(BaseModel):
    version: str
    models: dict[str, dict[str, float]] = {}  # hosted APIs, by model name (a longer prefix wins)
    local: dict[str, dict[str, float]] = {}  # a model on your own server that you do want priced

    def rate(self, model: str, *, local: bool = False) -> Optional[dict[str, float]]:
        """USD per 1M tokens in and out. A local server: its `local:` entry, else $0 (a local server
        answering to `gpt-4o-mini` is not OpenAI). Hosted: listed (exactly, else by prefix), else None."""
        table = self.local if local else self.models
        listed = table.get(model) or next(
            (v for k, v in sorted(table.items(), key=lambda kv: -len(kv[0])) if model.startswith(k)), None)
        if listed is not None:
            return listed
        return {"input": 0.0, "output": 0.0} if local else None

    def cost(self, model: str, tokens_in: int, tokens_out: int, *, local: bool = False) -> Optional[float]:
        p = self.rate(model, local=local)
        if p is None:
            return None
        return (tokens_in * p["input"] + tokens_out * p["output"]) / 1_000_000


def is_local(cfg) -> bool:
    """A provider that runs on your machine, or a base URL on a loopback or private address. OpenAI and
    Azure named as the provider are hosted wherever the URL points (a proxy on localhost still bills)."""
    spec = cfg.spec  # vLLM is as often a hosted cluster: its address decides
    if spec.on_machine:
        return True
    if spec.hosted:
        return False
    host = (urlsplit(cfg.base_url or "").hostname or "").lower()
    if not host:
        return False
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal", ".lan")):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private or ip.is_link_local


def cost_text(cost: Optional[float], digits: int = 4) -> str:
    return "price unknown" if cost is None else f"${cost:.{digits}f}"


def load_prices(path: Optional[Path] = None) -> Prices:
    if path is None:
        return Prices.model_validate(load_data("prices.yaml"))
    import yaml

    return Prices.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
