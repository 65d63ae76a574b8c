"""The ways synth can ask an OpenAI-compatible endpoint for structure: one vocabulary, one table.

Servers differ in which request shape they take. OpenAI takes all of them; llama.cpp's `llama-server`,
Ollama and vLLM take `json_schema`; llama-cpp-python's server takes only
`{"type": "json_object", "schema": {...}}` (it answers 500 "Input should be 'text' or 'json_object'" to
`json_schema`); a server with no grammar support still takes plain JSON mode, and any chat server takes
a prompt asking for a markdown JSON block. `synth doctor` (and the first `synth extract` against an
endpoint it has not seen) tries them in `PROBE_ORDER` and stores the first one that works.

Every mode but `json_object_schema` is one of instructor's own modes. That one is instructor's JSON mode
(schema in the system prompt, `response_format: json_object`) with the schema added to
`response_format` through `extra_body`, which the openai client merges over the body it builds, so
llama-cpp-python constrains decoding with a grammar built from the schema.
"""
from __future__ import annotations

from enum import Enum
from typing import Any, Optional

from pydantic import BaseModel


class StructMode(str, Enum):
    tools = "tools"  # tool calling with a forced tool_choice
    json_schema = "json_schema"  # response_format json_schema (OpenAI structured outputs, llama-server, Ollama, vLLM)
    json_object_schema = "json_object_schema"  # response_format json_object + schema (llama-cpp-python)
    json = "json"  # response_format json_object, schema in the prompt
    md_json = "md_json"  # no response_format: the prompt asks for a ```json block

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    StructMode.tools: "tool calling",
    StructMode.json_schema: "json_schema",
    StructMode.json_object_schema: "json_object + schema",
    StructMode.json: "JSON mode (schema in the prompt)",
    StructMode.md_json: "markdown JSON (prompt only)",
}

# Tried in this order. response_format shapes first: where a server has them they constrain decoding to
# the schema (llama-server, Ollama, vLLM, LM Studio: json_schema; llama-cpp-python: json_object + schema,
# with the schema also in the prompt). Tool calling next: llama-cpp-python 0.3.36 takes a forced
# tool_choice too (recorded), but the schema's descriptions never reach a model whose chat template has
# no tools section. Prompt-only shapes last.
PROBE_ORDER: tuple[StructMode, ...] = (StructMode.json_schema, StructMode.json_object_schema, StructMode.tools,
                                       StructMode.json, StructMode.md_json)

# What each kind of server is called in messages ("llama.cpp at http://...: json_object + schema").
PROVIDER_LABELS = {
    "openai": "OpenAI", "azure": "Azure OpenAI", "ollama": "Ollama", "vllm": "vLLM",
    "llamacpp": "llama.cpp", "lmstudio": "LM Studio", "compatible": "OpenAI-compatible server",
}

# Hosted providers take tools; local ones are probed on first use unless a mode is given.
HOSTED_PROVIDERS = frozenset({"openai", "azure"})


def parse_mode(value: Optional[str]) -> Optional[StructMode]:
    """`--mode` / `SYNTH_MODE` / `mode:` in synth.yaml; a few spellings people use are accepted."""
    if value is None or value == "" or value == "auto":
        return None
    v = value.strip().lower().replace("-", "_").replace("+", "_").replace(" ", "_")
    v = {"json_object": "json", "json_mode": "json", "markdown": "md_json", "mdjson": "md_json",
         "tool": "tools", "tool_calling": "tools", "json_object_schema": "json_object_schema",
         "json_object__schema": "json_object_schema"}.get(v, v)
    try:
        return StructMode(v)
    except ValueError:
        choices = ", ".join(m.value for m in StructMode)
        raise ValueError(f"unknown mode {value!r}: choose auto, {choices}") from None


def instructor_mode(mode: StructMode):
    import instructor

    return {
        StructMode.tools: instructor.Mode.TOOLS, StructMode.json_schema: instructor.Mode.JSON_SCHEMA,
        StructMode.json_object_schema: instructor.Mode.JSON, StructMode.json: instructor.Mode.JSON,
        StructMode.md_json: instructor.Mode.MD_JSON,
    }[mode]


def extra_request(mode: StructMode, response_model: type[BaseModel]) -> dict[str, Any]:
    """Keyword arguments beyond instructor's own for this mode (only llama-cpp-python's shape needs any)."""
    if mode is StructMode.json_object_schema:
        return {"extra_body": {"response_format": {"type": "json_object",
                                                   "schema": response_model.model_json_schema()}}}
    return {}


# Words a server's error message uses when it refuses the request's shape rather than its content:
# llama-cpp-python "Input should be 'text' or 'json_object'", vLLM "tool_choice ... not supported",
# LM Studio "'response_format.type' must be 'json_schema' or 'text'", OpenAI "Invalid schema for
# response_format", servers without tool support "does not support tools".
_SHAPE_WORDS = ("response_format", "json_schema", "json_object", "tool_choice", "tools", "tool call",
                "function call", "input should be", "grammar", "not support", "unsupported", "extra inputs",
                "schema")


def names_request_shape(status: int, message: str) -> bool:
    """A 4xx/5xx whose message is about how structure was asked for: retrying the same shape cannot help."""
    if status < 400 or status in (401, 403, 404, 408, 409, 429):
        return False
    m = message.lower()
    return any(w in m for w in _SHAPE_WORDS)
