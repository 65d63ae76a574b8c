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
