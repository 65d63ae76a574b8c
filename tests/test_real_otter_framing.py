"""Issue 20, session 7 (`otter`): an interviewer's long framing that ends with a question, on real dev
files (evals/real/dev).

Interviewers set out the context (what they read, a story, their idea) before they ask, so their turns are
long. A turn of more than 60 words counted as a question only when half its sentences asked: dev 51's
host, under Otter's `Unknown Speaker`, sets out what she has seen on Twitter for 87 and 102 words and ends
by asking the guest, and both turns were read as the guest's answers. Only dev files are read (held-out
files are measured by the lead).
"""
from __future__ import annotations

from pathlib import Path

import yaml

from evals.real.__main__ import _line_starts
from evals.real.measure import measure_file
from synth.ingest import load_transcript
from synth.ingest.talk import FRAMING_WORDS, question_turn

REAL = Path(__file__).resolve().parents[1] / "evals" / "real"
SHARED = "51_ladybug-podcast_42-black-lives-matter.md"  # all but two turns under `Unknown Speaker`


def _turn_at(t, line: int):
    return next(u for u in t.turns if u.source_line == line)


def test_a_long_framing_that_ends_by_asking_is_the_hosts_turn():
    t = load_transcript(REAL / "dev" / SHARED)
    for line in (40, 70):  # Otter headers of the host's 102- and 87-word framings ("..., do you wanna take a stab at this?")
        u = _turn_at(t, line)
        assert len(u.text.split()) > 60 and u.speaker == "Unknown Speaker"
        assert u.is_interviewer and not u.evidence_ok


def test_the_file_reads_two_more_turns_right():
    path = REAL / "dev" / SHARED
    ann = yaml.safe_load((REAL / "annotations" / f"{SHARED}.yaml").read_text(encoding="utf-8"))
    r = measure_file(load_transcript(path), ann, "dev", line_starts=_line_starts(path))
    assert r.turns_right >= 24 and r.turns_total == 46  # before: 22 of 46 read alone


def test_a_tag_or_a_talk_that_ends_on_a_question_does_not_ask():
    t = load_transcript(REAL / "dev" / SHARED)
    framing = _turn_at(t, 70).text
    assert question_turn(framing)
    # the same words closed by a tag are a statement ("..., right?"), and a talk past FRAMING_WORDS that
    # ends on a question is an answer that asks in passing
    assert not question_turn(framing.rsplit(" How ", 1)[0] + ", right?")
    long_talk = " ".join(framing.split()[:-12] * (FRAMING_WORDS // 60 + 1)) + " Why?"
    assert len(long_talk.split()) > FRAMING_WORDS and not question_turn(long_talk)
