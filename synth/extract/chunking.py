"""Split a transcript on turn boundaries into chunks that fit a token budget, with overlap.

Overlap carries the last turns of a chunk into the next so an answer is seen with its question.
A single turn longer than the budget is split on sentence boundaries rather than dropped.
Chunks are rendered lazily, so a 150,000-word transcript never needs more than one chunk in memory
beyond the turns themselves.
"""
from __future__ import annotations

import re
from typing import Iterator

from pydantic import BaseModel

from synth.llm.tokens import count_tokens
from synth.models import Transcript, Turn

_SENT = re.compile(r"(?<=[.!?])\s+")


class Chunk(BaseModel):
    index: int
    turn_indices: list[int]
    text: str
    tokens: int


def _fmt_time(s: float | None) -> str:
    if s is None:
        return ""
    s = int(s)
    return f"[{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}] "


def render_turn(turn: Turn, text: str | None = None) -> str:
    # A turn ingest guarded (its side guessed unsurely) is not marked INTERVIEWEE: the prompt takes
    # evidence only from INTERVIEWEE lines, and verify would drop a quote from it anyway (a paid call lost)
    role = "INTERVIEWER" if turn.is_interviewer else "INTERVIEWEE" if turn.evidence_ok else "SPEAKER UNSURE"
    return f"{_fmt_time(turn.start)}{turn.speaker} ({role}): {text if text is not None else turn.text}"


def _pieces(turn: Turn, budget: int, model: str) -> list[tuple[str, int]]:
    line = render_turn(turn)
    n = count_tokens(line, model)
    if n <= budget:
        return [(line, n)]
    out, buf = [], ""
    for sent in _SENT.split(turn.text):
        cand = f"{buf} {sent}".strip()
        if buf and count_tokens(cand, model) > budget * 0.9:
            out.append(buf)
            buf = sent
        else:
            buf = cand
    if buf:
        out.append(buf)
    return [(render_turn(turn, p), count_tokens(render_turn(turn, p), model)) for p in out]


def chunk_transcript(t: Transcript, budget: int = 3000, overlap_turns: int = 2,
                     model: str = "gpt-4o-mini") -> Iterator[Chunk]:
    """Yield chunks of at most ~`budget` tokens of transcript text."""
    cur: list[tuple[int, str, int]] = []
    idx = 0

    def emit(lines: list[tuple[int, str, int]]) -> Chunk:
        return Chunk(index=idx, turn_indices=sorted({i for i, _, _ in lines}),
                     text="\n".join(s for _, s, _ in lines), tokens=sum(n for _, _, n in lines))

    for turn in t.turns:
        for line, n in _pieces(turn, budget, model):
            if cur and sum(k for _, _, k in cur) + n > budget:
                yield emit(cur)
                idx += 1
                keep = cur[-overlap_turns:] if overlap_turns else []
                while keep and sum(k for _, _, k in keep) + n > budget:
                    keep = keep[1:]
                cur = list(keep)
            cur.append((turn.index, line, n))
    if cur:
        yield emit(cur)
