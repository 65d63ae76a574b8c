"""A stored theme run: review re-assembles themes the way `synth themes` made them.

Before it, every review decision re-assembled with the defaults: LLM labels turned back into keyword
labels (`label_source` "llm" -> "ctfidf"), and a run made with `--embedding-model` had its medoids
recomputed with the bundled model. The label responses are the HAND-WRITTEN ones of
tests/test_llm_labels_narrative.py, served by the local fake server in the OpenAI wire format.
"""
from __future__ import annotations

import pytest
from llm_replay import provider
from test_llm_labels_narrative import LABELS, _label_responder
from test_themes import OPTS, _study

import synth.embed
from synth.models import ThemeSet
from synth.themes import review_actions as ra
from synth.themes.build import ThemeOptions, build_themes
from synth.web.study import Study
from synth.workspace import Workspace
from tests.support.fakeopenai import FakeOpenAI


@pytest.fixture
def ws(tmp_path, embed_model):
    w = Workspace(tmp_path / "ws")
    _study(w)
    yield w
    w.close()


def _pains(ts: ThemeSet) -> dict[str, tuple[str, str]]:
    return {t.id: (t.label, t.label_source) for t in ts.themes if t.category == "pain"}


def test_a_review_decision_after_llm_labelling_keeps_the_llm_labels(ws):
    with FakeOpenAI(_label_responder) as srv:
        ts = build_themes(ws, OPTS, provider(srv.base_url))
    llm = _pains(ts)
    assert len(llm) == 2 and {s for _, s in llm.values()} == {"llm"}
    assert ts.run.label_policy == "llm" and len(ts.run.labels) == 2
    a, b = sorted(llm)

    _, pinned = ra.decide(ws, lambda ctx: ra.toggle(ctx, "pin", a, True))  # no server: nothing to ask
    assert _pains(pinned) == llm
    assert _pains(ws.latest_themes()) == llm  # stored so, for the report and the next decision

    # a merged theme has other members than any label was made for: its own keyword label, said so
    _, merged = ra.decide(ws, lambda ctx: ra.merge(ctx, a, [b]))
    assert [s for _, s in _pains(merged).values()] == ["ctfidf"]
    _, undone = ra.take_back(ws)
    assert _pains(undone) == llm  # the members are back, and so is the label made for them

    # the browser re-assembles through the same function
    study = Study(ws.root)
    try:
        assert {t.id: (t.label, t.label_source) for t in study.themes.values() if t.category == "pain"} == llm
        study.decide(lambda ctx: ra.toggle(ctx, "pin", b, True), None)
        assert _pains(study.ts) == llm
    finally:
        study.close()
    assert {lbl for lbl, _ in llm.values()} == {v["label"] for v in LABELS.values()}


def test_a_review_rename_still_wins_over_the_llm_label(ws):
    with FakeOpenAI(_label_responder) as srv:
        ts = build_themes(ws, OPTS, provider(srv.base_url))
    tid = next(t.id for t in ts.themes if t.category == "pain")
    _, renamed = ra.decide(ws, lambda ctx: ra.rename(ctx, tid, "Access reviews"))
    assert _pains(renamed)[tid] == ("Access reviews", "review")


def test_a_non_default_embedding_model_is_kept_through_review(ws, tmp_path, embed_model, monkeypatch):
    other = tmp_path / "minilm-other"
    other.mkdir()
    # the bundled weights under another name: what matters is which model's vectors are asked for
    monkeypatch.setattr(synth.embed, "load_model", lambda path=None, device=None: embed_model)

    def models() -> set[str]:
        return {m for (m,) in ws.db.execute("SELECT DISTINCT model FROM embeddings")}

    ts = build_themes(ws, ThemeOptions(params=OPTS.params, embedding_model=str(other)))
    assert ts.run.embedding_model == str(other) and models() == {"minilm-other"}
    tid = next(t.id for t in ts.themes if t.category == "pain")

    _, after = ra.decide(ws, lambda ctx: ra.toggle(ctx, "pin", tid, True))
    assert after.run.embedding_model == str(other)
    assert [t.representative_quote for t in after.themes] == [t.representative_quote for t in ts.themes]
    study = Study(ws.root)  # the browser, started without --embedding-model
    try:
        assert study.embedder.model_name == "minilm-other"
        study.decide(lambda ctx: ra.toggle(ctx, "pin", tid, False), None)
    finally:
        study.close()
    assert models() == {"minilm-other"}  # nothing was ever embedded with the default model


def test_a_theme_set_stored_before_theme_runs_still_loads():
    old = ThemeSet.model_validate({"params": {"min_cluster_size": 3}, "n_interviews": 2})
    assert old.run.params == {"min_cluster_size": 3} and old.run.label_policy == "keywords"


def test_a_rank_rules_file_that_is_gone_is_named(ws, tmp_path):
    from synth.resources import read_text
    from synth.themes.review import ReviewError

    rules = tmp_path / "rules.yaml"
    rules.write_text(read_text("rank_rules_v1.yaml"), encoding="utf-8")
    ts = build_themes(ws, ThemeOptions(params=OPTS.params, rules_path=rules))
    assert ts.run.rules_path == str(rules.resolve())
    rules.unlink()
    with pytest.raises(ReviewError, match="rules.yaml: the rank rules file"):
        ra.decide(ws, lambda ctx: ra.toggle(ctx, "pin", ts.themes[0].id, True))
