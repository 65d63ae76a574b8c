"""Issue 20, session 7 (`studyctx`): an initials label (`PM:`) is one person's short label only where
the file says so: a label shows those initials (`Peter McCormack (PM):`), or a name labelled in full
before the initials first speak has exactly those initials. An acronym that speaks first (`AI:`,
`QA:`, `PM:`) or a role said in words (`Project manager:`) is nobody's short label. Real dev file:
evals/real/dev/104 (each speaker labelled `Name (XY):` once, then `XY:`).
"""
from __future__ import annotations

from pathlib import Path

from synth.ingest import load_transcript
from synth.ingest.aliases import aliases

DEV = Path(__file__).resolve().parents[1] / "evals" / "real" / "dev"
REORGS = "104_btctranscripts-whatbitcoindid_2019-05-14-adam-back-bryan-bishop-block-reorgs.md"


def test_initials_a_label_shows_take_that_persons_role():
    t = load_transcript(DEV / REORGS)
    assert t.meta.speaker_titles["Peter McCormack"] == "PM"
    assert t.speaker_roles["PM"] == t.speaker_roles["Peter McCormack"] == "interviewer"
    for short, full in (("AB", "Adam Back"), ("BB", "Bryan Bishop")):
        assert t.speaker_roles[short] == t.speaker_roles[full] == "interviewee"


def test_initials_shown_in_parentheses_need_not_spell_the_name(tmp_path):
    # `Peter McCormack (PMC):` once, then `PMC:` -- the parentheses say who PMC is
    text = (DEV / REORGS).read_text(encoding="utf-8")
    assert "Peter McCormack (PM):" in text
    text = text.replace("Peter McCormack (PM):", "Peter McCormack (PMC):").replace("\nPM:", "\nPMC:")
    (tmp_path / REORGS).write_text(text, encoding="utf-8")
    t = load_transcript(tmp_path / REORGS)
    assert aliases(t.speakers, t.meta.speaker_titles) == {
        "PMC": "Peter McCormack", "AB": "Adam Back", "BB": "Bryan Bishop"}
    assert t.speaker_roles["PMC"] == "interviewer" and "PMC" in t.interviewers


def test_an_acronym_that_speaks_first_is_its_own_speaker():
    # `AI:` (an assistant) answers before `Alex Ivanov:` ever speaks: nobody was named for AI to shorten
    assert aliases(["AI", "Alex Ivanov"]) == {}
    assert aliases(["QA", "Quinn Adams", "Pat Morgan"]) == {}
    assert aliases(["Alex Ivanov", "AI"]) == {"AI": "Alex Ivanov"}


def test_a_role_said_in_words_is_not_a_name_to_shorten():
    assert aliases(["Project manager", "PM"]) == {}
    assert aliases(["Pat Morgan", "PM"]) == {"PM": "Pat Morgan"}
    # two labels show the same initials: which one PM is, the file does not say
    assert aliases(["Pat Morgan", "Paul Mills", "PM"], {"Pat Morgan": "PM", "Paul Mills": "PM"}) == {}
