"""Files saved with no extension: read them only when their content is a transcript layout.

Repositories publish exports without a suffix (an Otter export committed as `transcripts/55-git-and-github`).
A folder also holds `LICENSE`, `Makefile`, `Dockerfile` and the like, so a suffix-less file is read only when
its opening is one of the layouts whose marks no other kind of file carries: Otter's `Name  0:03` header lines,
a `WEBVTT` header, numbered SubRip cues, whisper's cue lines or its `.tsv` header. Anything else stays skipped,
as before (prose with `Name:` labels is too like a config or a licence to be taken on sight).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from .cues import looks_like_cue_lines
from .files import not_regular
from .labels import match_otter
from .srt import looks_like_srt
from .tsv import looks_like_whisper_tsv

SNIFF_BYTES = 64 * 1024  # enough for dozens of turns; a large binary is never decoded whole
OTTER_HEADERS_NEEDED = 3  # header lines in the opening: one could be a title line with a time in it


def looks_like_transcript(text: str) -> bool:
    """Whether the opening of a suffix-less file is a transcript layout (module docstring)."""
    if "\0" in text:
        return False
    if text.lstrip().startswith("WEBVTT") or looks_like_srt(text) or looks_like_cue_lines(text):
        return True
    if looks_like_whisper_tsv(text):
        return True
    headers = 0
    for line in text.splitlines()[:400]:
        if match_otter(line):
            headers += 1
            if headers >= OTTER_HEADERS_NEEDED:
                return True
    return False


def suffixless_transcript(path: Path, head: Optional[bytes] = None) -> bool:
    """A regular file with no suffix whose opening sniffs as a transcript. `head`: the file's bytes
    where the caller has read them already (load_transcript reads a file once). Unreadable files are
    not (they are skipped like any other non-transcript; an explicit path gets load_transcript's
    error), nor a FIFO, socket or device: opening a FIFO to sniff it would block forever."""
    if path.suffix or path.name.startswith("."):
        return False
    if head is None:
        try:
            if not_regular(path.stat().st_mode):
                return False
            with path.open("rb") as f:
                head = f.read(SNIFF_BYTES)
        except OSError:
            return False
    return looks_like_transcript(head[:SNIFF_BYTES].decode("utf-8", errors="replace"))
