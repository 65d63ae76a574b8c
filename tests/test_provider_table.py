"""One provider table (synth/llm/providers.py): defaults, hints, labels and the CLI help derive from it,
and the structure mode is the enum from the moment a config is made (issue 23, item 4)."""
from __future__ import annotations

import typing

import pytest
from typer.testing import CliRunner

from synth.cli import app
from synth.llm.prices import is_local
from synth.llm.provider import ProviderConfig, default_concurrency, resolve_provider
from synth.llm.providers import HOSTED_DEFAULTS, LOCAL_DEFAULTS, PROVIDERS, StructMode, guess_provider


def test_the_config_takes_exactly_the_providers_of_the_table():
    assert set(typing.get_args(ProviderConfig.model_fields["provider"].annotation)) == set(PROVIDERS)
    with pytest.raises(ValueError):
        ProviderConfig(provider="not-in-the-table")


@pytest.mark.parametrize("name", list(PROVIDERS))
def test_every_default_of_a_provider_is_its_table_entry(name):
    spec = PROVIDERS[name]
    cfg = ProviderConfig(provider=name, base_url="http://10.1.2.3:9/v1")
    assert cfg.resolved_mode is spec.first_mode and cfg.mode is None
    assert cfg.timeout == (HOSTED_DEFAULTS if spec.hosted else LOCAL_DEFAULTS).timeout_s
    assert default_concurrency(cfg) == (HOSTED_DEFAULTS if spec.hosted else LOCAL_DEFAULTS).concurrency
    assert cfg.label == spec.label
    assert is_local(cfg) == (not spec.hosted)  # on a private address anything but a hosted API is free
    public = ProviderConfig(provider=name, base_url="https://llm.example.com/v1")
    assert is_local(public) == spec.on_machine  # on a public one only a server that runs on your machine
    if spec.port:
        assert guess_provider(f"http://127.0.0.1:{spec.port}/v1") == name


def test_hints_in_the_table_name_the_provider_of_a_url():
    assert guess_provider(None) == "openai"
    assert guess_provider("https://api.openai.com/v1") == "openai"
    assert guess_provider("https://acme.openai.azure.com/") == "azure"
    assert guess_provider("https://gw.example.com/openai/deployments/x") == "azure"
    assert guess_provider("https://llm.example.com:9999/v1") == "compatible"


def test_the_mode_is_the_enum_once_the_config_is_made():
    for spelled, mode in [("json-object", StructMode.json), ("tool", StructMode.tools),
                          ("json_object+schema", StructMode.json_object_schema), ("md_json", StructMode.md_json)]:
        assert ProviderConfig(mode=spelled).mode is mode
    assert ProviderConfig(mode="auto").mode is None
    cfg = resolve_provider(base_url="http://127.0.0.1:8080/v1", mode="json_object", env={})
    assert cfg is not None and cfg.mode is StructMode.json and cfg.provider == "llamacpp"
    with pytest.raises(ValueError, match="choose auto, tools"):
        ProviderConfig(mode="grammar")


def test_the_cli_help_states_the_table(monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    out = " ".join(CliRunner().invoke(app, ["extract", "--help"]).stdout.split())
    for name in PROVIDERS:
        assert name in out
    for mode in StructMode:
        assert mode.value in out
    assert f"default {HOSTED_DEFAULTS.timeout_s:g} hosted, {LOCAL_DEFAULTS.timeout_s:g} local" in out
    assert f"default {HOSTED_DEFAULTS.concurrency} hosted, {LOCAL_DEFAULTS.concurrency} local" in out
