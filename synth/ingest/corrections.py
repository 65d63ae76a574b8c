"""The user's word on roles, applied to a stored Transcript (`synth speakers`, the review page's toggle),
and the per-label summary those show. Re-exported by roles.py."""
from __future__ import annotations

from .talk import question_turn


def apply_corrections(t, corrections: dict[str, str]):
    """A stored Transcript with the user's roles applied (`synth speakers`, the review page's
    toggle): every turn of a corrected label takes its role. Returns a new Transcript; the next
    ingest of the file applies the same corrections through `decide`."""
    speakers = t.speakers
    unknown = [lab for lab in corrections if lab not in speakers]
    if unknown:
        raise ValueError(f"{t.file_name}: no speaker label {', '.join(map(repr, unknown))} "
                         f"(labels: {', '.join(speakers)})")
    roles = dict(t.speaker_roles)
    turns = []
    for u in t.turns:
        role = corrections.get(u.speaker)
        turns.append(u.model_copy(update={"is_interviewer": role == "interviewer", "role_guessed": False})
                     if role else u)
    roles.update(corrections)
    interviewers = [s for s in speakers if roles.get(s) == "interviewer"]
    rest = [s for s in speakers if s not in interviewers and roles.get(s) == "interviewee"]
    interviewee = t.interviewee if t.interviewee in rest else (rest[0] if rest else None)
    return t.model_copy(update={"turns": turns, "speaker_roles": roles, "interviewers": interviewers,
                                "interviewee": interviewee, "interviewer_source": "correction",
                                "role_confidence": 1.0})


def label_summary(t) -> list[dict]:
    """Per label of a stored Transcript: turns, question turns, words, role as read (and per-turn
    split for a mixed label) — what `synth speakers` and the review page show."""
    out: dict[str, dict] = {}
    for u in t.turns:
        row = out.setdefault(u.speaker, {"label": u.speaker, "turns": 0, "questions": 0, "words": 0,
                                         "interviewer_turns": 0, "role": t.speaker_roles.get(u.speaker, "")})
        row["turns"] += 1
        row["questions"] += question_turn(u.text)
        row["words"] += len(u.text.split())
        row["interviewer_turns"] += u.is_interviewer
    return list(out.values())
