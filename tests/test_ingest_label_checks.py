"""Issue 20, "no invented speakers": a `Word: text` label used once is a speaker only if it behaves like a
turn (synth/ingest/label_checks.py). Hand-made files for the shapes (a place in a list, a section's lead-in,
a field of a Q/A answer, a heading phrase); the real files that must keep their one-turn speakers are in
tests/test_real_layouts.py."""
from __future__ import annotations

from synth.ingest import load_transcript
from synth.ingest.label_checks import not_speakers
from synth.ingest.labels import line_label


def _load(tmp_path, body, name="t.md"):
    f = tmp_path / name
    f.write_text(body, encoding="utf-8")
    return load_transcript(f)


def _labelled(body):
    lines = body.split("\n")
    return lines, {i: lab for i, ln in enumerate(lines) if (lab := line_label(ln))}


DIALOGUE = ("Sam: How do you plan the week?\n\nJane: I open the spreadsheet and we go through it.\n\n"
            "Sam: Who else is in that meeting?\n\nJane: The two leads, and sometimes finance.\n\n")


def test_a_place_inside_a_paragraph_is_a_word_of_that_turn(tmp_path):
    body = DIALOGUE + ("Sam: Where are the teams?\n\nJane: We have three offices now.\n"
                       "Boston: the biggest one, forty people, all of sales.\n\nSam: And the others?\n")
    t = _load(tmp_path, body)
    assert set(t.speakers) == {"Sam", "Jane"}
    turn = next(u for u in t.turns if "three offices" in u.text)
    assert "Boston: the biggest one" in turn.text  # kept as Jane's words, not dropped
    assert t.speaker_roles["Jane"] != t.speaker_roles["Sam"]


def test_a_section_lead_in_above_bullets_is_not_a_speaker(tmp_path):
    body = DIALOGUE + "Main Pain Points:\n\n- the spreadsheet breaks\n- nobody updates it\n\nSam: Thanks.\n"
    t = _load(tmp_path, body)
    assert set(t.speakers) == {"Sam", "Jane"}


def test_a_lead_in_above_any_bullet_the_layouts_know_is_not_a_speaker(tmp_path):
    # one definition of a list item (labels.BULLET_LINE): `►` bullets were read as a list by the layout
    # sniffer but not by label_checks, which kept `Blockers:` as a speaker
    body = DIALOGUE + "Blockers:\n\n► the spreadsheet breaks\n► nobody updates it\n\nSam: Thanks.\n"
    assert set(_load(tmp_path, body).speakers) == {"Sam", "Jane"}


def test_a_field_of_an_answer_in_a_q_and_a_file_is_not_a_speaker(tmp_path):
    body = ("Q: Where do you work?\n\nA: At a logistics firm, mostly in the warehouse.\n\n"
            "Q: How many sites?\n\nA: Three of them.\n\nLisbon: the main one, with the office.\n\n"
            "Q: And the tools?\n\nA: Excel, mostly.\n")
    t = _load(tmp_path, body)
    assert set(t.speakers) == {"Q", "A"}


def test_a_phrase_of_the_files_own_everyday_words_is_a_heading(tmp_path):
    body = DIALOGUE + ("Current Process: they print the sheet.\n\n"
                       "Sam: Is the current process slow?\n\nJane: The process is slow, yes.\n")
    t = _load(tmp_path, body)
    assert "Current Process" not in t.speakers


def test_one_turn_speakers_that_behave_like_turns_are_kept():
    body = ("Sam: So the talk starts with the basics, and I will take questions.\n\n"
            "Jane: Thanks, I have one about keys.\n\nSam: Go ahead.\n\n"
            "Carla: They can pick up when you receive transactions, right?\n\n"
            "Various Audience Members: Validate, relay, store.\n\nAudience 3: 00:50:09\n\nWhat about fees?\n\n"
            "Sam: Good question, and the current process is slow.\n")
    lines, labelled = _labelled(body)
    assert not_speakers(lines, labelled) == set()


def test_a_recurring_label_is_a_speaker_wherever_it_stands():
    body = "Boston: one\nBoston: two\n\nJane: I moved there.\n"
    lines, labelled = _labelled(body)
    assert not_speakers(lines, labelled) == set()


def test_labels_of_a_file_without_blank_lines_are_not_judged_by_paragraphs():
    # a chat-like file: every turn follows the one before without a blank line, so "mid-paragraph" means
    # nothing there and a one-line speaker stays
    body = "Sam: hi\nso what is up\nJane: not much\nsame here really\nOmar: hello all\nSam: hey Omar\n"
    lines, labelled = _labelled(body)
    assert not_speakers(lines, labelled) == set()


def test_one_side_of_the_session_written_as_blockquotes_is_a_speaker(tmp_path):
    body = ("Becky: How long have you been a Veteran?\n\n> P11: Since 1990.\n\n"
            "Becky: Have you used the Contact us page?\n\n> P11: Not really, I call them.\n\n"
            "> P11: And they put me on hold for an hour.\n\nBecky: What happened then?\n\n> P11: I gave up.\n")
    t = _load(tmp_path, body)
    assert [u.speaker for u in t.turns] == ["Becky", "P11", "Becky", "P11", "P11", "Becky", "P11"]
    assert t.turns[1].text == "Since 1990."  # the quote mark is not a word
    assert t.speaker_roles["P11"] == "interviewee"


def test_excerpts_quoted_inside_a_turn_are_not_speakers(tmp_path):
    # a researcher showing other participants' words: several people, one of them also speaking here
    body = ("MEL: Here is what others said.\n\n> JACKIE: It feels maintained.\n>\n> NAOMI: I am not sure.\n>\n"
            "> MEL: Why not?\n\nTERRI: I agree with Jackie, mostly.\n\nMEL: Why?\n\nTERRI: It works for me.\n")
    t = _load(tmp_path, body)
    assert set(t.speakers) == {"MEL", "TERRI"}


def test_a_handle_used_once_is_a_speaker_where_the_file_uses_handles(tmp_path):
    # IRC-style handles: 'gmaxwell:' three times makes the file one of handles; 'sipa:' once, opening a
    # paragraph with a sentence and never written elsewhere, is a person too; 'example:' never is
    body = ("Q: Does encryption stop my ISP?\n\nA: Not by itself.\n\n"
            "gmaxwell: It makes passive attacks harder for anyone watching.\n\n"
            "sipa: If you do not authenticate the peer, encryption alone tells you nothing about who it is.\n\n"
            "gmaxwell: Right, that is the second proposal.\n\nexample: this is not a person at all though.\n\n"
            "gmaxwell: And it is optional.\n")
    t = _load(tmp_path, body)
    assert {"gmaxwell", "sipa"} <= set(t.speakers) and "example" not in t.speakers


def test_dates_are_never_speakers(tmp_path):
    # a diary of sessions: `March 3:` / `Sept 14:` / `Monday:` open lines like labels, and recur
    body = ("March 3: first call with the ops team.\n\nSept 14: second call, they have a new tool.\n\n"
            "Monday: Jane said the sheet broke again.\n\nMarch 3: follow-up on the export.\n\n"
            "Monday: nothing new.\n")
    t = _load(tmp_path, body)
    assert not {"March 3", "Sept 14", "Monday"} & set(t.speakers)
    assert "Audience 3" in _load(tmp_path, "Sam: Questions?\n\nAudience 3: Yes, one about fees.\n\nSam: Go.\n").speakers
