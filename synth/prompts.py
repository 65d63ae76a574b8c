"""Versioned prompt files in `prompts/`: YAML front matter (name, version) then the text."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


class Prompt(BaseModel):
    name: str
    version: str
    text: str


@lru_cache(maxsize=32)
def load_prompt(file_name: str) -> Prompt:
    raw = (PROMPTS_DIR / file_name).read_text(encoding="utf-8")
    if not raw.startswith("---"):
        raise ValueError(f"{file_name}: prompt file must start with front matter naming its version")
    _, head, body = raw.split("---", 2)
    meta = yaml.safe_load(head)
    return Prompt(name=meta["name"], version=meta["version"], text=body.strip())


@lru_cache(maxsize=32)
def load_data(file_name: str) -> dict:
    """A YAML data file from `prompts/`, parsed once per process (callers only read it)."""
    return yaml.safe_load((PROMPTS_DIR / file_name).read_text(encoding="utf-8"))
