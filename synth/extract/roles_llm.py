"""One small LLM call for a file whose speaker roles ingest is unsure of (`Transcript.role_confidence`
below `synth.ingest.roles.LOW_CONFIDENCE`): which labels (or, for a label both sides share, which
turns) are the interviewer's. Typed, cached like every call, counted in a dry run. Its answer is
checked against the turns it names: a label that never asks and does most of the talking is not taken
as an interviewer, a turn number must be a shown turn of a shared label; with nothing left the
heuristic roles stay. It lives in the extract stage because ingest comes before the LLM stage.
"""
from __future__ import annotations

from typing import Callable, Optional

from pydantic import BaseModel, Field

from synth.ingest.roles import LOW_CONFIDENCE, is_mixed_label, question_turn
from synth.llm.caller import LlmCaller
from synth.llm.keys import llm_cache_key
from synth.llm.provider import ProviderConfig
from synth.llm.providers import StructMode
from synth.models import Transcript
from synth.resources import load_prompt

PROMPT_FILE = "speaker_roles_v1.md"
PROMPT_NAME = "speaker_roles"
SHOWN_TURNS = 40
TURN_CHARS = 300
SETTLED = ("correction", "option", "front_matter", "labels", "llm")


class RoleAnswer(BaseModel):
    interviewer_labels: list[str] = Field(default_factory=list, description="labels, exactly as shown")
    interviewer_turns: list[int] = Field(default_factory=list, description="turn numbers N of a shared label")


def prompt_version() -> str:
    return load_prompt(PROMPT_FILE).version


def needs_check(t: Transcript) -> bool:
    return t.kind != "notes" and t.role_confidence < LOW_CONFIDENCE and t.interviewer_source not in SETTLED


def role_messages(t: Transcript, redact: Optional[Callable[[str], str]] = None) -> list[dict]:
    """The request: the first turns, numbered; with `--redact`, names and contacts redacted first."""
    red = redact or (lambda x: x)
    shown = "\n".join(f"[#{u.index}] {red(u.speaker)}: {red(' '.join(u.text.split())[:TURN_CHARS])}"
                      for u in t.turns[:SHOWN_TURNS])
    shown = shown.replace("</transcript>", "</ transcript>").replace("<transcript>", "< transcript>")
    user = (f"Interview file: {red(t.file_name)}. Labels: {', '.join(red(x) for x in t.speakers)}.\n"
            f"<transcript>\n{shown}\n</transcript>")
    return [{"role": "system", "content": load_prompt(PROMPT_FILE).text}, {"role": "user", "content": user}]


def cache_key(t: Transcript, cfg: ProviderConfig, mode: StructMode, redact=None) -> str:
    return llm_cache_key(prompt=PROMPT_NAME, prompt_version=prompt_version(), provider=cfg.provider,
                         model=cfg.model, mode=mode.value, response_model=RoleAnswer,
                         messages=role_messages(t, redact))


def checked(t: Transcript, answer: RoleAnswer) -> tuple[list[str], set[int]]:
    """What of the answer the transcript bears out: labels that exist and ask at least once (or talk
    less than someone else); turn numbers that are shown turns of a shared label."""
    words: dict[str, int] = {}
    for u in t.turns:
        words[u.speaker] = words.get(u.speaker, 0) + len(u.text.split())

    def borne_out(s: str) -> bool:  # it asks somewhere, or someone else does more of the talking
        return (any(question_turn(u.text) for u in t.turns if u.speaker == s)
                or words[s] < max((w for x, w in words.items() if x != s), default=0))

    labels = [s for s in dict.fromkeys(answer.interviewer_labels) if s in t.speakers and not is_mixed_label(s)
              and borne_out(s)]
    shown = {u.index for u in t.turns[:SHOWN_TURNS] if is_mixed_label(u.speaker)}
    return labels, {i for i in answer.interviewer_turns if i in shown}


def apply_answer(t: Transcript, labels: list[str], turns: set[int]) -> Optional[Transcript]:
    if not labels and not turns:
        return None
    named = {u.speaker for u in t.turns if not is_mixed_label(u.speaker) and u.speaker != "Interviewer's notes"}
    roles = dict(t.speaker_roles)
    if labels:
        roles.update({s: ("interviewer" if s in labels else "interviewee") for s in named})
    new_turns = []
    for u in t.turns:
        decided = False  # the checked answer settles this turn's side, so ingest's per-turn guess is moot
        if roles.get(u.speaker) == "mixed":
            decided = bool(turns) and u.index < SHOWN_TURNS
            mine = u.index in turns if decided else u.is_interviewer
        elif u.speaker in named:
            mine = roles[u.speaker] == "interviewer"
        else:
            mine = u.is_interviewer
        guessed = u.role_guessed and not decided
        changed = mine != u.is_interviewer or guessed != u.role_guessed
        new_turns.append(u.model_copy(update={"is_interviewer": mine, "role_guessed": guessed}) if changed else u)
    interviewers = [s for s in t.speakers if roles.get(s) == "interviewer"]
    note = (f"speaker roles checked by the LLM ({', '.join(labels) or 'per turn'}); "
            "`synth speakers FILE` shows them, --interviewer/--interviewee corrects them")
    return t.model_copy(update={"turns": new_turns, "speaker_roles": roles, "interviewers": interviewers,
                                "interviewer_source": "llm", "role_confidence": max(t.role_confidence, 0.8),
                                "warnings": [*t.warnings, note]})


async def check_roles(t: Transcript, caller: LlmCaller, redact=None) -> Transcript:
    """`t` with the LLM's checked answer applied, or `t` unchanged."""
    res = await caller.structured(role_messages(t, redact), RoleAnswer, purpose="speaker_roles", prompt=PROMPT_NAME,
                                  prompt_version=prompt_version())
    return apply_answer(t, *checked(t, res.parsed)) or t
