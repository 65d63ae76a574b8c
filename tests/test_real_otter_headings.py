"""Issue 20, session 6 (`otter`): Otter exports pasted into Markdown with each header made a heading
(`### Name  0:02`), on real dev files (evals/real/dev 140-143, That's My Jamstack episodes).

Only dev files are read (held-out files are measured by the lead, never opened by a test).
"""
from __future__ import annotations

import pytest

from synth.ingest.labels import match_otter
from tests.test_real_layouts import check

ONE_SPACE = "140_thatsmyjamstack_jason-lengstorf.md"  # the guest's headings: `### Jason Lengstorf 0:45`
UNKNOWN = "141_thatsmyjamstack_sam-julien.md"  # four bare `Unknown Speaker  3:17` lines among the headings
APOSTROPHE = "142_thatsmyjamstack_debbie-obrien.md"
SEVERAL_GUESTS = "143_thatsmyjamstack_2020-jamstack-year-in-preview.md"


@pytest.mark.parametrize("name, guests, turns", [
    (ONE_SPACE, {"Jason Lengstorf"}, 64),
    (UNKNOWN, {"Sam Julien", "Unknown Speaker"}, 70),
    (APOSTROPHE, {"Debbie O'Brien"}, 78),
    (SEVERAL_GUESTS, {"Andy Bell", "Laurie Barth", "Gift Egwuenu", "James Quick", "Brian Rinaldi",
                      "Tamas Piros", "Sam Julien"}, 26),
])
def test_heading_headers_are_read_as_otter_speakers(name, guests, turns):
    # before, the headings were text: two files read as notes, one as unlabelled paragraphs, and one had
    # only its four bare `Unknown Speaker` headers (per-turn 2.2% of 178 turns over the four files)
    t, r = check(name)
    assert t.layout == "otter" and t.kind == "dialogue"
    assert t.interviewers == ["Bryan Robinson"]
    assert set(t.speakers) - {"Unknown", "Bryan Robinson"} == guests
    assert r.turns_right == r.turns_total == turns


def test_the_sponsor_read_is_the_hosts_turn_and_no_turn_keeps_the_heading_marks():
    t, _ = check(APOSTROPHE)
    sponsor = next(u for u in t.turns if "sponsor this week TakeShape" in u.text)
    assert sponsor.speaker == "Bryan Robinson" and sponsor.is_interviewer
    assert not any(u.text.lstrip().startswith("#") for u in t.turns)


def test_a_heading_needs_a_name_and_a_clock_and_nothing_else():
    assert match_otter("### Jason Lengstorf 0:45  ").name == "Jason Lengstorf"
    assert match_otter("## Bryan Robinson  22:33").name == "Bryan Robinson"
    # without a heading, one space before the time stays ordinary text ("Meeting at 10:30")
    assert match_otter("Jason Lengstorf 0:45") is None
    for line in ("## Quick show notes", "## Transcript", "### Part 1 12:30", "#### 10:30"):
        assert match_otter(line) is None, line
