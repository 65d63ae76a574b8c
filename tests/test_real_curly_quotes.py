"""Issue 20, session 7 (`studyctx`): the role cues read a transcript the same whichever apostrophe it
was typed with. Real dev files (evals/real/dev) saved again with their straight apostrophes typed
curly (`I’m Kelly`, `we’ll be talking with`), as a word processor or a transcript site writes them.

Before, the cues matched only `'`: dev 108 read two guests as interviewers (69 of 225 turns changed
side), dev 122 lost its co-host, 13 of the dev files read differently. Only dev files are read.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from evals.real.measure import measure_file
from synth.ingest import load_transcript

REAL = Path(__file__).resolve().parents[1] / "evals" / "real"
FILES = [
    "108_changelog-bigtent_big-tent-s1e7.md",  # the host introduces two guests: "we're joined by"
    "122_ladybug-podcast_48-traveling-dev.md",  # the round of hosts' names: "I'm Kelly. I'm Allie"
    "112_changelog-backstage_backstage-22.md",  # a host names himself: "I'm Jerod"
]


def _read(path: Path, name: str):
    t = load_transcript(path)
    ann = yaml.safe_load((REAL / "annotations" / f"{name}.yaml").read_text(encoding="utf-8"))
    return t, measure_file(t, ann, "dev")


@pytest.mark.parametrize("name", FILES)
def test_curly_apostrophes_read_as_straight_ones(name, tmp_path):
    text = (REAL / "dev" / name).read_text(encoding="utf-8")
    curly = tmp_path / name
    curly.write_text(text.replace("'", "\u2019"), encoding="utf-8")  # one character for one: lines stay
    straight, ms = _read(REAL / "dev" / name, name)
    typed, mc = _read(curly, name)
    assert set(typed.interviewers) == set(straight.interviewers)
    assert [u.is_interviewer for u in typed.turns] == [u.is_interviewer for u in straight.turns]
    assert [u.evidence_ok for u in typed.turns] == [u.evidence_ok for u in straight.turns]
    assert (mc.turns_right, mc.labels_right) == (ms.turns_right, ms.labels_right)
    # only the cues read straightened quotes: the turns (the evidence) keep the text as typed
    assert any("\u2019" in u.text for u in typed.turns)
    assert not any("'" in u.text for u in typed.turns)
