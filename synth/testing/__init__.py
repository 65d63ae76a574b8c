"""Test and benchmark helpers shipped with synth (stdlib only; no network).

Names are re-exported lazily so that ``python -m synth.testing.fakeopenai`` runs cleanly.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "Fault",
    "FakeOpenAI",
    "RecordedRequest",
    "ReplayResponder",
    "json_completion",
    "load_records",
    "make_record",
    "request_hash",
    "save_records",
    "tool_call_completion",
    "tool_calls_completion",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from synth.testing import fakeopenai

        return getattr(fakeopenai, name)
    raise AttributeError(f"module 'synth.testing' has no attribute {name!r}")
