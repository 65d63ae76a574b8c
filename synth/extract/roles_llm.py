"""Small LLM calls for a file whose speaker roles ingest is unsure of: which labels, and which turns of a
label both sides share, are the interviewer's. Typed, cached like every call, counted in a dry run.

A file gets them when its role confidence is under `synth.ingest.roles.LOW_CONFIDENCE`, or when turns of a
shared label (`Unknown Speaker`, a caption stream with no labels) had their side guessed and are kept out
of evidence for it (`Turn.role_guessed`). The first call shows the opening `WINDOW` turns; a file whose
guessed turns go on past it gets one more call per later window that holds any, so a caption stream of
300 cues is decided all through, not in its first minutes only.

Each answer is checked against the turns it names: a label that never asks and does most of the talking
is not taken as an interviewer; a turn number must be a shown turn of a shared label in that window. A
window's answer that places some of its shared-label turns is a reading of that window, so a turn it leaves
unplaced (named on neither side, on both, or as the interviewee's while it asks a question) is not evidence,
however sure ingest's guess was: two readers, one of them unable to tell. With nothing placed the heuristic
roles stay. It lives in the extract stage because ingest comes before
the LLM stage.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from pydantic import BaseModel, Field, model_validator

from synth.ingest.roles import LOW_CONFIDENCE, NOTES_SPEAKER, is_mixed_label, question_turn
from synth.llm.caller import LlmCaller
from synth.llm.errors import ChunkFailed, Truncated
from synth.llm.keys import llm_cache_key
from synth.llm.provider import ProviderConfig
from synth.llm.providers import StructMode
from synth.models import Transcript
from synth.resources import load_prompt

PROMPT_FILE = "speaker_roles_v2.md"
PROMPT_NAME = "speaker_roles"
WINDOW = 40  # turns shown per call: enough to see who asks, small enough to stay one cheap call
TURN_CHARS = 300
SETTLED = ("correction", "option", "front_matter", "labels", "llm")


class RoleAnswer(BaseModel):
    interviewer_labels: list[str] = Field(default_factory=list, description="labels, exactly as shown")
    interviewer_turns: list[int] = Field(default_factory=list, description="turn numbers N of a shared label")
    interviewee_turns: list[int] = Field(default_factory=list, description="turn numbers N of a shared label")

    @model_validator(mode="before")
    @classmethod
    def _names_its_lists(cls, data):
        # "{}", or the schema echoed back (gemma3-270m does both), is a model that answered nothing, not one
        # that is unsure of every turn (that one returns the lists empty): refused, so instructor re-asks
        if isinstance(data, dict) and not any(k in data for k in cls.model_fields):
            raise ValueError(f"the answer names none of {', '.join(cls.model_fields)}: return all three lists, "
                             "empty where you cannot tell")
        return data


def prompt_version() -> str:
    return load_prompt(PROMPT_FILE).version


def _guessed(t: Transcript) -> list[int]:
    """Turns of a shared label kept out of evidence because their side was only guessed."""
    return [u.index for u in t.turns if u.role_guessed and is_mixed_label(u.speaker)]


def needs_check(t: Transcript) -> bool:
    if t.kind == "notes" or t.interviewer_source in SETTLED:
        return False
    return t.role_confidence < LOW_CONFIDENCE or bool(_guessed(t))


def windows(t: Transcript) -> list[tuple[int, int]]:
    """The turn ranges the calls show: the opening always, then each later window holding a guessed turn."""
    later = sorted({i // WINDOW for i in _guessed(t) if i >= WINDOW})
    return [(0, min(WINDOW, len(t.turns))), *((k * WINDOW, min((k + 1) * WINDOW, len(t.turns))) for k in later)]


def role_messages(t: Transcript, redact: Optional[Callable[[str], str]] = None,
                  window: tuple[int, int] = (0, WINDOW)) -> list[dict]:
    """One request: the window's turns, numbered; with `--redact`, names and contacts redacted first."""
    red = redact or (lambda x: x)
    a, b = window
    shown = "\n".join(f"[#{u.index}] {red(u.speaker)}: {red(' '.join(u.text.split())[:TURN_CHARS])}"
                      for u in t.turns[a:b])
    shown = shown.replace("</transcript>", "</ transcript>").replace("<transcript>", "< transcript>")
    where = "" if a == 0 else f" Turns {a}-{min(b, len(t.turns)) - 1} of {len(t.turns)}."
    user = (f"Interview file: {red(t.file_name)}. Labels: {', '.join(red(x) for x in t.speakers)}.{where}\n"
            f"<transcript>\n{shown}\n</transcript>")
    return [{"role": "system", "content": load_prompt(PROMPT_FILE).text}, {"role": "user", "content": user}]


def cache_key(t: Transcript, cfg: ProviderConfig, mode: StructMode, redact=None,
              window: tuple[int, int] = (0, WINDOW)) -> str:
    return llm_cache_key(prompt=PROMPT_NAME, prompt_version=prompt_version(), provider=cfg.provider,
                         model=cfg.model, mode=mode.value, response_model=RoleAnswer,
                         messages=role_messages(t, redact, window))


