"""The one reader for synth's data files: versioned prompts, few-shot examples, prices, rank rules.

They live in the top-level `prompts/` folder of the repository, which the build maps into the wheel
as the package `synth.prompts` (see `[tool.setuptools.package-dir]` in pyproject.toml). Reading them
through `importlib.resources` means an editable install, a wheel and a zip import all find the same
files; a path computed from `__file__` only worked from a checkout.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml
from pydantic import BaseModel

PACKAGE = "synth.prompts"


class Prompt(BaseModel):
    name: str
    version: str
    text: str


def read_text(file_name: str) -> str:
    """The text of a data file; FileNotFoundError names the file and where synth looked."""
    ref = resources.files(PACKAGE) / file_name
    try:
        return ref.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"{file_name}: not found in the package data {PACKAGE} ({ref})") from None


@lru_cache(maxsize=32)
def load_prompt(file_name: str) -> Prompt:
    raw = read_text(file_name)
    if not raw.startswith("---"):
        raise ValueError(f"{file_name}: prompt file must start with front matter naming its version")
    _, head, body = raw.split("---", 2)
    meta = yaml.safe_load(head)
    return Prompt(name=meta["name"], version=meta["version"], text=body.strip())


@lru_cache(maxsize=32)
def load_data(file_name: str) -> dict:
    """A YAML data file, parsed once per process (callers only read it)."""
    return yaml.safe_load(read_text(file_name))
