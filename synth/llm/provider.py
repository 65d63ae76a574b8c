"""Which LLM to talk to, and how: OpenAI, Azure OpenAI, or any OpenAI-compatible server.

Configured by environment (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `SYNTH_MODEL`, `SYNTH_PROVIDER`,
`SYNTH_MODE`, `SYNTH_TIMEOUT_S`, `SYNTH_MAX_TOKENS`, `SYNTH_CONCURRENCY`, Azure's `AZURE_OPENAI_*`),
flags, or a `synth.yaml` config file (`llm:` section with the same names: model, base_url, provider,
mode, timeout_s, max_tokens, concurrency).
The key is held in a SecretStr so it never lands in a log line, a repr or a JSON dump.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal, Optional
from urllib.parse import unquote, urlsplit, urlunsplit

import yaml
from pydantic import BaseModel, Field, SecretStr, field_validator

from synth.llm.providers import (
    DEFAULT_PROVIDER,
    PROVIDERS,
    ProviderSpec,
    StructMode,
    defaults_help,
    guess_provider,
    parse_mode,
)

DEFAULT_MODEL = "gpt-4o-mini"
# only names from the provider table (synth/llm/providers.py), which every default below comes from
ProviderName = Literal[tuple(PROVIDERS)]  # type: ignore[valid-type]


class ProviderConfig(BaseModel):
    provider: ProviderName = DEFAULT_PROVIDER
    model: str = DEFAULT_MODEL
    api_key: Optional[SecretStr] = None
    base_url: Optional[str] = None
    mode: Optional[StructMode] = Field(None, description="None: auto (the stored or probed mode)")
    azure_api_version: str = "2024-10-21"
    timeout_s: Optional[float] = Field(None, gt=0, description=f"per call; None: {defaults_help('timeout_s')}")
    max_tokens: Optional[int] = Field(None, gt=0, description="cap on every reply; None: from chunk and schema")
    max_attempts: int = 5
    validation_retries: int = 2
    concurrency: Optional[int] = Field(None, ge=1, le=256, description="calls in flight; None: default_concurrency")

    @field_validator("mode", mode="before")
    @classmethod
    def _known_mode(cls, v):
        return parse_mode(v)  # "json_object", "tool", "auto"... -> the enum, or None (auto)

    @property
    def spec(self) -> ProviderSpec:
        return PROVIDERS[self.provider]

    @property
    def hosted(self) -> bool:
        return self.spec.hosted

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def resolved_mode(self) -> StructMode:
        return self.mode or self.spec.first_mode

    @property
    def timeout(self) -> float:
        return self.timeout_s or self.spec.timeout_s

    @property
    def shown_base_url(self) -> Optional[str]:
        """The base URL as printed or stored: no userinfo, secret-looking query values masked."""
        return shown_url(self.base_url)

    def secrets(self) -> list[str]:
        """Every secret this config holds (API key, credentials inside the base URL): scrubbed from errors."""
        key = self.api_key.get_secret_value() if self.api_key else ""
        return [s for s in [key, *url_secrets(self.base_url)] if len(s) >= 4]

    def describe(self) -> str:
        where = self.shown_base_url or "api.openai.com"
        mode = self.mode.value if self.mode else self.resolved_mode.value if self.hosted else "auto"
        return f"{self.provider}:{self.model} ({mode} mode, timeout {self.timeout:g} s) at {where}"


# query parameters whose value is a credential (`?api-key=`, `?token=`, `?sig=`); api-version is not one
_SECRET_PARAM = re.compile(r"key|token|secret|passw|pwd|auth|sig|credential|session", re.I)


def shown_url(url: Optional[str]) -> Optional[str]:
    """`url` safe to print or store: userinfo (`user:sk-...@`) dropped, secret query values as `***`."""
    if not url:
        return url
    try:
        u = urlsplit(url)
        host = u.netloc.rpartition("@")[2]
    except ValueError:
        return "(unparseable URL)"
    query = "&".join(f"{k}=***" if sep and _SECRET_PARAM.search(unquote(k)) else f"{k}{sep}{v}"
                     for k, sep, v in (part.partition("=") for part in u.query.split("&") if part))
    return urlunsplit((u.scheme, host, u.path, query, ""))


def url_secrets(url: Optional[str]) -> list[str]:
    """The credentials inside `url` (userinfo and secret query values), raw and percent-decoded."""
    if not url:
        return []
    try:
        u = urlsplit(url)
    except ValueError:
        return []
    out = [u.username or "", u.password or ""]
    out += [v for part in u.query.split("&") for k, sep, v in [part.partition("=")]
            if sep and _SECRET_PARAM.search(unquote(k))]
    return sorted({x for s in out if s for x in (s, unquote(s))}, key=len, reverse=True)


def default_concurrency(cfg: Optional[ProviderConfig]) -> int:
    """Parallel calls of every LLM session (extraction, theme labels, the ICP narrative) when none are
    asked for: the config's own `concurrency` (`--concurrency`), else the provider table's (8 hosted,
    2 local: synth/llm/providers.py says why)."""
    if cfg is not None and cfg.concurrency:
        return cfg.concurrency
    return (cfg.spec if cfg is not None else PROVIDERS[DEFAULT_PROVIDER]).concurrency


def _config_file(path: Optional[Path]) -> dict:
    for p in [path] if path else [Path("synth.yaml"), Path("synth.yml")]:
        if p and p.exists():
            data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
            return data.get("llm", data)
    return {}


def resolve_provider(*, model: Optional[str] = None, base_url: Optional[str] = None,
                     provider: Optional[str] = None, mode: Optional[str] = None,
                     timeout: Optional[float] = None, max_tokens: Optional[int] = None,
                     concurrency: Optional[int] = None, config_file: Optional[Path] = None,
                     env: Optional[dict[str, str]] = None) -> Optional[ProviderConfig]:
    """Flags beat the config file, which beats the environment. None when nothing is configured."""
    env = dict(os.environ) if env is None else env
    cfg = _config_file(config_file)
    key = env.get("OPENAI_API_KEY") or env.get("AZURE_OPENAI_API_KEY") or cfg.get("api_key")
    base = base_url or cfg.get("base_url") or env.get("OPENAI_BASE_URL") or env.get("AZURE_OPENAI_ENDPOINT")
    prov = provider or cfg.get("provider") or env.get("SYNTH_PROVIDER") or guess_provider(base)
    if not key and not base:
        return None
    if not key and prov in PROVIDERS and PROVIDERS[prov].hosted:  # a hosted API needs its key
        return None
    return ProviderConfig(
        provider=prov,
        model=model or cfg.get("model") or env.get("SYNTH_MODEL") or DEFAULT_MODEL,
        api_key=SecretStr(key) if key else SecretStr("not-needed"),
        base_url=base,
        mode=mode or cfg.get("mode") or env.get("SYNTH_MODE"),
        azure_api_version=env.get("OPENAI_API_VERSION", "2024-10-21"),
        timeout_s=_number(timeout or cfg.get("timeout_s") or env.get("SYNTH_TIMEOUT_S"), float),
        max_tokens=_number(max_tokens or cfg.get("max_tokens") or env.get("SYNTH_MAX_TOKENS"), int),
        concurrency=_number(concurrency or cfg.get("concurrency") or env.get("SYNTH_CONCURRENCY"), int),
    )


def _number(value, kind):
    return kind(value) if value not in (None, "") else None


def make_async_client(cfg: ProviderConfig):
    """The real openai client; its own retries are off because `LlmCaller` owns the backoff policy.

    Connecting gets at most 10 s whatever the call timeout: a server that is not there should be
    known to be down in seconds, not after the minutes a local model may take to answer."""
    import httpx
    import openai

    key = cfg.api_key.get_secret_value() if cfg.api_key else "not-needed"
    timeout = httpx.Timeout(cfg.timeout, connect=min(10.0, cfg.timeout))
    if cfg.provider == "azure":  # the one provider with its own client class
        return openai.AsyncAzureOpenAI(
            azure_endpoint=cfg.base_url, api_key=key, api_version=cfg.azure_api_version,
            max_retries=0, timeout=timeout,
        )
    return openai.AsyncOpenAI(api_key=key, base_url=cfg.base_url, max_retries=0, timeout=timeout)


def make_instructor(cfg: ProviderConfig):
    """An instructor client in the config's first-guess mode (benchmarks warm imports with it)."""
    import instructor

    from synth.llm.modes import instructor_mode

    return instructor.from_openai(make_async_client(cfg), mode=instructor_mode(cfg.resolved_mode))
