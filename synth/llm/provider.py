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
from urllib.parse import unquote, urlparse, urlsplit, urlunsplit

import yaml
from pydantic import BaseModel, Field, SecretStr, field_validator

ProviderName = Literal["openai", "azure", "ollama", "vllm", "llamacpp", "lmstudio", "compatible"]

# The mode used when none is given and none was probed (a dry run before the first real call);
# local servers are probed on first use (synth/llm/probe.py), so these are only a first guess there.
DEFAULT_MODES: dict[str, str] = {
    "openai": "tools", "azure": "tools", "vllm": "tools", "lmstudio": "tools",
    "ollama": "json", "llamacpp": "json_schema", "compatible": "json",
}
_PORT_HINTS = {11434: "ollama", 1234: "lmstudio", 8080: "llamacpp", 8000: "vllm"}
HOSTED = frozenset({"openai", "azure"})
# A hosted API answers a chunk in seconds; a local model on a laptop CPU needs ~20 s just to read a
# 4k-token chunk and then writes at 5-20 tokens/s, so the per-call timeout defaults much higher there.
DEFAULT_TIMEOUT_S = {"hosted": 60.0, "local": 300.0}


class ProviderConfig(BaseModel):
    provider: ProviderName = "openai"
    model: str = "gpt-4o-mini"
    api_key: Optional[SecretStr] = None
    base_url: Optional[str] = None
    mode: Optional[str] = None
    azure_api_version: str = "2024-10-21"
    timeout_s: Optional[float] = Field(None, gt=0, description="per call; None: 60 hosted, 300 local")
    max_tokens: Optional[int] = Field(None, gt=0, description="cap on every reply; None: from chunk and schema")
    max_attempts: int = 5
    validation_retries: int = 2
    concurrency: Optional[int] = Field(None, ge=1, le=256, description="calls in flight; None: default_concurrency")

    @field_validator("mode")
    @classmethod
    def _known_mode(cls, v: Optional[str]) -> Optional[str]:
        from synth.llm.modes import parse_mode

        m = parse_mode(v)  # "json_object", "tool", "auto"... -> one canonical name, or None (auto)
        return m.value if m else None

    @property
    def resolved_mode(self) -> str:
        return self.mode or DEFAULT_MODES[self.provider]

    @property
    def timeout(self) -> float:
        return self.timeout_s or DEFAULT_TIMEOUT_S["hosted" if self.provider in HOSTED else "local"]

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
        mode = self.mode or ("auto" if self.provider not in HOSTED else self.resolved_mode)
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


DEFAULT_CONCURRENCY = {"hosted": 8, "local": 2}


def default_concurrency(cfg: Optional[ProviderConfig]) -> int:
    """Parallel calls of every LLM session (extraction, theme labels, the ICP narrative) when none are
    asked for: the config's own `concurrency` (`--concurrency`), else 8 hosted, 2 local. A local server
    often answers one request at a time (llama-cpp-python, LM Studio, Ollama by default): requests
    queued behind others spend their timeout waiting, so two in flight keep it busy without queueing
    into timeouts."""
    if cfg is not None and cfg.concurrency:
        return cfg.concurrency
    return DEFAULT_CONCURRENCY["hosted" if cfg is None or cfg.provider in HOSTED else "local"]


def guess_provider(base_url: Optional[str]) -> ProviderName:
    if not base_url:
        return "openai"
    u = urlparse(base_url)
    host = (u.hostname or "").lower()
    if host.endswith(".openai.azure.com") or "/openai/deployments" in u.path:
        return "azure"
    if host.endswith("api.openai.com"):
        return "openai"
    return _PORT_HINTS.get(u.port or 0, "compatible")  # type: ignore[return-value]


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
    if not key and prov in ("openai", "azure"):
        return None
    return ProviderConfig(
        provider=prov,
        model=model or cfg.get("model") or env.get("SYNTH_MODEL") or "gpt-4o-mini",
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
    if cfg.provider == "azure":
        return openai.AsyncAzureOpenAI(
            azure_endpoint=cfg.base_url, api_key=key, api_version=cfg.azure_api_version,
            max_retries=0, timeout=timeout,
        )
    return openai.AsyncOpenAI(api_key=key, base_url=cfg.base_url, max_retries=0, timeout=timeout)


def make_instructor(cfg: ProviderConfig):
    """An instructor client in the config's first-guess mode (benchmarks warm imports with it)."""
    import instructor

    from synth.llm.modes import StructMode, instructor_mode

    return instructor.from_openai(make_async_client(cfg), mode=instructor_mode(StructMode(cfg.resolved_mode)))
