"""The real-transcript corpus (evals/real) is complete and its annotations are consistent (no parser, no model)."""

import importlib.util
import sys
from pathlib import Path

import pytest

CHECK = Path(__file__).resolve().parent.parent / "evals" / "real" / "check.py"


@pytest.fixture(scope="module")
def check():
    spec = importlib.util.spec_from_file_location("real_corpus_check", CHECK)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_every_transcript_has_a_consistent_annotation(check):
    entries, problems = check.check_all()
    assert not problems, "\n".join(problems)
    assert len(entries) >= 12


def test_sources_table_lists_every_file(check):
    assert check.sources_problems() == []


def test_both_halves_are_populated_and_share_no_study(check):
    entries, _ = check.check_all()
    by_split = {split: {e.study for e in entries if e.split == split} for split in check.SPLITS}
    assert all(by_split.values())
    assert not by_split["dev"] & by_split["heldout"]


def test_a_mixed_label_without_turns_is_reported(check, tmp_path, monkeypatch):
    (tmp_path / "dev").mkdir()
    (tmp_path / "heldout").mkdir()
    (tmp_path / "annotations").mkdir()
    (tmp_path / "dev" / "a.txt").write_text("Unknown Speaker  0:01\nHello?\n", encoding="utf-8")
    commit = "0" * 40
    (tmp_path / "annotations" / "a.txt.yaml").write_text(
        "file: dev/a.txt\n"
        f"source: {{repo: o/r, path: a.txt, commit: '{commit}', url: 'https://github.com/o/r/blob/{commit}/a.txt',"
        " licence: MIT}\n"
        "layout: otter\nkind: dialogue\nspeakers: {'Unknown Speaker': mixed, 'Nobody': interviewer}\ncomment: x\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(check, "ROOT", tmp_path)
    _, problems = check.check_all()
    assert any("per-turn roles are required" in p for p in problems)
    assert any("'Nobody' does not occur" in p for p in problems)
