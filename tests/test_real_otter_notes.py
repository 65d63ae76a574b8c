"""Issue 20, session 5 (`otter_notes`): Otter exports with several interviewers, on real dev files (evals/real/dev).

Only dev files are read (held-out files are measured by the lead, never opened by a test).
"""
from __future__ import annotations

import os
import shutil
import threading
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


def test_a_suffixless_export_is_read_once(tmp_path, monkeypatch):
    # the sniff looks at the bytes load_transcript reads, not at a read of its own before them
    p = tmp_path / SUFFIXLESS
    shutil.copy(REAL / "dev" / SUFFIXLESS, p)
    opened: list[Path] = []
    real_open = Path.open  # Path.read_bytes opens through it
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: opened.append(self) or real_open(self, *a, **k))
    t = load_transcript(p)
    assert t.layout == "otter" and opened == [p]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_folder_walk_does_not_open_a_suffixless_fifo_or_a_link_out_to_sniff_them(tmp_path):
    # opening a FIFO blocks until someone writes to it: the walk would hang; a link out of the study is
    # not read, not even its opening
    study, outside = tmp_path / "study", tmp_path / "outside"
    study.mkdir()
    outside.mkdir()
    shutil.copy(REAL / "dev" / SUFFIXLESS, study / SUFFIXLESS)
    shutil.copy(REAL / "dev" / SUFFIXLESS, outside / "export")
    os.mkfifo(study / "pipe")
    (study / "elsewhere").symlink_to(outside / "export")
    done: list = []
    walk = threading.Thread(target=lambda: done.append(discover([study])), daemon=True)
    walk.start()
    walk.join(10)
    assert done, "discover blocked opening the FIFO"
    files, errors = done[0]
    assert [f.name for f in files] == [SUFFIXLESS] and errors == []
    with pytest.raises(IngestError, match="not a regular file"):
        load_transcript(study / "pipe")
