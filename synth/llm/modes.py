"""How each way of asking for structure (`StructMode`, in synth/llm/providers.py) is sent and refused.

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

from typing import Any

from pydantic import BaseModel

from synth.llm.providers import StructMode, parse_mode  # noqa: F401  (the vocabulary lives in the provider table)

# Tried in this order. response_format shapes first: where a server has them they constrain decoding to
# the schema (llama-server, Ollama, vLLM, LM Studio: json_schema; llama-cpp-python: json_object + schema,
# with the schema also in the prompt). Tool calling next: llama-cpp-python 0.3.36 takes a forced
# tool_choice too (recorded), but the schema's descriptions never reach a model whose chat template has
# no tools section. Prompt-only shapes last.
PROBE_ORDER: tuple[StructMode, ...] = (StructMode.json_schema, StructMode.json_object_schema, StructMode.tools,
                                       StructMode.json, StructMode.md_json)


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
