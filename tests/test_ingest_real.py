"""Every layout read from a REAL published file of the corpus (evals/real/dev, the half tuned on),
checked against its annotation: the layout is recognised, who speaks is right, no markup is left in
any turn, no field label becomes a speaker."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from evals.real.measure import measure_file
from synth.ingest import load_transcript

REAL = Path(__file__).resolve().parents[1] / "evals" / "real"
LEFTOVER = re.compile(r"\*\*|\\\[|\]\[|\]\(|\[(?:speaker|spk)[ _-]?\d|\[\d{1,2}:\d{2}|^#|-->|^[-*•●○]\s", re.I | re.M)


def read(name: str):
    path = REAL / "dev" / name
    if not path.exists():
        pytest.skip(f"corpus file {name} not present")
    t = load_transcript(path)
    ann = yaml.safe_load((REAL / "annotations" / f"{name}.yaml").read_text(encoding="utf-8"))
    r = measure_file(t, ann, "dev")
    for u in t.turns:
        assert not LEFTOVER.search(u.text), (name, u.index, u.text[:120])
        assert t.text[u.char_start:u.char_end] == u.text
    assert r.invented == [], r.invented
    return t, r


def test_otter_export_saved_as_md_with_several_hosts_and_unknown_speaker():
    t, r = read("01_ladybug-podcast_62-security.md")
    assert t.format == "otter" and r.dialogue_ok and r.labels_right == r.labels_total
    assert set(t.interviewers) >= {"Emma", "Kelly", "Sidney"} and t.speaker_roles["Unknown Speaker"] == "mixed"
    assert r.turns_right / r.turns_total >= 0.85
    assert "otter.ai" not in t.text  # the footer is not speech


def test_otter_with_bold_names():
    t, r = read("09_ladybug-podcast_35-indie-hacking.md")
    assert t.format == "otter" and t.interviewee == "Courtland Allen"
    assert set(t.interviewers) == {"Ali", "Kelly"}


def test_bold_name_colon_labels_with_a_pseudo_label_and_escaped_timestamps():
    t, r = read("02_changelog-founderstalk_founders-talk-60.md")
    assert t.interviewers == ["Adam Stacoviak"] and r.turns_right == r.turns_total
    assert "19:24" not in t.text


def test_bold_name_with_bracketed_time_on_its_own_line_and_inline():
    for name in ("10_ladybug-podcast_20-debugging.md", "39_ladybug-podcast_01-new-career-who-dis.md"):
        t, r = read(name)
        assert r.labels_right == r.labels_total and r.turns_right == r.turns_total, name


def test_heading_questions_with_plain_answers_and_link_definitions():
    t, r = read("03_usesthis_casey.johnston.markdown")
    assert t.layout == "md_qa" and r.turns_right == r.turns_total
    assert "https://" not in " ".join(u.text for u in t.turns if not u.is_interviewer)


def test_bold_questions_with_plain_answers():
    t, r = read("26_chrischinchilla_2008-01-10-chris-tt-interview.md")
    assert t.layout == "md_qa" and r.turns_right / r.turns_total >= 0.9


def test_q_and_a_labels_after_an_unlabelled_talk():
    t, r = read("04_btctranscripts-edgedev_wallet-architecture.md")
    assert t.interviewers == ["Q"] and r.turns_right == r.turns_total


def test_name_then_time_alone_on_a_line_panel_with_audience_questions():
    t, r = read("15_btctranscripts-adoptingbitcoin_onboarding-bitcoin-and-lightning-developers.md")
    assert "Pablo Fernandez" in t.interviewers and r.turns_right / r.turns_total >= 0.95
    assert not any(u.text.startswith("00:") for u in t.turns)


def test_facilitated_meeting_attendees_are_not_interviewers():
    t, r = read("14_btctranscripts-bitcoindesign_covenants-part-2.md")
    assert t.interviewers == ["Christoph Ono"] and r.turns_right == r.turns_total


def test_field_labels_in_a_session_header_are_not_speakers():
    t, _ = read("35_srccon-2016_SRCCON2016-juggling-expectations.md")
    assert not {"Room", "Day & Time"} & set(t.speakers)


def test_unlabelled_vtt_of_a_show_with_no_guest_is_all_host_speech():
    t, r = read("18_talkpython_000_tptm_introducing_the_show.vtt")
    assert all(u.is_interviewer for u in t.turns) and any("nothing of it is evidence" in w for w in t.warnings)


def test_interviewer_notes_are_notes():
    for name in ("23_vagov-mhv-account-research_p1-notes.md", "25_vagov-covid-screener_guerilla-testing-notes.md"):
        t, r = read(name)
        assert t.kind == "notes" and all(u.notes for u in t.turns), name


def test_a_quote_maps_back_to_its_place_in_the_real_file():
    t, _ = read("02_changelog-founderstalk_founders-talk-60.md")
    src = (REAL / "dev" / "02_changelog-founderstalk_founders-talk-60.md").read_text(encoding="utf-8")
    for u in t.turns[:40]:
        for a, s, n in u.source_map:
            assert u.text[a:a + n] == src[s:s + n]
