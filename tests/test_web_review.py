"""review.yaml decisions as the browser and the CLI record them: chronological application, the version
counter that refuses stale writes, undo, and the checks each action makes before anything is written."""
from __future__ import annotations

import re

import pytest

from synth.models import Theme, ThemeSet
from synth.themes import review_actions as ra
from synth.themes.review import Merge, Move, Review, ReviewError, Split, apply_review, load_review, review_path

RAW = {"pain-1": ["a", "b", "c"], "pain-2": ["d", "e"], "pain-3": ["f", "g"], "trigger-1": ["t1", "t2"]}
CATS = {i: "pain" for i in "abcdefg"} | {"t1": "trigger", "t2": "trigger", "loose": "pain"}


def ctx() -> ra.Context:
    themes = [Theme(id=k, category=k.split("-")[0], label=k, item_ids=v) for k, v in RAW.items()]
    return ra.Context(ThemeSet(themes=themes, raw_clusters=RAW), CATS)


def test_structural_decisions_apply_in_the_order_they_were_made():
    # move two items into pain-2, then split them off pain-2: they end in the split theme
    rv = Review(move=[Move(items=["a", "b"], to="pain-2", at=2)],
                split=[Split(source="pain-2", items=["a", "b"], label="ab", at=3)])
    got = apply_review(RAW, rv)
    assert got.clusters["pain-2.s1"] == ["a", "b"] and got.clusters["pain-2"] == ["d", "e"]
    assert got.clusters["pain-1"] == ["c"] and got.labels["pain-2.s1"] == "ab" and got.stale == []
    # merge pain-3 into pain-1, then split pain-3's items off pain-1: works only chronologically
    rv = Review(merge=[Merge(into="pain-1", sources=["pain-3"], at=2)],
                split=[Split(source="pain-1", items=["f"], at=3)])
    got = apply_review(RAW, rv)
    assert got.clusters["pain-1.s1"] == ["f"] and got.clusters["pain-1"] == ["a", "b", "c", "g"]
    assert "pain-3" not in got.clusters and got.stale == []


def test_a_hand_written_file_without_at_keeps_the_old_order():
    rv = Review(split=[Split(source="pain-1", items=["a"])], merge=[Merge(into="pain-2", sources=["pain-1.s1"])])
    got = apply_review(RAW, rv)
    assert got.clusters["pain-2"] == ["a", "d", "e"] and "pain-1.s1" not in got.clusters


def test_reject_leaves_every_theme_and_definitions_apply():
    rv = Review(reject={"a": "not a pain", "f": "not a pain"}, define={"pain-1": "x", "pain-9": "gone"})
    got = apply_review(RAW, rv)
    assert got.clusters["pain-1"] == ["b", "c"] and got.clusters["pain-3"] == ["g"]
    assert got.rejected == {"a", "f"} and got.definitions == {"pain-1": "x"}
    assert got.stale == ["define pain-9: theme no longer exists"]


def test_record_bumps_the_version_and_refuses_a_stale_one(tmp_path):
    rec = ra.record(tmp_path, ra.rename(ctx(), "pain-1", "First"), expected_version=1)
    assert rec.version == 2 and load_review(review_path(tmp_path)).rename == {"pain-1": "First"}
    before = review_path(tmp_path).read_bytes()
    with pytest.raises(ra.StaleReview, match="at version 2 but this page showed version 1"):
        ra.record(tmp_path, ra.rename(ctx(), "pain-2", "Second"), expected_version=1)
    assert review_path(tmp_path).read_bytes() == before
    assert ra.record(tmp_path, ra.rename(ctx(), "pain-2", "Second")).version == 3   # the CLI: no version given


def test_undo_walks_back_one_decision_at_a_time(tmp_path):
    ra.record(tmp_path, ra.rename(ctx(), "pain-1", "Label"))
    ra.record(tmp_path, ra.move(ctx(), ["a", "b"], "pain-2"))
    ra.record(tmp_path, ra.reject(ctx(), ["f"]))
    assert ra.last_decision(tmp_path) == "rejected 1 item(s): f"
    assert ra.undo(tmp_path).message == "undid: rejected 1 item(s): f"
    rv = load_review(review_path(tmp_path))
    assert rv.reject == {} and rv.move[0].items == ["a", "b"] and rv.version == 5   # undo is a new version too
    ra.undo(tmp_path)
    ra.undo(tmp_path)
    rv = load_review(review_path(tmp_path))
    assert rv.rename == {} and rv.move == [] and rv.version == 7
    with pytest.raises(ReviewError, match="nothing to undo"):
        ra.undo(tmp_path)


def test_undo_refuses_to_overwrite_a_hand_edit(tmp_path):
    ra.record(tmp_path, ra.rename(ctx(), "pain-1", "Label"))
    path = review_path(tmp_path)
    path.write_text(path.read_text().replace("Label", "Edited by hand"))
    assert ra.last_decision(tmp_path) is None
    with pytest.raises(ReviewError, match="edited by hand"):
        ra.undo(tmp_path)
    assert "Edited by hand" in path.read_text()


@pytest.mark.parametrize("action, message", [
    (lambda c: ra.rename(c, "pain-9", "x"), "unknown theme id pain-9"),
    (lambda c: ra.rename(c, "pain-1", "   "), "cannot be empty"),
    (lambda c: ra.merge(c, "pain-1", ["trigger-1"]), "cannot merge trigger-1 (trigger) into pain-1 (pain)"),
    (lambda c: ra.merge(c, "pain-1", ["pain-1"]), "at least one other theme"),
    (lambda c: ra.split(c, "pain-1", ["a", "b", "c"]), "every item of pain-1"),
    (lambda c: ra.split(c, "pain-1", ["d"]), "not in pain-1"),
    (lambda c: ra.move(c, ["t1"], "pain-1"), "not pain items"),
    (lambda c: ra.move(c, ["a"], "pain-1"), "already in pain-1"),
    (lambda c: ra.move(c, ["loose"], "pain-1"), "in no theme"),
    (lambda c: ra.reject(c, ["zzz"]), "unknown item id(s) zzz"),
    (lambda c: ra.rename(c, "pain-1", "x" * 600), "under 500"),
])
def test_each_action_checks_itself_before_anything_is_written(tmp_path, action, message):
    with pytest.raises(ReviewError, match=re.escape(message)):
        ra.record(tmp_path, action(ctx()))
    assert not review_path(tmp_path).exists()
