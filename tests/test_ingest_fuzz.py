"""Property: any bytes give a Transcript with exact spans or an IngestError, nothing else."""
from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synth.ingest import IngestError, load_transcript

LINES = st.sampled_from([
    "Ana: Why did you buy?", "Bo (CTO): Because of the audit.", "[00:01:02] Ana: ok", "Note: x", "",
    "WEBVTT", "00:00:01.000 --> 00:00:02.000", "<v Bo>hi</v>", "1", "00:00:01,000 --> 00:00:02,000",
    "Ana  0:03", "Moderator (00:00:11 - 00:00:30)", "---", "company: Acme", "# Heading", "I: q?", "R: a",
    "free prose with a colon: here", "https://x.y/z", "&amp; <b>bold</b>", "\t  ", "{\"turns\": [",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.one_of(LINES, st.text(max_size=40)), max_size=25),
       ext=st.sampled_from([".txt", ".md", ".vtt", ".srt", ".json"]))
def test_any_input_parses_or_fails_cleanly(lines, ext):
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / f"fuzz{ext}"
        f.write_bytes("\n".join(lines).encode("utf-8", errors="replace"))
        try:
            t = load_transcript(f)
        except IngestError as e:
            assert f.name in str(e)
            return
        for u in t.turns:
            assert t.text[u.char_start:u.char_end] == u.text and u.text
        assert t.text == "\n\n".join(u.text for u in t.turns)


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=300), ext=st.sampled_from([".txt", ".vtt", ".srt", ".json"]))
def test_random_bytes_never_crash(data, ext):
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / f"b{ext}"
        f.write_bytes(data)
        try:
            t = load_transcript(f)
        except IngestError as e:
            assert f.name in str(e)  # a clean failure names the file
            return
        # whatever was read back is consistent: every turn is its slice of the text
        assert all(t.text[u.char_start:u.char_end] == u.text for u in t.turns)
