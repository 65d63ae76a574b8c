"""Which LLM to talk to, and how: OpenAI, Azure OpenAI, or any OpenAI-compatible server.

Configured by environment (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `SYNTH_MODEL`, `SYNTH_PROVIDER`,
`SYNTH_MODE`, Azure's `AZURE_OPENAI_*`), flags, or a `synth.toml`/`synth.yaml` config file.
The key is held in a SecretStr so it never lands in a log line, a repr or a JSON dump.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, Optional
from urllib.parse import urlparse

import yaml
from pydantic import BaseModel, SecretStr

ProviderName = Literal["openai", "azure", "ollama", "vllm", "llamacpp", "lmstudio", "compatible"]

# Tool calling where the server supports it; JSON mode where small local models do better with it.
DEFAULT_MODES: dict[str, str] = {
    "openai": "tools", "azure": "tools", "vllm": "tools", "lmstudio": "tools",
    "ollama": "json", "llamacpp": "json_schema", "compatible": "json",
}
_PORT_HINTS = {11434: "ollama", 1234: "lmstudio", 8080: "llamacpp", 8000: "vllm"}


class ProviderConfig(BaseModel):
    provider: ProviderName = "openai"
    model: str = "gpt-4o-mini"
    api_key: Optional[SecretStr] = None
    base_url: Optional[str] = None
    mode: Optional[str] = None
    azure_api_version: str = "2024-10-21"
    timeout_s: float = 60.0
    max_attempts: int = 5
    validation_retries: int = 2

    @property
    def resolved_mode(self) -> str:
        return self.mode or DEFAULT_MODES[self.provider]

    def describe(self) -> str:
        where = self.base_url or "api.openai.com"
        return f"{self.provider}:{self.model} ({self.resolved_mode} mode) at {where}"


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
                     timeout: Optional[float] = None, config_file: Optional[Path] = None,
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
        timeout_s=float(timeout or cfg.get("timeout_s") or env.get("SYNTH_TIMEOUT_S") or 60.0),
    )


def make_async_client(cfg: ProviderConfig):
    """The real openai client; its own retries are off because `LlmCaller` owns the backoff policy."""
    import openai

    key = cfg.api_key.get_secret_value() if cfg.api_key else "not-needed"
    if cfg.provider == "azure":
        return openai.AsyncAzureOpenAI(
            azure_endpoint=cfg.base_url, api_key=key, api_version=cfg.azure_api_version,
            max_retries=0, timeout=cfg.timeout_s,
        )
    return openai.AsyncOpenAI(api_key=key, base_url=cfg.base_url, max_retries=0, timeout=cfg.timeout_s)


def instructor_mode(cfg: ProviderConfig):
    import instructor

    return {
        "tools": instructor.Mode.TOOLS, "json": instructor.Mode.JSON,
        "json_schema": instructor.Mode.JSON_SCHEMA, "md_json": instructor.Mode.MD_JSON,
    }[cfg.resolved_mode]


def make_instructor(cfg: ProviderConfig):
    import instructor

    return instructor.from_openai(make_async_client(cfg), mode=instructor_mode(cfg))
