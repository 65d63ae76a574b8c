"""Plain-text layouts: labels vs prose, front matter, header blocks, no labels."""
from __future__ import annotations

import datetime as dt

import pytest

from synth.ingest import load_transcript
from synth.ingest.labels import match_label, parse_clock


def load(tmp_path, body: str, name: str = "t.txt", **kw):
    f = tmp_path / name
    f.write_text(body, encoding="utf-8")
    t = load_transcript(f, **kw)
    for u in t.turns:
        assert t.text[u.char_start:u.char_end] == u.text
    return t


@pytest.mark.parametrize("line", [
    "Note: this was said in passing", "See https://example.com/x for more", "We met at 10:30 and talked",
    "The problem is: nobody owns it", "so: lowercase start", "Now the second thing I want to say: x",
    "Meeting at 10:30 was fine", "Action items: follow up", "https://otter.ai", "Step: one",
])
def test_prose_is_not_a_label(line):
    assert match_label(line) is None


@pytest.mark.parametrize("line,name,title,start,text", [
    ("Dana: hi", "Dana", None, None, "hi"),
    ("Dana Lee (VP Eng, Acme): hi", "Dana Lee", "VP Eng, Acme", None, "hi"),
    ("[00:01:02] Dana Lee: hi", "Dana Lee", None, 62.0, "hi"),
    ("[01:02] Dana: hi", "Dana", None, 62.0, "hi"),
    ("**Dana Lee:** hi", "Dana Lee", None, None, "hi"),
    ("**Dana Lee**: hi", "Dana Lee", None, None, "hi"),
    ("Speaker 1 (00:11): hi", "Speaker 1", None, 11.0, "hi"),
    ("Maria de la Cruz: hi", "Maria de la Cruz", None, None, "hi"),
    ("Q: hi", "Q", None, None, "hi"),
    ("interviewer: hi", "interviewer", None, None, "hi"),
    ("Speaker 2: 30 users", "Speaker 2", None, None, "30 users"),
    ("- Jo: bullet notes", "Jo", None, None, "bullet notes"),
])
def test_label_forms(line, name, title, start, text):
    lab = match_label(line)
    assert lab is not None
    assert (lab.name, lab.title, lab.start, lab.text) == (name, title, start, text)


def test_parse_clock():
    assert parse_clock("0:03") == 3 and parse_clock("1:02:15") == 3735
    assert parse_clock("00:01:02,500") == 62.5 and parse_clock("00:61") is None and parse_clock("x:1") is None


def test_continuation_lines_and_paragraphs(tmp_path):
    t = load(tmp_path, "Ann: first line\nwrapped here\n\nsecond paragraph\nBo: reply?\n")
    assert [(u.speaker, u.text) for u in t.turns] == [
        ("Ann", "first line wrapped here\nsecond paragraph"), ("Bo", "reply?")]


def test_label_alone_on_its_line_then_text(tmp_path):
    t = load(tmp_path, "Speaker 1 (00:00):\nHow did you find us?\n\nSpeaker 2 (00:04):\nA friend.\n")
    assert [(u.speaker, u.start, u.text) for u in t.turns] == [
        ("Speaker 1", 0.0, "How did you find us?"), ("Speaker 2", 4.0, "A friend.")]


def test_no_speaker_labels_gives_unknown_paragraphs(tmp_path):
    t = load(tmp_path, "We use Jenkins and it breaks weekly.\nIt costs us a day.\n\nThe CTO wants it gone by Q3.\n")
    assert [(u.speaker, u.text) for u in t.turns] == [
        ("Unknown", "We use Jenkins and it breaks weekly. It costs us a day."), ("Unknown", "The CTO wants it gone by Q3.")]
    assert t.warnings[0] == "no speaker labels found; each paragraph is a turn of speaker 'Unknown'"
    # no interviewer question opens an answer here, so none of the guessed interviewee talk is evidence,
    # and the file says so (answer_runs, ab777d1)
    assert len(t.warnings) == 2 and "19 (100%) are not used as evidence" in t.warnings[1]
    assert t.interviewee is None and t.interviewer_source == "none"


