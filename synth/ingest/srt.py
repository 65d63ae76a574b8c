"""SubRip (.srt): numbered blocks, `00:01:02,500 --> 00:01:05,000`, `Name: ` prefix in the text."""
from __future__ import annotations

import re
from pathlib import Path

from .build import Parsed
from .cues import parse_cue_file

_SRT_START = re.compile(r"^\s*\d+\s*\n\s*[\d:.,]+\s*-->")


def looks_like_srt(text: str) -> bool:
    return bool(_SRT_START.match(text.lstrip()[:200]))


def parse_srt(text: str, path: str | Path) -> Parsed:
    return parse_cue_file(text.split("\n"), 0, path, "srt")
