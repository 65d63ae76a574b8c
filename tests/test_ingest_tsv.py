"""Whisper's .tsv output (`start<TAB>end<TAB>text`, milliseconds) is read as unlabelled cues."""
from pathlib import Path

import pytest

from synth.ingest import discover, load_transcript
from synth.ingest.errors import IngestError

REAL = next((Path(__file__).resolve().parents[1] / "evals" / "real" / "dev").glob("67_hitsave_*.tsv"))


def test_real_whisper_tsv_is_read_as_timed_turns():
    t = load_transcript(REAL)
    assert t.format == "tsv"
    assert len(t.turns) > 20
    first = t.turns[0]
    assert first.start == 0.0 and first.source_line == 2
    assert first.text.startswith("hello everyone and welcome to yet another hit save podcast")
    # a later turn starts at its first row's time, converted from milliseconds
    starts = [x.start for x in t.turns]
    assert starts == sorted(starts) and starts[1] > 7.0
    raw = REAL.read_text(encoding="utf-8")
    assert all("\t" not in x.text for x in t.turns)
    assert sum(len(x.text.split()) for x in t.turns) == sum(
        len(row.split("\t", 2)[2].split()) for row in raw.splitlines()[1:] if row.strip())


def test_tsv_content_under_txt_is_sniffed_and_bad_rows_are_named(tmp_path):
    f = tmp_path / "call.txt"
    f.write_text("start\tend\ttext\n0\t2000\tHow do you track spend today?\n"
                 "2500\t9000\tWe export it to a spreadsheet every Friday.\nnot a row\n", encoding="utf-8")
    t = load_transcript(f)
    assert t.format == "tsv"
    assert [x.text for x in t.turns] == ["How do you track spend today?",
                                         "We export it to a spreadsheet every Friday."]
    assert any(w.startswith("line 4:") and "row skipped" in w for w in t.warnings)


def test_tsv_without_header_is_a_clear_error(tmp_path):
    f = tmp_path / "call.tsv"
    f.write_text("0\t2000\thello\n", encoding="utf-8")
    with pytest.raises(IngestError, match="start<TAB>end<TAB>text"):
        load_transcript(f)


def test_a_study_folder_picks_up_tsv(tmp_path):
    (tmp_path / "a.tsv").write_text("start\tend\ttext\n0\t1000\thi\n", encoding="utf-8")
    found, errors = discover([tmp_path])
    assert [p.name for p in found] == ["a.tsv"] and not errors
