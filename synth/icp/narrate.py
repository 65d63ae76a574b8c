"""With a provider configured, an instructor call writes the ICP narrative from the profile only."""
from __future__ import annotations

import asyncio
from typing import Optional

from pydantic import BaseModel, Field

from ..extract.redact import study_redactor
from ..llm.caller import ChunkFailed, FatalProviderError, LlmCaller
from ..resources import load_prompt
from ..workspace import Workspace

PROMPT_FILE = "icp_narrative_v1.md"


class IcpNarrative(BaseModel):
    """A one-paragraph ICP summary grounded in the synthesized profile."""

    paragraph: str = Field(description="4-6 plain sentences, facts from the profile only")


def narrative_messages(profile_json: str) -> list[dict]:
    prompt = load_prompt(PROMPT_FILE)
    return [{"role": "system", "content": prompt.text},
            {"role": "user", "content": f"<profile>\n{profile_json}\n</profile>"}]


def llm_narrative(ws: Workspace, provider, profile) -> Optional[str]:
    """The paragraph, or None when the call failed (the template narrative then stays)."""
    prompt = load_prompt(PROMPT_FILE)
    # quotes are left out: the narrative summarizes traits, and less customer text leaves the machine
    body = profile.model_dump_json(exclude={"firmographic": {"__all__": {"quotes"}},
                                            "technographic": {"__all__": {"quotes"}},
                                            "behavioral": {"__all__": {"quotes"}},
                                            "triggers": {"__all__": {"quotes"}},
                                            "dmu": {"__all__": {"quotes"}},
                                            "negative": {"__all__": {"quotes"}}})

    # a study extracted with --redact sends its profile redacted too (traits can carry names)
    red = study_redactor(ws.transcripts()) if ws.redaction_requested() else None
    if red:
        body = red.redact(body)

    async def ask():
        async with LlmCaller(provider, ws) as caller:  # one session: its HTTP client closed in this loop
            return await caller.structured(narrative_messages(body), IcpNarrative, purpose="icp_narrative",
                                           prompt="icp_narrative", prompt_version=prompt.version)

    try:
        res = asyncio.run(ask())
    except (ChunkFailed, FatalProviderError):
        return None
    paragraph = res.parsed.paragraph.strip()
    return red.restore(paragraph) if red else paragraph