def test_preamble_before_first_label_is_kept(tmp_path):
    t = load(tmp_path, "Call with Acme, notes typed live\n\nMe: Why now?\nJo: Our renewal is in May.\n")
    assert t.turns[0].speaker == "Unknown" and t.turns[0].text == "Call with Acme, notes typed live"
    assert t.interviewers == ["Me"] and t.interviewer_source == "labels" and t.interviewee == "Jo"
    assert any("before the first speaker label" in w for w in t.warnings)


def test_header_block_is_metadata(tmp_path):
    t = load(tmp_path, "Company: Acme Corp\nDate: 2024-05-02\nInterviewee: Jo Park\n\nAl: Why?\nJo Park: Cost.\n")
    assert t.meta.company == "Acme Corp" and t.meta.interviewee == "Jo Park"
    assert t.speakers == ["Al", "Jo Park"] and t.interviewee == "Jo Park"
    # header lines straight before the talk, no blank line; role-label talk is not swallowed
    t = load(tmp_path, "Date: 2024-05-02\nCompany: Acme\nInterviewer: So, why now?\nInterviewee: Budget.\n")
    assert t.meta.company == "Acme" and t.speakers == ["Interviewer", "Interviewee"]
    assert t.interviewer_source == "labels" and t.warnings == []


def test_front_matter_date_is_a_date(tmp_path):
    t = load(tmp_path, "---\ndate: 2024-03-05\n---\nA: x?\nB: y\n", "d.md")
    assert t.meta.date == dt.date(2024, 3, 5)


def test_front_matter_date_is_never_lost(tmp_path):
    t = load(tmp_path, "---\ndate: 2024-03-05\n---\nA: x?\nB: y\n", "d.md")
    assert t.meta.date == dt.date(2024, 3, 5)
    bad = load(tmp_path, "---\ndate: sometime in March\n---\nA: x?\nB: y\n", "e.md")
    assert bad.meta.date is None and bad.meta.model_extra["date_raw"] == "sometime in March"
    assert any("not a YYYY-MM-DD date" in w for w in bad.warnings)


def test_broken_front_matter_warns_and_continues(tmp_path):
    t = load(tmp_path, "---\ncompany: [unclosed\n---\nA: hello?\nB: hi\n", "f.md")
    assert t.speakers == ["A", "B"] and any("front matter is not valid YAML" in w for w in t.warnings)


def test_html_in_speaker_names_is_stripped(tmp_path):
    t = load(tmp_path, "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Eve &lt;img src=x onerror=alert(1)&gt;>Hi?\n\n"
                       "00:02.000 --> 00:03.000\n<v Bob>Yo\n", "h.vtt")
    assert t.speakers == ["Eve", "Bob"]
    t = load(tmp_path, "<b>Eve</b>: Hi?\nBob: Yo &lt;3\n", "h.txt")
    assert t.speakers == ["Eve", "Bob"] and t.turns[1].text == "Yo &lt;3"  # text kept verbatim


def test_vtt_content_in_txt_file_is_sniffed(tmp_path):
    t = load(tmp_path, "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAl: Hi?\n", "x.txt")
    assert t.format == "vtt" and t.turns[0].start == 1.0


def test_srt_content_in_txt_file_is_sniffed(tmp_path):
    t = load(tmp_path, "1\n00:00:01,000 --> 00:00:02,000\nAl: Hi?\n", "x.txt")
    assert t.format == "srt"


def test_header_block_below_a_markdown_title_is_metadata_not_talk(tmp_path):
    p = tmp_path / "acme.md"
    p.write_text("# Interview: Acme Corp\n\n**Interviewer:** Sam Patel\n**Date:** 2026-01-12\n\n"
                 "**Sam Patel:** What made you look at this now?\n\n"
                 "**Dana Lee:** We failed an audit in March and it cost us two weeks of work.\n", encoding="utf-8")
    t = load_transcript(p)
    assert [x.speaker for x in t.turns] == ["Sam Patel", "Dana Lee"]
    assert [x.is_interviewer for x in t.turns] == [True, False]
    assert t.meta.interviewer == "Sam Patel" and t.meta.date == dt.date(2026, 1, 12)
    assert t.interviewee == "Dana Lee"