@dataclass
class Checked:
    """What of the answers the transcript bears out."""
    labels: list[str] = field(default_factory=list)
    interviewer_turns: set[int] = field(default_factory=set)
    interviewee_turns: set[int] = field(default_factory=set)
    unplaced: set[int] = field(default_factory=set)  # shown shared-label turns a placing answer left open

    def __bool__(self) -> bool:
        return bool(self.labels or self.interviewer_turns or self.interviewee_turns)

    def add(self, part: "Checked") -> None:
        """Another window's checked answer joined to this file's."""
        self.labels += [s for s in part.labels if s not in self.labels]
        self.interviewer_turns |= part.interviewer_turns
        self.interviewee_turns |= part.interviewee_turns
        self.unplaced |= part.unplaced


def checked(t: Transcript, answer: RoleAnswer, window: tuple[int, int] = (0, WINDOW)) -> Checked:
    """Labels that exist and ask at least once (or talk less than someone else); turn numbers that are
    shown turns of a shared label, named on one side only, and no question filed as the interviewee's."""
    words: dict[str, int] = {}
    for u in t.turns:
        words[u.speaker] = words.get(u.speaker, 0) + len(u.text.split())

    def borne_out(s: str) -> bool:  # it asks somewhere, or someone else does more of the talking
        return (any(question_turn(u.text) for u in t.turns if u.speaker == s)
                or words[s] < max((w for x, w in words.items() if x != s), default=0))

    labels = [s for s in dict.fromkeys(answer.interviewer_labels) if s in t.speakers and not is_mixed_label(s)
              and borne_out(s)]
    shown = {u.index for u in t.turns[window[0]:window[1]] if is_mixed_label(u.speaker)}
    asks, answers = set(answer.interviewer_turns) & shown, set(answer.interviewee_turns) & shown
    both = asks & answers
    text = {u.index: u.text for u in t.turns}
    placed = bool(asks or answers)
    asks, answers = asks - both, {i for i in answers - both if not question_turn(text[i])}
    return Checked(labels, asks, answers, shown - asks - answers if placed else set())


def apply_answer(t: Transcript, found: Checked) -> Optional[Transcript]:
    if not found:
        return None
    named = {u.speaker for u in t.turns if not is_mixed_label(u.speaker) and u.speaker != NOTES_SPEAKER}
    roles = dict(t.speaker_roles)
    if found.labels:
        roles.update({s: ("interviewer" if s in found.labels else "interviewee") for s in named})
    new_turns = []
    for u in t.turns:
        decided = False  # the checked answer settles this turn's side, so ingest's per-turn guess is moot
        if roles.get(u.speaker) == "mixed":
            decided = u.index in found.interviewer_turns or u.index in found.interviewee_turns
            mine = u.index in found.interviewer_turns if decided else u.is_interviewer
        elif u.speaker in named:
            mine = roles[u.speaker] == "interviewer"
        else:
            mine = u.is_interviewer
        # a turn the answer saw and could not place is not evidence, whatever ingest guessed
        guessed = (u.role_guessed and not decided) or u.index in found.unplaced
        changed = mine != u.is_interviewer or guessed != u.role_guessed
        new_turns.append(u.model_copy(update={"is_interviewer": mine, "role_guessed": guessed}) if changed else u)
    interviewers = [s for s in t.speakers if roles.get(s) == "interviewer"]
    per_turn = len(found.interviewer_turns | found.interviewee_turns)
    what = ", ".join([*found.labels, *([f"{per_turn} turns of a shared label"] if per_turn else []),
                      *([f"{len(found.unplaced)} it could not place kept out of evidence"] if found.unplaced else [])])
    note = (f"speaker roles checked by the LLM ({what}); "
            "`synth speakers FILE` shows them, --interviewer/--interviewee corrects them")
    return t.model_copy(update={"turns": new_turns, "speaker_roles": roles, "interviewers": interviewers,
                                "interviewer_source": "llm", "role_confidence": max(t.role_confidence, 0.8),
                                "warnings": [*t.warnings, note]})


async def check_roles(t: Transcript, caller: LlmCaller, redact=None) -> Transcript:
    """`t` with the LLM's checked answers applied (one call per window), or `t` unchanged. A window the
    model gives no usable answer for keeps ingest's roles and says so: the check is a second look, so its
    failure never fails the file (what was answered is cached; a refused or timed-out window is asked again
    by the next run, a cut-off one is cached as cut off)."""
    found, failed = Checked(), []
    for window in windows(t):
        try:
            res = await caller.structured(role_messages(t, redact, window), RoleAnswer, purpose="speaker_roles",
                                          prompt=PROMPT_NAME, prompt_version=prompt_version())
        except (ChunkFailed, Truncated) as exc:  # refused every try, timed out, or rambled past the token cap
            failed.append(f"turns {window[0]}-{window[1] - 1}: {exc}")
            continue
        found.add(checked(t, res.parsed, window))
    out = apply_answer(t, found) or t
    if failed:
        note = (f"the LLM role check got no usable answer ({'; '.join(failed)}); ingest's roles stand there: "
                "a larger model, or `synth speakers FILE`, settles them")
        out = out.model_copy(update={"warnings": [*(w for w in out.warnings if not w.startswith(
            "the LLM role check got no usable answer")), note]})
    return out
