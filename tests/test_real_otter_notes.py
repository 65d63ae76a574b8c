"""Issue 20, session 5 (`otter_notes`): Otter exports with several interviewers, on real dev files (evals/real/dev).

Only dev files are read (held-out files are measured by the lead, never opened by a test).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from synth.ingest import IngestError, discover, load_transcript
from synth.ingest.sniff import looks_like_transcript
from tests.test_real_layouts import check

REAL = Path(__file__).resolve().parents[1] / "evals" / "real"
SUFFIXLESS = "123_ladybug-podcast_55-git-and-github"  # published as `transcripts/55-git-and-github`


def test_otter_export_published_without_a_file_extension_is_read():
    # an Otter export committed with no suffix: its content says what it is (issue 20: "sniff the content,
    # not the suffix"); before, discover skipped it and load_transcript refused it ("unsupported extension")
    t, r = check(SUFFIXLESS)
    assert t.layout == "otter" and set(t.interviewers) == {"Ali", "Kelly"}
    assert r.turns_right == r.turns_total == 94


def test_a_folder_walk_takes_the_suffixless_export_and_skips_other_suffixless_files(tmp_path):
    shutil.copy(REAL / "dev" / SUFFIXLESS, tmp_path / SUFFIXLESS)
    (tmp_path / "LICENSE").write_text("The MIT License (MIT)\n\nCopyright (c) 2015 gatsbyjs\n\nPermission is "
                                      "hereby granted, free of charge, to any person obtaining a copy\n",
                                      encoding="utf-8")
    (tmp_path / "Makefile").write_text("test:\n\tpytest -q\n\nlint:\n\truff check .\n", encoding="utf-8")
    (tmp_path / "blob").write_bytes(b"\x00\x01\x02Unknown Speaker  0:01\n" * 10)
    files, errors = discover([tmp_path])
    assert [f.name for f in files] == [SUFFIXLESS] and errors == []


def test_an_explicit_suffixless_file_that_is_not_a_transcript_is_refused_by_name(tmp_path):
    p = tmp_path / "LICENSE"
    p.write_text("The MIT License (MIT)\n", encoding="utf-8")
    with pytest.raises(IngestError, match="LICENSE.*unsupported extension"):
        load_transcript(p)
    _, errors = discover([p])
    assert len(errors) == 1 and "unsupported extension" in str(errors[0])


def test_sniffing_needs_several_otter_headers_not_one_line_with_a_time():
    assert not looks_like_transcript("Meeting notes  10:30\nWe talked about the launch.\n")
    head = (REAL / "dev" / SUFFIXLESS).read_text(encoding="utf-8")[:3000]
    assert looks_like_transcript(head)
