"""Each reader against fixtures shaped like real exports (tests/fixtures/ingest/)."""
from __future__ import annotations

from pathlib import Path

import pytest

from synth.ingest import discover, load_transcript

FIX = Path(__file__).parent / "fixtures" / "ingest"
ALL = sorted(p for p in FIX.iterdir() if p.suffix in {".txt", ".md", ".vtt", ".srt", ".json"})


def check_spans(t) -> None:
    assert t.turns, t.file_name
    for i, turn in enumerate(t.turns):
        assert turn.index == i
        assert t.text[turn.char_start:turn.char_end] == turn.text
        assert turn.text.strip() == turn.text and turn.text
        assert t.turn_at(turn.char_start) is turn
    assert t.text == "\n\n".join(u.text for u in t.turns)


def said(t) -> list[tuple[str, str]]:
    return [(u.speaker, u.text) for u in t.turns]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_every_fixture_parses_with_exact_spans(path):
    t = load_transcript(path)
    check_spans(t)
    assert t.file_name == path.name
    assert len(t.content_hash) == 64 and t.encoding == "utf-8"


def test_teams_vtt_note_style_guid_ids_and_unclosed_voice_tags():
    t = load_transcript(FIX / "teams_export.vtt")
    assert t.format == "vtt"
    assert t.speakers == ["Sam Okafor", "Priya Raman"]
    assert len(t.turns) == 4
    # two cues (the first <v> left unclosed) merged into one turn; first start, last end
    merged = t.turns[1]
    assert merged.text == ("Sure. So right now every release goes through a manual checklist and honestly "
                           "it eats about 20 hours a week across the team.")
    assert (merged.start, merged.end) == (7.02, 18.4)
    assert "This file was generated" not in t.text and "cue(v)" not in t.text
    assert "breaks & you need" in t.turns[2].text  # &amp; unescaped
    assert t.turns[3].text.endswith("said <enough>.")
    assert t.interviewers == ["Sam Okafor"] and t.interviewee == "Priya Raman"


def test_zoom_vtt_split_captions_merge_and_unlabeled_cue_continues_speaker():
    t = load_transcript(FIX / "zoom_export.vtt")
    assert [u.speaker for u in t.turns] == ["Dana Whitfield", "Marcus Lee", "Dana Whitfield", "Marcus Lee"]
    marcus = t.turns[1]
    assert marcus.start == 5.01 and marcus.end == 15.0
    assert marcus.text.startswith("Yeah so we just closed our Series B and the board wants us SOC 2")
    assert marcus.text.endswith("which is, you know, a scaling wall for us.")
    assert t.turns[2].start == 15.8  # cue settings after the timing are ignored
    assert t.turns[3].text == "Honestly? A spreadsheet. A giant spreadsheet."  # <i> stripped
    assert t.duration == 24.6


def test_vtt_short_timings_multiple_voices_and_inline_tags(tmp_path):
    f = tmp_path / "short.vtt"
    f.write_text(
        "WEBVTT - captions\nKind: captions\nLanguage: en\n\n"
        "01:02.500 --> 01:04.000\n<v.loud Ana Souza>Who signs the contract?</v>\n<v Ben>Our CFO.</v>\n\n"
        "00:59.000 --> 01:01.000\n<c.yellow>Earlier</c> <00:00:59.500>words from Ben\n\n"
        "00:57.000 --> 00:58.000\n<v Ben>First said.\n",
        encoding="utf-8",
    )
    t = load_transcript(f)
    check_spans(t)
    assert said(t) == [("Ben", "First said. Earlier words from Ben"),
                       ("Ana Souza", "Who signs the contract?"), ("Ben", "Our CFO.")]
    assert t.turns[0].start == 57.0 and t.turns[0].end == 61.0
    assert t.turns[1].start == 62.5


def test_srt_speaker_prefix_and_merge():
    t = load_transcript(FIX / "zoom_captions.srt")
    assert t.format == "srt"
    assert said(t)[1] == ("Lucia Gomez", "We looked at LaunchDarkly and built a homegrown flag service.")
    assert (t.turns[1].start, t.turns[1].end) == (4.0, 9.9)
    assert t.interviewers == ["Kenji Mori"]


