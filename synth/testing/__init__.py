"""Test and benchmark helpers shipped with synth (stdlib only; no network)."""

from synth.testing.fakeopenai import (
    Fault,
    FakeOpenAI,
    RecordedRequest,
    ReplayResponder,
    json_completion,
    load_records,
    make_record,
    request_hash,
    save_records,
    tool_call_completion,
    tool_calls_completion,
)

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
