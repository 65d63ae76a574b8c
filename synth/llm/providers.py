"""Every fact synth knows about a kind of LLM server, in one table (instructor's provider checklist).

The first-guess mode, the display label, whether it is a hosted API (a key needed, tool calling taken,
never probed, 60 s timeout, 8 calls in flight) or a server that may run on a laptop (probed on first
use, 300 s, 2 in flight), whether it runs on your machine (free), the port or host a base URL gives it
away by: `ProviderConfig`, the probe, prices and the CLI's help all read them from `PROVIDERS`.
Adding a provider is one `ProviderSpec` here (synth/llm/README.md "Adding a provider").

Also the one vocabulary of ways to ask for structure (`StructMode`) and the one parser of its
spellings (`parse_mode`): every other module receives the enum, never a string. Standard library only,
so the CLI can build its help from this table without loading the LLM stack.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Optional


class StructMode(str, Enum):
    tools = "tools"  # tool calling with a forced tool_choice
    json_schema = "json_schema"  # response_format json_schema (OpenAI structured outputs, llama-server, Ollama, vLLM)
    json_object_schema = "json_object_schema"  # response_format json_object + schema (llama-cpp-python)
    json = "json"  # response_format json_object, schema in the prompt
    md_json = "md_json"  # no response_format: the prompt asks for a ```json block

    @property
    def label(self) -> str:
        return _MODE_LABELS[self]


_MODE_LABELS = {
    StructMode.tools: "tool calling",
    StructMode.json_schema: "json_schema",
    StructMode.json_object_schema: "json_object + schema",
    StructMode.json: "JSON mode (schema in the prompt)",
    StructMode.md_json: "markdown JSON (prompt only)",
}

# spellings people use for a mode -> its name
_MODE_ALIASES = {"json_object": "json", "json_mode": "json", "markdown": "md_json", "mdjson": "md_json",
                 "tool": "tools", "tool_calling": "tools", "json_object__schema": "json_object_schema"}


def parse_mode(value: Optional[str]) -> Optional[StructMode]:
    """`--mode` / `SYNTH_MODE` / `mode:` in synth.yaml -> the enum (None: auto, probe once). The one
    place a mode is read from text; a few spellings people use are accepted."""
    if value is None or isinstance(value, StructMode):
        return value
    if value == "" or value == "auto":
        return None
    v = value.strip().lower().replace("-", "_").replace("+", "_").replace(" ", "_")
    try:
        return StructMode(_MODE_ALIASES.get(v, v))
    except ValueError:
        raise ValueError(f"unknown mode {value!r}: choose auto, {mode_choices()}") from None


def mode_choices() -> str:
    return ", ".join(m.value for m in StructMode)


@dataclass(frozen=True)
class ProviderSpec:
    """One kind of OpenAI-compatible server and what synth assumes about it until told otherwise."""

    name: str
    label: str  # what it is called in messages ("llama.cpp at http://...: json_object + schema")
    first_mode: StructMode  # the mode used when none is given and none was probed yet (a dry run)
    hosted: bool  # a paid API: key required, tool calling taken as given (never probed), hosted defaults
    on_machine: bool = False  # runs on your machine whatever the URL: its calls cost nothing
    port: Optional[int] = None  # its server's usual port: a base URL on it is taken for this provider
    hosts: tuple[str, ...] = ()  # host name endings (or a path part, "/...") that give it away

    @property
    def timeout_s(self) -> float:
        # A hosted API answers a chunk in seconds; a local model on a laptop CPU needs ~20 s just to read a
        # 4k-token chunk and then writes at 5-20 tokens/s, so the per-call timeout defaults much higher there.
        return HOSTED_DEFAULTS.timeout_s if self.hosted else LOCAL_DEFAULTS.timeout_s

    @property
    def concurrency(self) -> int:
        # A local server often answers one request at a time (llama-cpp-python, LM Studio, Ollama by
        # default): requests queued behind others spend their timeout waiting, so two in flight keep it
        # busy without queueing into timeouts.
        return HOSTED_DEFAULTS.concurrency if self.hosted else LOCAL_DEFAULTS.concurrency


@dataclass(frozen=True)
class _Defaults:
    timeout_s: float
    concurrency: int


HOSTED_DEFAULTS = _Defaults(timeout_s=60.0, concurrency=8)
LOCAL_DEFAULTS = _Defaults(timeout_s=300.0, concurrency=2)

# The first entry is the default provider (no base URL: api.openai.com); "compatible" is the fallback
# for a base URL nothing here recognises.
PROVIDERS: dict[str, ProviderSpec] = {p.name: p for p in (
    ProviderSpec("openai", "OpenAI", StructMode.tools, hosted=True, hosts=("api.openai.com",)),
    ProviderSpec("azure", "Azure OpenAI", StructMode.tools, hosted=True,
                 hosts=(".openai.azure.com", "/openai/deployments")),
    ProviderSpec("ollama", "Ollama", StructMode.json, hosted=False, on_machine=True, port=11434),
    ProviderSpec("vllm", "vLLM", StructMode.tools, hosted=False, port=8000),
    ProviderSpec("llamacpp", "llama.cpp", StructMode.json_schema, hosted=False, on_machine=True, port=8080),
    ProviderSpec("lmstudio", "LM Studio", StructMode.tools, hosted=False, on_machine=True, port=1234),
    ProviderSpec("compatible", "OpenAI-compatible server", StructMode.json, hosted=False),
)}
DEFAULT_PROVIDER = next(iter(PROVIDERS))
FALLBACK_PROVIDER = "compatible"


def provider_choices() -> str:
    return ", ".join(PROVIDERS)


def guess_provider(base_url: Optional[str]) -> str:
    """The provider a base URL gives away (host, path, then port); no URL: the default provider."""
    from urllib.parse import urlparse

    if not base_url:
        return DEFAULT_PROVIDER
    u = urlparse(base_url)
    host = (u.hostname or "").lower()
    for spec in PROVIDERS.values():
        if any(u.path.find(h) >= 0 if h.startswith("/") else host.endswith(h) for h in spec.hosts):
            return spec.name
    try:
        port = u.port
    except ValueError:
        port = None
    return next((s.name for s in PROVIDERS.values() if port and s.port == port), FALLBACK_PROVIDER)


def defaults_help(attr: str, unit: str = "") -> str:
    """"60 hosted, 300 local": a default as the CLI help states it, from the table."""
    return f"{getattr(HOSTED_DEFAULTS, attr):g}{unit} hosted, {getattr(LOCAL_DEFAULTS, attr):g}{unit} local"
