"""One concurrency default, in one place (`synth.llm.provider.default_concurrency`), applied by the
LLM session itself, so extraction, theme labels and the ICP narrative all send at most 2 requests at
once to a local server (8 to a hosted API) unless `--concurrency` says otherwise.

Before: `LlmCaller` defaulted to 8, only extraction asked for the local default, and `synth run`
passed 8 explicitly (issue 22 #13). The label responses are the HAND-WRITTEN ones of
tests/test_llm_labels_narrative.py.
"""
from __future__ import annotations

import asyncio

import pytest
from llm_replay import provider
from test_llm_labels_narrative import _narrative_or_label
from test_themes import OPTS, _study

from synth import pipeline
from synth.llm.caller import LlmCaller
from synth.llm.provider import default_concurrency, resolve_provider
from synth.models import ThemeSet
from synth.themes.build import build_themes
from synth.workspace import Workspace
from tests.support.fakeopenai import FakeOpenAI


def test_the_default_is_two_for_a_local_server_eight_hosted_and_the_flag_wins(tmp_path):
    local, hosted = provider("http://127.0.0.1:8080/v1", kind="llamacpp"), provider("https://x", kind="openai")
    assert (default_concurrency(local), default_concurrency(hosted), default_concurrency(None)) == (2, 8, 8)
    assert default_concurrency(local.model_copy(update={"concurrency": 5})) == 5
    ws = Workspace(tmp_path / "ws")
    try:
        assert LlmCaller(local, ws).sem._value == 2
        assert LlmCaller(hosted, ws).sem._value == 8
        assert LlmCaller(local, ws, concurrency=1).sem._value == 1  # a stage's own override (doctor: 1)
    finally:
        ws.close()


def test_flag_config_and_environment_set_it():
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:8080/v1"}
    assert resolve_provider(env=env).concurrency is None
    assert resolve_provider(env={**env, "SYNTH_CONCURRENCY": "3"}).concurrency == 3
    assert resolve_provider(concurrency=1, env={**env, "SYNTH_CONCURRENCY": "3"}).concurrency == 1


def test_a_session_never_has_more_in_flight_than_the_default_at_the_server(tmp_path):
    from synth.themes.label import ThemeLabel

    ws = Workspace(tmp_path / "ws")
    try:
        with FakeOpenAI(_narrative_or_label, latency=0.2) as srv:
            cfg = provider(srv.base_url, kind="llamacpp", mode="tools")

            async def six():
                async with LlmCaller(cfg, ws) as caller:
                    msgs = [[{"role": "user", "content": f"<members>\n- access {i}\n</members>"}] for i in range(6)]
                    await asyncio.gather(*(caller.structured(m, ThemeLabel, purpose="label", prompt_version="t")
                                           for m in msgs))

            asyncio.run(six())
            assert len(srv.completed()) == 6 and srv.max_in_flight == 2
    finally:
        ws.close()


@pytest.mark.parametrize("kind, expected", [("llamacpp", 2), ("openai", 8)])
def test_theme_labels_and_the_icp_narrative_use_the_default(tmp_path, embed_model, monkeypatch, kind, expected):
    seen: list[int] = []
    enter = LlmCaller.__aenter__

    async def spy(self):
        seen.append(self.sem._value)
        return await enter(self)

    monkeypatch.setattr(LlmCaller, "__aenter__", spy)
    ws = Workspace(tmp_path / "ws")
    try:
        _study(ws)
        with FakeOpenAI(_narrative_or_label) as srv:
            cfg = provider(srv.base_url, kind=kind, mode="tools")
            ts: ThemeSet = build_themes(ws, OPTS, cfg)
            pipeline.icp(ws, cfg)
        assert any(t.label_source == "llm" for t in ts.themes)
        assert seen == [expected, expected]  # the labelling session, then the narrative's
    finally:
        ws.close()
