"""SubRip (.srt): numbered blocks, `00:01:02,500 --> 00:01:05,000`, `Name: ` prefix in the text."""
from __future__ import annotations

import re
from pathlib import Path

from .build import Parsed
from .cues import parse_cue_file

_SRT_START = re.compile(r"^\s*\d+\s*\n\s*[\d:.,]+\s*-->")


_TIMING = re.compile(r"^\s*[\[(]?\d{1,2}:\d{2}(?::\d{2})?[.,]\d{1,3}\s*-->\s*\d{1,2}:\d{2}", re.M)


def looks_like_srt(text: str) -> bool:
    """Numbered cues, or (saved as .txt/.md) timing lines making up most of the blocks."""
    head = text.lstrip()[:200]
    if _SRT_START.match(head):
        return True
    if not _TIMING.match(head.split("\n", 2)[0] + "\n") and not _TIMING.match("\n".join(head.split("\n")[1:2])):
        return False
    blocks = [b for b in text.split("\n\n") if b.strip()]
    timed = sum(1 for b in blocks[:200] if _TIMING.search(b))
    return timed >= max(2, 0.6 * min(len(blocks), 200))


def parse_srt(text: str, path: str | Path) -> Parsed:
    return parse_cue_file(text.split("\n"), 0, path, "srt")
