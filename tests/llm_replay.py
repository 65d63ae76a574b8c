"""Replay the recorded (hand-written, labelled as such in the fixture files) extraction responses.

The responder reads which interview and chunk a request is about from the user message, the same
way a human reading the request would, and answers in the OpenAI wire format: a tool call in TOOLS
mode, JSON content in JSON mode.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable, Optional

from pydantic import SecretStr

from synth.llm.provider import ProviderConfig
from tests.support.fakeopenai import json_completion, tool_call_completion

FIXTURES = Path(__file__).parent / "fixtures" / "llm"
SAMPLE = json.loads((FIXTURES / "sample_extract.json").read_text())
SPECIAL = json.loads((FIXTURES / "special_cases.json").read_text())
_FILE = re.compile(r"Interview file: (.+?), chunk (\d+) of (\d+)\.")


def user_text(body: dict) -> str:
    return "\n".join(m["content"] for m in body["messages"] if m["role"] == "user"
                     and isinstance(m.get("content"), str))


def restate_request(body: dict) -> bool:
    """A statement re-ask (synth/extract/restate.py), not an extraction request."""
    return "<findings>" in user_text(body)


def role_request(body: dict) -> bool:
    """A speaker-role check (synth/extract/roles_llm.py): it shows the file's labels, not a chunk."""
    return bool(re.match(r"Interview file: .+?\. Labels: ", user_text(body)))


def extraction_requests(reqs) -> list:
    """The recorded requests that asked for a chunk's extraction (statement re-asks left out)."""
    return [r for r in reqs if not restate_request(r.body)]


def responder(responses: dict[str, dict], pick: Optional[Callable[[str], str]] = None):
    """`responses` maps interview file name -> ChunkExtraction arguments."""

    def respond(body: dict) -> dict:
        m = _FILE.search(user_text(body))
        if m:
            key = pick(m.group(1)) if pick else m.group(1)
            args = responses[key]
        elif "<findings>" in user_text(body):
            args = {"fixes": []}  # a statement re-ask (synth/extract/restate.py): this model restates nothing
        elif role_request(body):
            # a speaker-role check (synth/extract/roles_llm.py): this model can tell no one, ingest's roles stay
            args = {"interviewer_labels": [], "interviewer_turns": [], "interviewee_turns": []}
        else:
            raise LookupError("request names no interview file")
        tokens = (len(user_text(body)) // 4, len(json.dumps(args)) // 4)
        if body.get("tools"):
            name = body["tools"][0]["function"]["name"]
            return tool_call_completion(name, args, model=body.get("model", "gpt-4o-mini"), usage=tokens)
        return json_completion(args, model=body.get("model", "gpt-4o-mini"), usage=tokens)

    return respond


def provider(base_url: str, *, mode: Optional[str] = None, key: str = "sk-test-0123456789",
             kind: str = "openai") -> ProviderConfig:
    return ProviderConfig(provider=kind, model="gpt-4o-mini", api_key=SecretStr(key), base_url=base_url,
                          mode=mode, timeout_s=5.0, max_attempts=4)
