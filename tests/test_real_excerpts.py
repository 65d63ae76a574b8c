"""Issue 20, session 7 (`studyctx`): excerpts a researcher pastes into the conversation, blockquotes whose
lines carry other people's speaker labels (`> ERNEST: ...`, from other interviews of the study), are
not the words of the turn they sit in. Real dev file evals/real/dev/44 (the RIT 'Mismatches' study:
round-two interviews show each participant what others said).

Before, an excerpt pasted inside the interviewee's turn was quoted as the interviewee's evidence
(dev 44: 4 items whose evidence is an excerpt). Only dev files are read.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from synth.ingest import load_transcript

REAL = Path(__file__).resolve().parents[1] / "evals" / "real"
TERRI = "44_fossrit-mismatches_terri-2-full.md"
ELEVEN = "61_vagov-contact-us-research_09172024_participant11.md"  # `> P11: ...`: one side written as quotes


def test_excerpts_quoted_from_other_interviews_are_left_out_of_the_turns():
    t = load_transcript(REAL / "dev" / TERRI)
    ann = yaml.safe_load((REAL / "annotations" / f"{TERRI}.yaml").read_text(encoding="utf-8"))
    excerpts = [(a, b) for a, b in ann["notes_lines"] if a > 9]  # lines 1-9: the licence header
    assert len(excerpts) == 9
    assert not any("Source(s)" in u.text or "ERNEST:" in u.text or "NICK:" in u.text for u in t.turns)
    # the interviewee reacts, the excerpt is pasted into her turn, she goes on: her words, both sides of it
    turn = next(u for u in t.turns if u.source_line == 312)
    assert turn.speaker == "TERRI" and turn.evidence_ok
    assert turn.text.startswith("That one doesn’t seem nearly as likely") and "a story I hadn’t heard" in turn.text
    assert "budget for project management" not in turn.text  # Nick's words, in the excerpt
    spans = ", ".join(f"{a}-{b}" for a, b in excerpts[:5])
    assert any(w.startswith(f"lines {spans} ...: 9 blockquoted excerpt") for w in t.warnings)


def test_a_side_written_as_quotes_is_still_that_sides_turns():
    t = load_transcript(REAL / "dev" / ELEVEN)
    said = [u for u in t.turns if u.speaker == "P11"]
    assert len(said) > 20 and all(u.evidence_ok for u in said)
    assert not any("excerpt" in w for w in t.warnings)
