"""Issue 20 (`warned`): a file whose roles a reader must check says so at ingest, on real dev files.

`python -m evals.real` now counts the files whose roles are off (a label on the wrong side, or under 95% of the
turns right) that carry a role warning, and the items on interviewer speech in files that carried none. Two Otter
exports with much of the talk under `Unknown Speaker` were silent: dev 51 (97% of the words, 57% of the turns
right) and dev 01 (50%, 93%). Only dev files are read (held-out files are measured by the lead).
"""
from __future__ import annotations

from conftest import dev_measured

from evals.real.measure import ROLE_FIX

MOSTLY_UNKNOWN = "51_ladybug-podcast_42-black-lives-matter.md"
HALF_UNKNOWN = "01_ladybug-podcast_62-security.md"
QA_FRAMED = "04_btctranscripts-edgedev_wallet-architecture.md"  # `Q:` labels, the answers unlabelled
LABELLED = "47_hitsave_Q-Cubed - Interview with Carolyn Lu at Cludosian Games.md"


def _share_warnings(t) -> list[str]:
    return [w for w in t.warnings if "a label that is not one person" in w]


def test_an_otter_export_mostly_under_unknown_speaker_warns_with_the_share_the_label_and_the_fix():
    t, r = dev_measured(MOSTLY_UNKNOWN)
    (w,) = _share_warnings(t)
    assert w.startswith("97% of the words are under Unknown Speaker") and ROLE_FIX in w
    assert f"synth speakers {t.file_name} --interviewer LABEL" in w and "each of its 41 turns" in w
    assert r.role_trouble and r.warned


def test_half_the_words_under_unknown_speaker_warns_too():
    t, r = dev_measured(HALF_UNKNOWN)
    (w,) = _share_warnings(t)
    assert w.startswith("50% of the words are under Unknown Speaker")
    assert r.warned


def test_unlabelled_answers_framed_by_role_labels_do_not_warn():
    # half the words are unlabelled answers after `Q:` prompts, every turn right: nothing to check
    t, r = dev_measured(QA_FRAMED)
    assert _share_warnings(t) == [] and not r.role_trouble


def test_a_file_with_every_turn_labelled_does_not_warn():
    t, r = dev_measured(LABELLED)
    assert _share_warnings(t) == [] and not r.warned and not r.role_trouble
