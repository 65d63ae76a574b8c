"""Captions with no speaker labels (issue 20): real files from the corpus's dev half (evals/real/dev),
measured against their annotations."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from synth.ingest import load_transcript

DEV = Path(__file__).resolve().parents[1] / "evals" / "real" / "dev"
START_LINES = "131_talkpython-youtube_347-cinder.txt"  # `00:00:03 - Hi Michael, ...`: a caption's start, its words


def _dev(name: str) -> Path:
    path = DEV / name
    if not path.exists():
        pytest.skip(f"corpus file {name} not present")
    return path


def test_captions_saved_with_their_start_times_are_read_as_captions():
    # each line a caption's start time and its words: read as cues (times kept, not in the words); before,
    # each line was a paragraph whose text began with its time, "00:00:00 - Dino, welcome to ..."
    t = load_transcript(_dev(START_LINES))
    assert t.format == "cues"
    assert t.turns[0].text.startswith("Dino, welcome to Talk Python To Me.") and t.turns[0].start == 0.0
    starts = [turn.start for turn in t.turns]
    assert None not in starts and starts == sorted(starts) and starts[-1] > 1500
    assert not any(re.search(r"\b\d\d:\d\d:\d\d\b", turn.text) for turn in t.turns)
