"""Prices per million tokens (prompts/prices.yaml, or a file given with --prices), for cost estimates."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from pydantic import BaseModel

from synth.resources import load_data


class Prices(BaseModel):
    version: str
    default: dict[str, float]
    models: dict[str, dict[str, float]] = {}

    def cost(self, model: str, tokens_in: int, tokens_out: int) -> float:
        p = self.models.get(model) or next(
            (v for k, v in self.models.items() if model.startswith(k)), self.default)
        return (tokens_in * p["input"] + tokens_out * p["output"]) / 1_000_000


def load_prices(path: Optional[Path] = None) -> Prices:
    if path is None:
        return Prices.model_validate(load_data("prices.yaml"))
    import yaml

    return Prices.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
