"""Issue 20, session 7: real files of two thin layouts, added to dev (150-153) and measured before any rule
changed. Each test reads a REAL published file of the corpus's dev half (evals/real/dev) and checks it against
the file's annotation (evals/real/annotations/<file>.yaml):
- a talk with audience questions labelled `Q:`/`A:` (150), where between the labels an asker's bare thanks
  after an answer ("Thank you.") and a line passing a question on to someone by name ("Gregory would you like
  to answer that?") are unlabelled: before, both went on the turn above, so the thanks read as the answerer's
  and the hand-off as the asker's (54/59 turns; now 58/59);
- a note-taker's usability session notes, titled "Usability Session Notes", with the guide's questions in bold
  and the replies kept in italics below them (152, 153): before, read as an interview of bold questions
  (md_qa) with the note-taker's replies as a participant's speech; now read as notes.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_real_layouts import check

REAL = Path(__file__).resolve().parents[1] / "evals" / "real"


def _dev(prefix: str) -> str:
    found = sorted((REAL / "dev").glob(f"{prefix}_*"))
    if not found:
        pytest.skip(f"corpus file {prefix}_* not present")
    return found[0].name


def _turn_on(t, line: int):
    return next(u for u in t.turns if u.source_line == line)


def test_unlabelled_thanks_and_hand_off_between_q_and_a_labels_go_to_the_other_side():
    name = _dev("150")
    t, r = check(name)
    lines = (REAL / "dev" / name).read_text(encoding="utf-8").split("\n")
    assert lines[110] == "Gregory would you like to answer that?" and lines[114] == "Thank you."
    hand_off, thanks = _turn_on(t, 111), _turn_on(t, 115)
    assert hand_off.text == lines[110] and not hand_off.is_interviewer  # the answering side passes it on
    assert thanks.text == lines[114] and thanks.is_interviewer  # the asker thanks the answer
    assert r.turns_right >= 58 and r.turns_total == 59


@pytest.mark.parametrize("prefix", ["152", "153"])
def test_session_notes_with_bold_questions_and_kept_replies_are_notes(prefix):
    t, r = check(_dev(prefix))
    assert t.kind == "notes" and r.kind == "notes"
