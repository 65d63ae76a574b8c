"""WebVTT as Zoom and Teams export it (see cues.py for cue handling)."""
from __future__ import annotations

import re
from pathlib import Path

from .build import Parsed
from .cues import parse_cue_file
from .errors import IngestError

_HEADER = re.compile(r"^WEBVTT(?:[ \t].*)?$")


def parse_vtt(text: str, path: str | Path) -> Parsed:
    lines = text.split("\n")
    if not lines or not _HEADER.match(lines[0].strip()):
        got = lines[0].strip()[:40] if lines else ""
        raise IngestError(path, f"not a WebVTT file (first line must be 'WEBVTT', got {got!r})")
    i = 1
    while i < len(lines) and lines[i].strip() and "-->" not in lines[i]:
        i += 1  # header lines such as "Kind: captions", "Language: en"
    return parse_cue_file(lines, i, path, "vtt")