def test_otter_export():
    t = load_transcript(FIX / "otter_export.txt")
    assert t.format == "otter"
    assert t.speakers == ["Jordan Blake", "Aisha Karimi"]
    assert [u.start for u in t.turns] == [3.0, 11.0, 24.0, 27.0, 3735.0]
    # paragraph lines join; "Note:", "at 10:30" and a URL inside prose are not labels
    assert t.turns[3].text.startswith("Note: we didn't want to.")
    assert "at 10:30 on a Friday" in t.turns[3].text and "https://example.com/postmortem" in t.turns[3].text
    assert "otter.ai" not in t.text
    assert t.interviewers == ["Jordan Blake"] and t.interviewee == "Aisha Karimi"


def test_fireflies_graphql_export():
    t = load_transcript(FIX / "fireflies_export.json")
    assert t.format == "json-fireflies"
    assert [u.speaker for u in t.turns] == ["Jordan Blake", "Aisha Karimi", "Jordan Blake", "Aisha Karimi"]
    assert t.turns[1].text == "PagerDuty, but the routing rules are a mess. We page the wrong team maybe a third of the time."
    assert (t.turns[1].start, t.turns[1].end) == (6.02, 13.25)
    assert t.meta.title == "Fernway <> Relay discovery"


def test_fireflies_bare_sentences(tmp_path):
    f = tmp_path / "ff.json"
    f.write_text('{"sentences":[{"speaker_name":"A Person","text":"Hello there?","start_time":1,"end_time":2},'
                 '{"speaker_name":"B Person","text":"Hi.","start_time":2.5,"end_time":3}]}')
    t = load_transcript(f)
    assert t.format == "json-fireflies" and said(t) == [("A Person", "Hello there?"), ("B Person", "Hi.")]


def test_gong_transcript_with_parties():
    t = load_transcript(FIX / "gong_call.json")
    assert t.format == "json-gong"
    assert [u.speaker for u in t.turns] == ["Lena Fischer", "Tomás Ruiz", "Speaker 9999"]
    tomas = t.turns[1]
    assert tomas.text == "Our Datadog renewal came in at 180K, up forty percent. Finance said no way. So we have until March to move."
    assert (tomas.start, tomas.end) == (4.9, 15.01)  # ms -> seconds, monologues merged
    assert t.meta.model_extra["speaker_titles"]["Tomás Ruiz"] == "Head of Platform"
    # Gong marks the seller side Internal: that is the interviewer
    assert t.interviewers == ["Lena Fischer"] and t.interviewer_source == "labels"


def test_gong_without_parties_uses_speaker_ids(tmp_path):
    f = tmp_path / "g.json"
    f.write_text('{"transcript":[{"speaker_id":"42","topic":"x","sentences":[{"start":1000,"end":2500,"text":"Why now?"}]},'
                 '{"speaker_id":"7","sentences":[{"start":3000,"end":4000,"text":"Audit."}]}]}')
    t = load_transcript(f)
    assert said(t) == [("Speaker 42", "Why now?"), ("Speaker 7", "Audit.")]
    assert t.turns[0].start == 1.0


def test_assemblyai_utterances_ms():
    t = load_transcript(FIX / "assemblyai_utterances.json")
    assert t.format == "json-utterances"
    assert said(t) == [("Speaker A", "Who owns the budget for this?"),
                       ("Speaker B", "That would be our VP of engineering. She signs off above twenty thousand.")]
    assert (t.turns[1].start, t.turns[1].end) == (2.9, 8.01)


def test_deepgram_utterances_seconds(tmp_path):
    f = tmp_path / "dg.json"
    f.write_text('{"results":{"utterances":[{"start":0.5,"end":1.75,"speaker":0,"transcript":"What broke?"},'
                 '{"start":2.0,"end":3.5,"speaker":1,"transcript":"The build."}]}}')
    t = load_transcript(f)
    assert said(t) == [("Speaker 0", "What broke?"), ("Speaker 1", "The build.")]
    assert t.turns[1].start == 2.0


def test_whisper_segments_without_speakers_split_on_silence():
    t = load_transcript(FIX / "whisper_segments.json")
    assert t.format == "json-segments"
    # a silence ends a turn, and so does a finished sentence (with no labels a speaker may change at any
    # sentence end; the roles' path gives one side's sentences one role): three turns, none merged across a pause
    assert said(t) == [("Unknown", "We tried building it ourselves."), ("Unknown", "It took two engineers six months."),
                       ("Unknown", "Then the lead left.")]
    assert t.turns[1].start is not None and t.turns[2].start - t.turns[1].end > 1.0
    assert any("no speaker labels" in w for w in t.warnings)
    assert t.interviewers == [] and t.interviewer_source == "none"


