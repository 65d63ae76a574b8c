"""Whisper's `.tsv` output: a `start<TAB>end<TAB>text` header, then one cue a row, times in milliseconds.

The rows carry no speaker, so they become cues and go through the same unlabelled-cue turn splitting as
captions (`cues.cues_to_turns`): a pause or a question ends a turn. A row that is not three tab-separated
fields with numeric times is skipped with a warning naming its line, as a broken caption cue is.
"""
from __future__ import annotations

import re
from pathlib import Path

from .build import Parsed
from .cues import Cue, cue_segments, cues_to_turns
from .errors import IngestError

_HEADER = re.compile(r"^\ufeff?start\tend\ttext\s*$")
_ROW = re.compile(r"^(\d+)\t(\d+)\t(.*)$")


def looks_like_whisper_tsv(text: str) -> bool:
    """The header whisper writes, followed by at least one row of millisecond times and text."""
    lines = text.split("\n", 3)
    return len(lines) >= 2 and bool(_HEADER.match(lines[0])) and bool(_ROW.match(lines[1].rstrip("\r")))


def parse_tsv(text: str, path: str | Path) -> Parsed:
    parsed = Parsed(format="tsv", turns=[])
    lines = text.split("\n")
    if not lines or not _HEADER.match(lines[0]):
        raise IngestError(path, "not a whisper .tsv (its first line must be 'start<TAB>end<TAB>text')")
    cues: list[Cue] = []
    for i, ln in enumerate(lines[1:], start=2):
        ln = ln.rstrip("\r")
        if not ln.strip():
            continue
        m = _ROW.match(ln)
        if m is None:
            parsed.warnings.append(f"line {i}: not 'start<TAB>end<TAB>text' with times in milliseconds; row skipped")
            continue
        start, end = int(m.group(1)) / 1000, int(m.group(2)) / 1000
        segs = cue_segments([m.group(3)])
        if segs:
            cues.append(Cue(line=i, start=start, end=end if end >= start else None, segments=segs, first_line=i))
    if not cues:
        raise IngestError(path, "no rows with text found")
    cues_to_turns(cues, parsed)
    return parsed
