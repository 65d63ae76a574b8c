"""Control characters out of every string synth shows: a terminal runs `ESC[2J` (clear screen) or an OSC
sequence (set the title, write a hyperlink) it receives, whatever program printed it.

Transcript text is cleaned at ingest; labels, LLM text, review.yaml entries, file names and account
cells reach the terminal (synth/render.py) and the reports (synth/report) through `strip_control`.
Tab and newline stay; everything else in C0 and C1, DEL included, goes (`\\r` too: it overwrites a line).
"""
from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_control(text: str) -> str:
    return CONTROL.sub("", text)
