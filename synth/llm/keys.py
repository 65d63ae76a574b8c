"""One cache-key policy for every LLM call (extraction, theme labels, the ICP narrative).

A cached answer may be reused only for the same question asked the same way of the same model:
prompt name and version, provider, model, the way structure was asked for (mode), the response
schema (hashed: a changed field invalidates old answers) and everything sent (the messages, which
carry the transcript chunk, redaction and file context). The base URL is left out on purpose: the
same model behind another address (a tunnel, a new port) answers the same question the same way.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any, Sequence

from pydantic import BaseModel

KEY_POLICY = "k2"  # bump when the parts below change


@lru_cache(maxsize=64)
def schema_hash(model: type[BaseModel]) -> str:
    return hashlib.sha256(json.dumps(model.model_json_schema(), sort_keys=True).encode()).hexdigest()[:16]


def messages_hash(messages: Sequence[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(list(messages), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def llm_cache_key(*, prompt: str, prompt_version: str, provider: str, model: str, mode: str,
                  response_model: type[BaseModel], messages: Sequence[dict[str, Any]]) -> str:
    parts = [KEY_POLICY, prompt, prompt_version, provider, model, mode, schema_hash(response_model),
             messages_hash(messages)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()
