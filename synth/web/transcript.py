"""A transcript cut into segments so every extracted item is highlighted at its character span.

Evidence spans index `Transcript.text`; a turn is `text[char_start:char_end]`. Spans may overlap
(two items quoting the same sentence), so each turn is cut at every span boundary and each piece
records the items covering it; the template marks a piece with the innermost item (or the one the
page was opened for) and links it to that item's theme. Every string stays plain text here: the
template escapes it, so a transcript line reading `<script>` is shown, never run.
"""
from __future__ import annotations

from typing import Optional

from pydantic import BaseModel, Field

from synth.models import Evidence, Item, Transcript
from synth.report.model import hms

from .study import Study
from .views import theme_url


class Mark(BaseModel):
    item_id: str
    category: str
    state: str = Field(description="theme, loose (in no theme), rejected or dismissed")
    theme_id: Optional[str] = None
    theme_label: Optional[str] = None
    url: Optional[str] = None
    statement: str
    focus: bool = False


class Piece(BaseModel):
    text: str
    mark: Optional[Mark] = None
    anchors: list[str] = Field(default_factory=list, description="ids placed before this piece (#c<char>)")


class TurnView(BaseModel):
    index: int
    speaker: str
    time: Optional[str] = None
    interviewer: bool = False
    notes: bool = False
    pieces: list[Piece]


def _mark(study: Study, it: Item, focus: Optional[str]) -> Mark:
    tid = study.theme_of.get(it.id)
    if it.id in study.review.reject:
        state = "rejected"
    elif it.dismissed:
        state = "dismissed"
    else:
        state = "theme" if tid else "loose"
    th = study.themes.get(tid) if tid else None
    return Mark(item_id=it.id, category=it.category, state=state, theme_id=tid,  # type: ignore[attr-defined]
                theme_label=th.label if th else None, url=theme_url(tid) if tid else None,
                statement=it.statement, focus=it.id == focus)


def turn_pieces(text: str, start: int, spans: list[tuple[int, int, Mark]], anchored: set[int]) -> list[Piece]:
    """Cut `text` (which begins at `start` in the transcript) at every span boundary inside it."""
    end = start + len(text)
    inside = [(max(a, start), min(b, end), a, m) for a, b, m in spans if a < end and b > start]
    cuts = sorted({start, end, *(x for s, e, _, _ in inside for x in (s, e))})
    pieces: list[Piece] = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [(e - s, m) for s, e, _, m in inside if s <= a and e >= b]
        mark = None
        if covering:
            focused = [m for _, m in covering if m.focus]
            mark = focused[0] if focused else min(covering, key=lambda c: (c[0], c[1].item_id))[1]
        anchors = []
        for _, _, orig, _ in inside:
            if max(orig, start) == a and orig not in anchored:
                anchored.add(orig)
                anchors.append(f"c{orig}")
        pieces.append(Piece(text=text[a - start:b - start], mark=mark, anchors=anchors))
    return pieces


def transcript_page(study: Study, t: Transcript, focus: Optional[str]) -> dict:
    evs: list[tuple[Item, int, Evidence]] = study.evidence_by_file.get(t.file_name, [])
    spans = sorted(((ev.char_start, ev.char_end, _mark(study, it, focus)) for it, _, ev in evs
                    if ev.transcript_hash == t.content_hash), key=lambda s: (s[0], s[1], s[2].item_id))
    anchored: set[int] = set()
    turns = []
    for turn in t.turns:
        text = t.text[turn.char_start:turn.char_end]
        turns.append(TurnView(index=turn.index, speaker=turn.speaker, time=hms(turn.start),
                              interviewer=turn.is_interviewer, notes=turn.notes,
                              pieces=turn_pieces(text, turn.char_start, spans, anchored)))
    row = study.accounts.get(t.file_name)
    legend = {"theme": 0, "loose": 0, "rejected": 0, "dismissed": 0}
    for _, _, m in spans:
        legend[m.state] += 1
    from synth.ingest.roles import label_summary

    speakers = [{**r, "other_role": "interviewee" if r["role"] == "interviewer" else "interviewer"}
                for r in label_summary(t)]
    return {"t": t, "turns": turns, "account": row, "legend": legend, "speakers": speakers,
            "focus": next((m for _, _, m in spans if m.focus), None)}
