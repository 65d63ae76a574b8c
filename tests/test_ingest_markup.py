"""Markup is removed from turn text at ingest, and every kept piece maps back to the source file."""
from __future__ import annotations

from synth.ingest import load_transcript
from synth.ingest.markup import MappedText, strip_markup


def test_markup_stripped_and_mapped():
    src = "- I **really** hate _this_ [00:01:02] part\n  ● and   that"
    m = MappedText()
    off = 0
    for ln in src.split("\n"):
        m.add_line(ln, off)
        off += len(ln) + 1
    assert m.text == "I really hate this part and that"
    for a, s, n in m.runs:  # every run is verbatim in the source
        assert m.text[a:a + n] == src[s:s + n]


def test_strip_markup_keeps_words_of_links_and_html():
    assert strip_markup("see [the docs](https://x.y/z) now") == "see the docs now"
    assert strip_markup("00:00:58,040 --> 00:01:00,980 [speaker_1] hello") == "hello"
    assert strip_markup("a <script>x</script> b, 5 * 3, snake_case") == "a <script>x</script> b, 5 * 3, snake_case"


def test_turn_source_map_points_at_the_quote(tmp_path):
    body = "**Ann:** We **lose** 20 hours a week.\n\n**Bo:** Why?\n"
    f = tmp_path / "t.md"
    f.write_text(body, encoding="utf-8")
    t = load_transcript(f)
    turn = t.turns[0]
    assert turn.text == "We lose 20 hours a week." and turn.source_line == 1
    i = turn.text.index("20 hours")
    assert body[turn.source_offset(i):].startswith("20 hours")
    assert t.turns[1].source_line == 3


def test_speaker_tags_and_field_labels(tmp_path):
    f = tmp_path / "tags.txt"
    f.write_text("[speaker_0] How do you track it?\n[speaker_1] A spreadsheet, sadly.\n"
                 "[speaker_0] Why?\n[speaker_1] Nobody owns it.\n", encoding="utf-8")
    t = load_transcript(f)
    assert t.speakers == ["speaker_0", "speaker_1"] and t.interviewers == ["speaker_0"]
    f.write_text("## P3\n\n- Who: ops lead at a clinic\n- Surprise: uses paper forms\n- Step 4: gave up\n"
                 "- Past: tried a CRM\n", encoding="utf-8")
    t = load_transcript(f)
    assert t.kind == "notes" and all(u.notes and not u.is_interviewer for u in t.turns)
    assert t.speakers == ["Interviewer's notes"]


# Layouts the real corpus has no file of yet (hand-made, in the exporters' shapes)

def _load(tmp_path, name, body):
    f = tmp_path / name
    f.write_text(body, encoding="utf-8")
    return load_transcript(f)


def test_meeting_notes_export_summary_above_the_transcript_is_not_speech(tmp_path):
    t = _load(tmp_path, "meet.md", "# Notes by Gemini\n\n## Summary\nAcme is evaluating vendors.\n\n"
                                   "## Next steps\n- Send pricing\n\n## Transcript\n\n00:00:00\n\n"
                                   "Sam Lee: How do you track renewals today?\n"
                                   "Ana Ruiz: In a spreadsheet, and we miss about two a quarter.\n")
    assert t.kind == "summary_and_dialogue" and t.speakers == ["Sam Lee", "Ana Ruiz"]
    assert "vendors" not in t.text and t.interviewers == ["Sam Lee"]


def test_captions_saved_as_txt_and_md_are_read_as_captions(tmp_path):
    srt = ("1\n00:00:01,000 --> 00:00:03,000\n[speaker_0] How do you deploy?\n\n"
           "2\n00:00:03,500 --> 00:00:06,000\n[speaker_1] By hand, every Friday.\n")
    t = _load(tmp_path, "cues.txt", srt)
    assert t.format == "srt" and t.layout == "srt-in-txt" and t.speakers == ["speaker_0", "speaker_1"]
    assert "-->" not in t.text and t.turns[1].text == "By hand, every Friday."
    t = _load(tmp_path, "cues.md", "WEBVTT\n\n00:01.000 --> 00:03.000\n<v Sam>Why now?\n\n"
                                   "00:03.000 --> 00:05.000\n<v Ana>The audit.\n")
    assert t.format == "vtt" and t.interviewers == ["Sam"]


def test_html_in_a_speaker_label_with_a_title_is_stripped_not_fatal(tmp_path):
    t = _load(tmp_path, "h.txt", "<b>Sam</b>: What broke last quarter?\n"
                                 "<b>Jane</b> (Head of Ops): Two outages, each over an hour.\n")
    assert t.speakers == ["Sam", "Jane"] and t.interviewee == "Jane" and t.meta.speaker_titles == {
        "Jane": "Head of Ops"}
