"""The pieces of the LLM policy on their own: modes, refusals, token caps, loops, cache keys, doctor."""
from __future__ import annotations

import json

import pytest
from llm_replay import SAMPLE as SAMPLE_RESPONSES
from llm_replay import responder
from pydantic import BaseModel
from test_llm_endpoints import invoke, llamacpp_like

from synth.extract.request import cache_key
from synth.extract.schema import ChunkExtraction
from synth.llm.budget import max_tokens_for, repetition_loop, split_in_two
from synth.llm.keys import llm_cache_key
from synth.llm.modes import StructMode, names_request_shape, parse_mode
from synth.llm.provider import ProviderConfig, resolve_provider
from synth.themes.label import ThemeLabel
from synth.workspace import Workspace
from tests.support.fakeopenai import FakeOpenAI


def test_mode_names_people_use_map_to_one_vocabulary():
    assert parse_mode("json_object") is StructMode.json
    assert parse_mode("json-object+schema") is StructMode.json_object_schema
    assert parse_mode("auto") is None and parse_mode(None) is None
    with pytest.raises(ValueError, match="choose auto, tools"):
        parse_mode("grammar")
    assert ProviderConfig(mode="tool").mode == "tools"


def test_refusals_that_name_the_request_shape_are_told_from_other_errors():
    assert names_request_shape(500, "Input should be 'text' or 'json_object'")
    assert names_request_shape(400, "registry.ollama.ai/library/gemma3 does not support tools")
    assert names_request_shape(400, "'response_format.type' must be 'json_schema' or 'text'")
    assert not names_request_shape(500, "The server had an error while processing your request.")
    assert not names_request_shape(429, "Rate limit reached: json_schema")
    assert not names_request_shape(401, "Incorrect API key provided")


def test_every_call_gets_a_cap_that_grows_with_what_it_reads_unless_set():
    small, big = max_tokens_for(ChunkExtraction, 500), max_tokens_for(ChunkExtraction, 3000)
    assert 256 <= small < big <= 4096
    assert max_tokens_for(ThemeLabel, 3000) == max_tokens_for(ThemeLabel, 100) < 1000  # fixed-size schema
    assert max_tokens_for(ChunkExtraction, 3000, override=700) == 700


def test_repetition_loops_are_seen_and_honest_lists_are_not():
    assert repetition_loop('{"pains": [{"statement": "' + "the " * 60)
    item = '{"field": "industry", "value": "saas", "quote": "we are a saas shop"}'
    assert repetition_loop('{"traits": [' + ", ".join([item] * 8) + "]}")  # a loop the model did close
    honest = json.dumps({"pains": [{"statement": f"problem number {i} is about {w}"}
                                   for i, w in enumerate(["billing", "audits", "reviews", "access", "drift"])]})
    assert not repetition_loop(honest)


def test_a_chunk_is_cut_in_two_at_the_line_break_nearest_its_middle():
    a, b = split_in_two("one two\nthree four\nfive six\nseven eight")
    assert (a, b) == ("one two\nthree four", "five six\nseven eight")
    assert split_in_two("word") is None


def test_one_cache_key_policy_mode_schema_and_content_matter_the_address_does_not():
    msgs = [{"role": "user", "content": "hello"}]
    base = dict(prompt="label", prompt_version="v1", provider="llamacpp", model="m", mode="json",
                response_model=ThemeLabel, messages=msgs)

    class Other(BaseModel):
        label: str

    k = llm_cache_key(**base)
    assert k == llm_cache_key(**base)
    for change in ({"mode": "tools"}, {"model": "m2"}, {"prompt_version": "v2"}, {"response_model": Other},
                   {"messages": [{"role": "user", "content": "hello!"}]}):
        assert llm_cache_key(**{**base, **change}) != k
    a = ProviderConfig(provider="llamacpp", model="m", base_url="http://127.0.0.1:8080/v1", mode="json")
    b = a.model_copy(update={"base_url": "http://10.0.0.5:9000/v1"})
    assert cache_key("chunk", a, context="ctx") == cache_key("chunk", b, context="ctx")


def test_timeouts_default_higher_for_local_servers_and_config_sets_them(tmp_path):
    cfg = tmp_path / "synth.yaml"
    cfg.write_text("llm:\n  base_url: http://127.0.0.1:11434/v1\n  timeout_s: 45\n  max_tokens: 900\n")
    assert resolve_provider(env={}, config_file=cfg).timeout == 45
    assert resolve_provider(env={}, config_file=cfg).max_tokens == 900
    assert resolve_provider(env={"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1"}).timeout == 300
    assert resolve_provider(env={"OPENAI_API_KEY": "sk-x"}).timeout == 60
    assert resolve_provider(env={"OPENAI_API_KEY": "sk-x"}, timeout=7).timeout == 7


def test_doctor_tries_every_mode_prints_them_and_stores_the_one_that_works(tmp_path):
    with FakeOpenAI(llamacpp_like(responder(SAMPLE_RESPONSES["responses"])), models=["smollm2"]) as srv:
        env = {"OPENAI_BASE_URL": srv.base_url, "SYNTH_MODEL": "smollm2"}  # port -> "compatible"
        r = invoke("doctor", "-w", tmp_path / "ws", env=env)
        rj = invoke("doctor", "-w", tmp_path / "ws", "--json", env=env)
    assert r.exit_code == 0, r.said
    assert f"OpenAI-compatible server at {srv.base_url}: json_object + schema" in r.said
    report = json.loads(rj.stdout)
    assert [(t["mode"], t["outcome"]) for t in report["trials"]] == [
        ("json_schema", "rejected"), ("json_object_schema", "ok"), ("tools", "rejected"), ("json", "ok"),
        ("md_json", "ok")]
    assert report["models"] == ["smollm2"] and report["mode"] == "json_object_schema"
    with Workspace(tmp_path / "ws") as ws:
        assert json.loads(ws.llm_mode_get(srv.base_url, "smollm2"))["mode"] == "json_object_schema"


def test_doctor_names_a_dead_endpoint_and_exits_1(tmp_path):
    srv = FakeOpenAI(lambda body: {}).start()
    url = srv.base_url
    srv.stop()
    r = invoke("doctor", "-w", tmp_path / "ws", "--timeout", 2, env={"OPENAI_BASE_URL": url})
    assert r.exit_code == 1 and f"at {url} is not responding" in r.said and "Traceback" not in r.said
