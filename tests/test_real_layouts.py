"""Issue 20, Deliver 4, "each layout has a test on a real file from the corpus (not a hand-made imitation)".

One test per layout the issue lists, each on a REAL published file of the corpus's dev half (evals/real/dev,
the half tuned on; held-out files are only measured). Each test reads the file through the ingest entry
function and checks it against the file's annotation (evals/real/annotations/<file>.yaml), the same
checks for every layout:

- read as the annotation says: dialogue as dialogue (both sides found), notes as notes;
- every annotated label has its annotated role, and where the annotation gives per-turn roles (a label
  used by both sides, or no labels) at least 95% of the turns do (the issue's held-out bar);
- no exporter markup in any turn's text (emphasis, bullets, headings, timecodes, speaker tags, HTML);
- every turn's source map points at the exact characters of the source file;
- no invented speaker (a label synth made up that the annotation does not have).

A layout ingest still reads wrong is marked `xfail(strict=True)` with what goes wrong, so the parser fix
that makes it pass must also drop the marker. A layout with no licensed real file in the corpus is
listed at the end (and in evals/real/README.md), not imitated here.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from evals.real.measure import MARKUP, measure_file
from synth.ingest import decode, load_transcript

REAL = Path(__file__).resolve().parents[1] / "evals" / "real"
# measure.py's quote markup plus what a turn's text must not keep either: HTML tags, cue arrows, an
# Otter header line ('Name  12:34') left at the start of a turn
TURN_MARKUP = re.compile(MARKUP.pattern + r"|</?(?:b|strong|i|em|br|p|span)\b[^>]*>|-->|^\S.{0,40}  \d{1,2}:\d{2}\s*$",
                         re.I | re.M)
TURN_BAR = 0.95


def annotated_turns_right(t, ann: dict, src: str) -> tuple[int, int]:
    """Per-turn roles against the annotation's `turns`, placing each annotated turn by line AND col, so two
    turns on one line (a question and its answer) are two turns. The parsed turn covering an annotated one:
    on the same line, the first whose text starts at or after the annotated col (past a label), else the one
    running there; on no parsed turn's line, the last parsed turn before it. `notes_lines` are nobody's speech."""
    starts, pos = [], 0
    for line in src.split("\n"):
        starts.append(pos)
        pos += len(line) + 1
    notes = [tuple(r) for r in ann.get("notes_lines") or []]
    parsed = sorted(((u.source_line or 0), u.source_map[0][1] if u.source_map else 0, u.index) for u in t.turns)
    right = total = 0
    for turn in ann["turns"]:
        line, col, role = int(turn["line"]), int(turn.get("col", 0)), turn["role"]
        if any(a <= line <= b for a, b in notes):
            continue
        total += 1
        same = [p for p in parsed if p[0] == line]
        after = [p for p in same if p[1] >= starts[line - 1] + col]
        before = [p for p in parsed if p[0] < line]
        hit = min(after, key=lambda p: p[1]) if after else (max(same, key=lambda p: p[1]) if same else
                                                             (before[-1] if before else None))
        if hit is not None:
            u = t.turns[hit[2]]
            right += not u.notes and u.is_interviewer == (role == "interviewer")
    return right, total


def check(name: str):
    """Ingest dev/<name> and assert everything its annotation says; returns (transcript, measured result)."""
    path = REAL / "dev" / name
    ann = yaml.safe_load((REAL / "annotations" / f"{name}.yaml").read_text(encoding="utf-8"))
    t = load_transcript(path)
    r = measure_file(t, ann, "dev")
    src, _ = decode(path.read_bytes(), path)

    assert r.dialogue_ok, f"{name}: annotated {r.kind}, read {t.kind} (both sides found: {r.dialogue_ok})"
    assert r.labels_right == r.labels_total, f"{name}: label roles wrong: {r.wrong_labels}"
    if ann.get("turns") and r.kind != "notes":
        right, total = annotated_turns_right(t, ann, src)
        assert right >= TURN_BAR * total, f"{name}: annotated turns on the right side {right}/{total}"
    elif r.turns_total:
        assert r.turns_right >= TURN_BAR * r.turns_total, f"{name}: turns right {r.turns_right}/{r.turns_total}"
    assert r.invented == [], f"{name}: invented speakers {r.invented}"
    for u in t.turns:
        m = TURN_MARKUP.search(u.text)
        assert m is None, f"{name}: turn {u.index} keeps markup {m.group(0)!r}: {u.text[:100]!r}"
        assert t.text[u.char_start:u.char_end] == u.text
        assert u.source_map, f"{name}: turn {u.index} has no map back to the source"
        for a, s, n in u.source_map:
            assert u.text[a:a + n] == src[s:s + n], f"{name}: turn {u.index} offset {a} does not map to source {s}"
    return t, r


def _measured(name: str):
    t = load_transcript(REAL / "dev" / name)
    ann = yaml.safe_load((REAL / "annotations" / f"{name}.yaml").read_text(encoding="utf-8"))
    return t, measure_file(t, ann, "dev")


# ---------------------------------------------------------------- markdown dialogues


def test_bold_questions_with_plain_answers():
    check("26_chrischinchilla_2008-01-10-chris-tt-interview.md")


def test_heading_questions_with_plain_answers():
    check("03_usesthis_casey.johnston.markdown")


def test_bold_name_colon_labels():
    check("02_changelog-founderstalk_founders-talk-60.md")


def test_bold_name_colon_labels_with_timestamps_inside_the_text():
    # '**Jonas Rosland:** [00:00:00] hi everyone', '[01:56:00]' mid-sentence; three interviewees
    check("49_hitsave_Wintermoor Tactics Club interview transcription.md")


def test_plain_name_colon_labels_of_a_research_interview():
    # 'MEL:' / 'NAOMI:' caps labels; the CART captioner's 'MIRABAI:' lines are neither side
    t, _ = check("43_fossrit-mismatches_naomi-3-full.md")
    assert t.interviewee == "NAOMI"


def test_plain_labels_with_a_captioners_typed_label():
    check("45_fossrit-mismatches_nick-2-full.md")


def test_q_and_a_labels():
    check("04_btctranscripts-edgedev_wallet-architecture.md")


def test_moderator_label_asking_audience_questions():
    # 'Moderator:' spelled exactly so (after an unlabelled talk); no real research session with
    # 'Interviewer:'/'Participant:' labels was found under a licence that allows redistribution ('P11:' is,
    # dev 61 and 68)
    check("42_btctranscripts-mitexpo_2021-04-03-defending-against-99-attack.md")


# ---------------------------------------------------------------- other layouts


def test_name_alone_on_a_line_then_its_paragraph():
    check("15_btctranscripts-adoptingbitcoin_onboarding-bitcoin-and-lightning-developers.md")


@pytest.mark.xfail(strict=True, reason="151 of 162 turns (bar 154): Otter's 'Unknown Speaker' fragments of hosts and guest are not all given the right side; a fragment finishing a host's sentence now is the host's")
def test_otter_export_saved_as_md_with_footer_and_unknown_speaker():
    t, _ = check("01_ladybug-podcast_62-security.md")
    assert "otter.ai" not in t.text  # the footer is not speech


def test_otter_export_saved_as_md_under_a_metadata_header():
    # '# Transcript of ...', '## Details' (interviewer named there), '## Transcript', then Otter turns
    t, _ = check("47_hitsave_Q-Cubed - Interview with Carolyn Lu at Cludosian Games.md")
    assert "otter.ai" not in " ".join(u.text for u in t.turns if not u.notes)


def test_otter_export_under_a_header_with_one_unknown_speaker_turn():
    check("48_hitsave_GigaSword - Interview with Jack Breen.md")


@pytest.mark.xfail(strict=True, reason='the cues are read (cues-in-txt) but with no labels only 58 of the 72 annotated turns get the right side (the two-state path of sequence.py; 48 before the session-4 weights); cue turns have no source map yet')
def test_caption_cues_saved_as_txt_without_labels():
    check("50_hitsave_Goodboy Galaxy - Rik Nicol.txt")


def test_timed_speaker_tags_with_bold_names():
    # '[00:00:00] **Adam:** text' (a podcast's own site, dev 180). The diarized '[Speaker 2] [00:06] text' of
    # the Oxide files was removed with them (their licence covers the code, not the speech); no licensed file
    # with that layout, or with literal '[speaker_0]' tags, was found
    t, r = _measured("180_workingcode_052-starting-your-own-business-with-steve-rittler.md")
    assert {"Adam", "Steve"} <= set(t.speakers) and t.speaker_roles["Adam"] == "interviewer"
    assert t.speaker_roles["Steve"] == "interviewee" and r.invented == []
    assert not any(TURN_MARKUP.search(u.text) for u in t.turns)


def test_interviewer_notes_are_notes():
    for name in ("23_vagov-mhv-account-research_p1-notes.md", "25_vagov-covid-screener_guerilla-testing-notes.md"):
        t, _ = check(name)
        assert all(u.notes for u in t.turns), name


@pytest.mark.xfail(strict=True, reason="field labels pass, but 24 of 31 turns: the facilitator's own turns under the captioner's shared 'PARTICIPANT:'")
def test_field_labels_are_never_speakers():
    # 'Room:', 'Day & Time:' in a session header; the facilitator's own turns under a shared 'PARTICIPANT:'
    t, _ = check("35_srccon-2016_SRCCON2016-juggling-expectations.md")
    assert not {"Room", "Day & Time"} & set(t.speakers)


def test_list_lead_ins_inside_a_turn_are_not_speakers():
    # 'Option number two is: ...' inside the researcher's turn; 'MEL (typed):' is the same researcher
    t, _ = check("44_fossrit-mismatches_terri-2-full.md")
    assert not any(s.lower().startswith("option number") for s in t.speakers)


def test_sentence_lead_ins_and_blockquoted_excerpts_are_not_speakers():
    # 'So the first one is: ...' inside a turn; '> JACKIE: ...' excerpts quoted by the researcher
    t, _ = check("46_fossrit-mismatches_ernest-3-full.md")
    assert "JACKIE" not in t.speakers


def test_speakers_heard_once_are_kept_where_they_speak_like_turns():
    # a lecture's audience: 'Elichai:', 'Carla:', 'Various Audience Members:' each speak once, opening a
    # paragraph with speech (label_checks keeps them; a label used once mid-paragraph would be words)
    # (not check(): one label's role there, 'Amiti', is the roles helper's open case, not reading)
    name = "40_btctranscripts-chaincode-residency_2019-06-17-john-newbery-security-models.md"
    t = load_transcript(REAL / "dev" / name)
    ann = yaml.safe_load((REAL / "annotations" / f"{name}.yaml").read_text(encoding="utf-8"))
    assert measure_file(t, ann, "dev").invented == []
    assert {"Elichai", "Jon", "Carla", "Fabian", "Various Audience Members", "John Newbery"} <= set(t.speakers)


def test_a_field_label_used_once_in_notes_is_not_a_speaker():
    # 'First Question: "Is this a QR code? ..."' under a participant's heading: a field of the notes
    t, _ = check("25_vagov-covid-screener_guerilla-testing-notes.md")
    assert "First Question" not in t.speakers


def test_one_side_written_as_blockquotes_is_a_speaker():
    # a research session: the moderator's 'Becky: ...' paragraphs, the participant's '> P11: ...' ones
    t, _ = check("61_vagov-contact-us-research_09172024_participant11.md")
    assert t.speaker_roles["P11"] == "interviewee" and t.speaker_roles["Becky"] == "interviewer"
    assert not any(u.text.startswith(">") for u in t.turns)


def test_handles_used_once_in_a_q_and_a_are_speakers():
    # 'Q:'/'A:' audience Q&A where people in the room are named by handles: 'gmaxwell:' several times,
    # 'sipa:' and 'callen:' once each (not check(): callen's role, asking, is the roles helper's case)
    name = "64_btctranscripts-sfbitcoinmeetup_2017-09-04-jonas-schnelli-bip150-bip151.md"
    t = load_transcript(REAL / "dev" / name)
    ann = yaml.safe_load((REAL / "annotations" / f"{name}.yaml").read_text(encoding="utf-8"))
    assert {"Q", "A", "gmaxwell", "sipa", "callen"} <= set(t.speakers)
    assert measure_file(t, ann, "dev").invented == []


def test_markdown_inside_a_speaker_label_is_stripped():
    # '**Name:**' bold labels: the label is the name, without the asterisks (HTML inside a label, e.g.
    # '<b>Jane</b> (Head of Ops):', was not found in a licensed real file)
    t, _ = check("49_hitsave_Wintermoor Tactics Club interview transcription.md")
    assert "Jonas Rosland" in t.speakers and not any("*" in s for s in t.speakers)


def test_a_second_study_of_name_lines_with_raw_speaker_n_labels():
    # 'Speaker 0: 00:00:03' alone on a line, the paragraph below (automatic diarization, front matter)
    check("57_btctranscripts-bitcoinmagazine_inside-the-kernel-project-the-bitcoin-core-development-process-w-core-dev-stephan.md")


def test_html_bold_questions_of_a_second_study():
    check("62_chrischinchilla_2008-01-10-josh-pyke-interview.md")


def test_a_research_session_with_the_participant_blockquoted_and_hand_cleaned_spacing():
    # ' > P2: ...' (a space before '>'), 'Becky:  Got it' (two spaces), an empty '> P2: ', then notes
    t, _ = check("68_vagov-contact-us-research_09092024_participant2.md")
    assert set(t.speakers) - {"Unknown"} == {"Becky", "P2"}


def test_observer_notes_in_plain_lines_without_bullets_are_notes():
    # several sessions' takeaways and surprises as plain lines, the participant in the third person
    for name in ("65_vagov-virtual-agent-live-bot-testing_observer-notes.md",
                 "60_vagov-contact-us-research_09102024_participant4.md",
                 "59_vagov-mhv-account-research_p2-notes.md"):
        t, _ = check(name)
        assert t.turns and all(u.notes for u in t.turns), name


@pytest.mark.xfail(strict=True, reason="whisper text without labels or punctuation, speaker changes mid-line: read as "
                                       "one unknown speaker, both sides not found (45 of 88 annotated turns)")
def test_unlabelled_dialogue_without_punctuation():
    check("66_hitsave_Keitai update Spring 2025.txt")


# Not in the corpus (no licensed real file found; searched, see evals/real/README.md): literal
# `[speaker_0]` tags, Meet/Zoom/Teams notes exports with an AI summary above the transcript,
# `Interviewer:`/`Participant:` labels in a research session (a `P11:`/`P2:` participant number is: dev 61,
# 68 above), HTML inside speaker labels.
# tests/test_ingest_markup.py tests those on hand-made files and says so.


# ---------------------------------------------------------------- meeting exports (session 11: dev 160, 161, 165, 170)




def test_a_zoom_transcript_vtt_with_display_names_in_the_cues():
    # Zoom's cloud-recording transcript: 'nixo: Morning, everyone.' (a lower-case handle), 'Akash | ECH:',
    # 'Justin Florentine (Besu):', one speaker a cue, a turn split over many cues (not check(): cue turns
    # have no source map, as for dev 50)
    t, r = _measured("161_ethereum-pm-acde241_transcript.vtt")
    assert t.interviewers == ["nixo"] and {"Akash | ECH", "Pooja Ranjan"} <= set(t.speakers)
    assert r.labels_right == r.labels_total and r.turns_right == r.turns_total and r.invented == []


def test_teams_transcript_document_with_the_time_spelled_out():
    # 'Michael Greene (POWERSHELL) 1 minute 13 seconds' alone on its line, the paragraph below; the published
    # copy lost one segment's speaker and repeats a header (the annotation's comment), so labels, not check()
    t, r = _measured("165_powershell-communitycall_20251016_ChatTranscript.md")
    assert t.format == "otter" and "Michael Greene (POWERSHELL)" in t.interviewers
    assert r.labels_right == r.labels_total == 6 and r.invented == []


def test_notes_export_with_an_ai_summary_above_the_transcript():
    # Krisp: a generated summary (not evidence), then '**Colin McNamara | 00:18  ' with the bold closed at
    # the start of the next line
    t, _ = check("160_austin-langchain_2024-09-26-community-call-transcript-and-summaries.md")
    assert t.kind == "summary_and_dialogue" and t.interviewers == ["Colin McNamara"]
    assert not any("**" in u.text or "|" in u.speaker for u in t.turns)


def test_otter_headers_wholly_inside_bold():
    # '**Kelsey  1:18**' (a podcast's Markdown copy of Otter); the producer's one 'Let's go.' aside is the
    # roles' open case, so the labels are checked here, not check()'s every role
    name = "170_sosdesign-podcast_In-conversation-with-designers-and-developers-in-OSS-for-SOS-podcast.md"
    t = load_transcript(REAL / "dev" / name)
    ann = yaml.safe_load((REAL / "annotations" / f"{name}.yaml").read_text(encoding="utf-8"))
    r = measure_file(t, ann, "dev")
    assert t.format == "otter" and set(t.speakers) >= {"Eriol", "Kelsey", "Lucie", "Saptak"} and r.invented == []
    assert t.speaker_roles["Eriol"] == t.speaker_roles["Kelsey"] == "interviewer"
    assert t.speaker_roles["Lucie"] == t.speaker_roles["Saptak"] == "interviewee"


def test_a_note_field_word_alone_on_its_line_taking_turns_is_a_speaker():
    # 'Team:' alone on its line, the paragraph below, taking turns with 'Customer:' (a student team's customer
    # meeting, dev 172): the team's questions were read as words of the customer's answers
    t, r = _measured("172_innopolis-sidescroller_transition-report.md")
    assert t.speaker_roles == {"Team": "interviewer", "Customer": "interviewee"}
    assert r.labels_right == r.labels_total and r.turns_right == r.turns_total
    assert not any(u.speaker == "Customer" and "?" in u.text.split(".")[-1] for u in t.turns[:4])


def test_a_name_alone_then_a_time_alone_then_the_paragraph():
    # 'Adám Brudzewsky' / '**01:27-01:56**' / text (ArrayCast, dev 194): the time between a name and its paragraph
    # hid the layout, and the whole transcript was one unknown speaker's paragraphs
    # the page's `**Host:**` and `**Panel:**` lines name who runs it; the guest's label quotes his nickname
    t, r = _measured("194_arraycast_2025-09-27-Tacit-to-the-Limit.md")
    assert t.layout == "name_lines" and t.speaker_roles["Conor Hoekstra"] == "interviewer"
    assert t.speaker_roles["'Pepe' Quintana"] == "interviewee" and t.speaker_roles["Bob Therriault"] == "interviewer"
    assert r.turns_right == r.turns_total
    assert not any(re.fullmatch(r"\*?\*?\d{1,2}:\d{2}-\d{1,2}:\d{2}\*?\*?", u.text) for u in t.turns)


def test_a_time_then_the_speaker_in_brackets_alone_on_its_line():
    # '00:00:22 [Conor Hoekstra]' for a speaker's first turn, '00:01:02 [CH]' after it, the text below (ArrayCast,
    # dev 193): read as one unknown speaker's paragraphs before
    t, r = _measured("193_arraycast_2025-03-29-The-Goal-Array-Language-.md")
    assert t.format == "otter" and t.speaker_roles["YFR"] == t.speaker_roles["Yon Fernández de Retana"] == "interviewee"
    assert t.speaker_roles["CH"] == t.speaker_roles["ML"] == "interviewer"
    assert r.labels_right == r.labels_total and r.turns_right == r.turns_total and r.invented == []