def test_whisperx_segments_with_speakers():
    t = load_transcript(FIX / "whisperx_segments.json")
    assert said(t) == [("Speaker 0", "How many people are on the data team?"),
                       ("Speaker 1", "Twelve, but only three touch the pipeline. And they're underwater.")]


def test_json_turns_and_top_level_list(tmp_path):
    f = tmp_path / "t.json"
    f.write_text('{"company":"Acme","turns":[{"speaker":"Ivy","start":"00:00:05","text":"Why now?"},'
                 '{"speaker":"Raf","start":9,"end":12.5,"text":"Renewal."},{"speaker":"Raf","start":13,"text":"In May."}]}')
    t = load_transcript(f)
    assert t.format == "json-turns" and t.meta.company == "Acme"
    assert said(t) == [("Ivy", "Why now?"), ("Raf", "Renewal. In May.")]
    assert (t.turns[0].start, t.turns[1].start, t.turns[1].end) == (5.0, 9.0, 12.5)
    g = tmp_path / "l.json"
    g.write_text('[{"speaker":"Ivy","text":"Hi?"},{"speaker":"Raf","text":"Hello."}]')
    assert said(load_transcript(g)) == [("Ivy", "Hi?"), ("Raf", "Hello.")]


def test_moderator_line_layout():
    t = load_transcript(FIX / "moderator_layout.txt")
    assert [u.speaker for u in t.turns] == ["Moderator", "Respondent", "Moderator", "Respondent"]
    assert (t.turns[1].start, t.turns[1].end) == (31.0, 65.0)
    assert t.turns[1].text == ("It was the Black Friday freeze. We pushed a config change, the whole checkout path "
                               "went down for forty minutes.\nWe lost maybe $50K in orders.")
    assert t.interviewers == ["Moderator"] and t.interviewer_source == "labels"


def test_i_r_labels():
    t = load_transcript(FIX / "ir_labels.txt")
    assert [u.speaker for u in t.turns] == ["I", "R", "I", "R", "I"]
    assert t.turns[3].text.endswith("Honestly the CFO is the blocker, she hates annual contracts.")
    assert t.interviewers == ["I"] and t.interviewer_source == "labels" and t.interviewee == "R"
    assert [u.is_interviewer for u in t.turns] == [True, False, True, False, True]


def test_rev_style_timestamps_and_titles():
    t = load_transcript(FIX / "rev_style.txt")
    assert [u.start for u in t.turns] == [4.0, 9.0, 75.0, 80.0]
    assert t.speakers == ["Elena Petrova", "Raj Patel"]
    assert t.turns[1].text == "We run a two-week proof of concept, always. It has to work with our Terraform setup."
    assert t.meta.model_extra["speaker_titles"] == {"Raj Patel": "VP Engineering"}


def test_markdown_front_matter_bold_labels_headings():
    t = load_transcript(FIX / "notes_front_matter.md")
    assert t.format == "md"
    assert t.speakers == ["Chris Tan", "Nadia Osei"]
    assert not any("Discovery call" in u.text or "Background" in u.text for u in t.turns)
    assert t.turns[1].text.startswith("Eleven people.") and "**" not in t.text
    m = t.meta
    assert (m.company, m.interviewee, m.role, m.interviewer) == (
        "Brightline Health", "Nadia Osei", "Director of Data Engineering", "Chris Tan")
    assert m.model_extra["channel"] == "referral" and m.model_extra["tags"] == ["healthcare", "hipaa"]
    assert m.model_extra["speaker_titles"] == {"Nadia Osei": "Director of Data Engineering"}
    assert t.interviewer_source == "front_matter" and t.interviewers == ["Chris Tan"]
    assert t.interviewee == "Nadia Osei"


def test_discover_fixture_dir_skips_accounts_and_sorts():
    files, errors = discover([FIX])
    assert errors == []
    assert [f.name for f in files] == sorted(p.name for p in ALL)


def test_sample_study_if_present():
    sample = Path(__file__).parents[1] / "transcripts" / "sample"
    files, errors = discover([sample]) if sample.is_dir() else ([], [])
    if not files:
        pytest.skip("transcripts/sample not written yet")
    for f in files:
        t = load_transcript(f)
        check_spans(t)
        assert len(t.speakers) >= 2 and t.interviewers and t.interviewee, f.name
