"""LLM-written theme labels and ICP narrative, against recorded responses.

The responses below are HAND-WRITTEN (no LLM is reachable from the build machine): they are what a
model following prompts/label_v1.md and prompts/icp_narrative_v1.md would plausibly return, served in
the OpenAI wire format by the local fake server to the real openai client and instructor.
"""
from __future__ import annotations

import pytest
from llm_replay import provider
from test_themes import OPTS, _study

from synth import pipeline
from synth.themes.build import build_themes
from synth.workspace import Workspace
from tests.support.fakeopenai import FakeOpenAI, tool_call_completion

LABELS = {  # hand-written recorded responses
    "access": {"label": "Quarterly access reviews eat engineer weeks",
               "definition": "Statements about the time manual user-access reviews take each quarter."},
    "secrets": {"label": "Secrets scattered across tools",
                "definition": "Statements about credentials living in env files, CI settings and chat."},
}
NARRATIVE = {"paragraph": "The best-fit accounts are mid-sized software companies that interviewed "
                          "with a concrete access-review burden; three of five accounts were won."}


def _label_responder(body):
    user = body["messages"][-1]["content"]
    members = user.split("<members>")[1].split("</members>")[0].lower()
    name = body["tools"][0]["function"]["name"]
    if name == "IcpNarrative":
        return tool_call_completion(name, NARRATIVE)
    return tool_call_completion(name, LABELS["access" if "access" in members else "secrets"])


def _narrative_or_label(body):
    name = body["tools"][0]["function"]["name"]
    if name == "IcpNarrative":
        assert "<profile>" in body["messages"][-1]["content"]
        return tool_call_completion(name, NARRATIVE)
    return _label_responder(body)


@pytest.fixture
def ws(tmp_path, embed_model):
    w = Workspace(tmp_path / "ws")
    _study(w)
    yield w
    w.close()


def test_llm_labels_replace_keyphrases_and_are_cached(ws):
    with FakeOpenAI(_label_responder) as srv:
        ts = build_themes(ws, OPTS, provider(srv.base_url))
        n_first = len(srv.completed())
        pains = [t for t in ts.themes if t.category == "pain"]
        assert n_first == len(pains) == 2
        assert {t.label for t in pains} == {LABELS["access"]["label"], LABELS["secrets"]["label"]}
        assert all(t.label_source == "llm" and t.definition for t in pains)
        assert all(t.keyphrases for t in pains)  # the deterministic keyphrases stay alongside
        build_themes(ws, OPTS, provider(srv.base_url))
        assert len(srv.completed()) == n_first  # same members, same prompt: served from the cache


def test_a_failed_label_call_keeps_the_deterministic_label(ws):
    with FakeOpenAI(_label_responder, valid_keys={"sk-other"}) as srv:
        ts = build_themes(ws, OPTS, provider(srv.base_url))
        rejected = [r.status for r in srv.requests]
    offline = build_themes(ws, OPTS, None)
    # the label call really was made and refused: an empty theme list cannot pass this test
    assert rejected and set(rejected) == {401}
    assert sum(t.category == "pain" for t in ts.themes) == 2
    assert all(t.label_source == "ctfidf" for t in ts.themes)
    assert [(t.id, t.label) for t in ts.themes] == [(t.id, t.label) for t in offline.themes]


def test_icp_narrative_from_the_llm(ws):
    with FakeOpenAI(_narrative_or_label) as srv:
        build_themes(ws, OPTS, provider(srv.base_url))
        res = pipeline.icp(ws, provider(srv.base_url))
    assert res.narrative_source == "llm" and res.narrative == NARRATIVE["paragraph"]
    offline = pipeline.icp(ws, None)
    assert offline.narrative_source == "template" and offline.narrative
