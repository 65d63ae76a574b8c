"""Reader output (raw turns + meta) -> a validated `Transcript` with exact character spans."""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

from ..models import Transcript, TranscriptMeta, Turn
from . import roles as roles_mod
from . import speakers as speakers_mod
from .errors import IngestError
from .markup import MappedText, strip_markup
from .sequence import rejoin_sides
from .several_speakers import described

UNKNOWN = speakers_mod.UNKNOWN
SEP = "\n\n"
_CTRL = {c: None for c in range(32) if c not in (9, 10)}
_TAG = re.compile(r"<[^<>\n]{0,200}>")
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
META_FIELDS = ("company", "date", "interviewee", "role", "interviewer", "title")


@dataclass
class RawTurn:
    speaker: str
    text: str
    start: Optional[float] = None
    end: Optional[float] = None
    line: Optional[int] = None            # 1-based source line where the turn starts
    mapped: Optional[MappedText] = None   # text readers: cleaned text with its map to the source
    role: Optional[str] = None            # a reader's per-turn hint: interviewer|interviewee
    notes: bool = False
    change: Optional[bool] = None         # captions: a speaker-change mark opens it (True), none where marks are
                                          # dense (False), the file marks no changes or few (None)


@dataclass
class Parsed:
    """What a reader found: turns in order, meta values, warnings, role hints, speaker titles."""

    format: str
    turns: list[RawTurn]
    meta: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)  # speaker -> interviewer|respondent
    titles: dict[str, str] = field(default_factory=dict)
    layout: Optional[str] = None
    kind: str = "dialogue"


def clean_speaker(name: Any) -> str:
    """Plain, short speaker name: no tags/entities/markdown, single spaces."""
    name = _TAG.sub("", html.unescape(_TAG.sub("", str(name)))).replace("<", "").replace(">", "")
    name = " ".join(name.translate(_CTRL).split()).strip(" *_:-")
    return name[:80] or UNKNOWN


def clean_text(text: str) -> str:
    """Whitespace collapsed within lines; blank lines dropped; lines joined by one newline."""
    lines = (" ".join(line.split()) for line in text.translate(_CTRL).split("\n"))
    return "\n".join(line for line in lines if line)


def _jsonable(v: Any) -> Any:
    if isinstance(v, (dt.date, dt.datetime, dt.time)):
        return v.isoformat()
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set)):
        return [_jsonable(x) for x in v]
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def parse_date(v: Any) -> Optional[dt.date]:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str) and re.match(r"^\d{4}-\d{2}-\d{2}([T ].*)?$", v.strip()):
        try:
            return dt.date.fromisoformat(v.strip()[:10])
        except ValueError:
            return None
    return None


def build_meta(values: dict[str, Any], titles: dict[str, str], warnings: list[str]) -> TranscriptMeta:
    known: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in values.items():
        k = str(key).strip().lower().replace(" ", "_").replace("-", "_")
        if k in META_FIELDS:
            if value is None or value == "":
                continue
            if k == "date":
                d = parse_date(value)
                if d is None:
                    warnings.append(f"meta date {value!r} is not a YYYY-MM-DD date; kept as date_raw")
                    extra["date_raw"] = _jsonable(value)
                else:
                    known["date"] = d
            elif isinstance(value, (list, tuple)):
                known[k] = ", ".join(str(x) for x in value)
            else:
                known[k] = " ".join(str(value).split())
        elif _KEY.match(k) and not k.startswith("model_") and not hasattr(TranscriptMeta, k):
            extra[k] = _jsonable(value)
    if titles:
        extra["speaker_titles"] = dict(titles)
    return TranscriptMeta(**known, **extra)




def _clean_turn(t: RawTurn) -> tuple[str, list[tuple[int, int, int]]]:
    """The turn's text with markup removed and, from text readers, its map to the source."""
    if t.mapped is not None:
        text = t.mapped.text
        if t.mapped.exact and clean_text(text) == text:
            return text, list(t.mapped.runs)
        return clean_text(text), []
    return clean_text(strip_markup(t.text)), []


def _about(values: dict[str, Any], meta: TranscriptMeta, path: Path) -> list[str]:
    """Who a file is about, as its metadata says: front matter interviewee, a one-name `speakers:`
    list, the title, the file name."""
    out = [meta.interviewee or ""]
    sp = values.get("speakers")
    if isinstance(sp, list) and len(sp) == 1:
        out.append(str(sp[0]))
    out += [meta.title or "", re.sub(r"[_\-.]+", " ", path.stem)]
    return [x for x in out if x]


def build_transcript(path: str | Path, raw: bytes, encoding: str, parsed: Parsed,
                     interviewer: Optional[Sequence[str]] = None, *, known: Sequence[str] = (),
                     corrections: Optional[dict[str, str]] = None) -> Transcript:
    warnings = list(parsed.warnings)
    turns: list[RawTurn] = []
    maps: list[list[tuple[int, int, int]]] = []
    for t in parsed.turns:
        text, runs = _clean_turn(t)
        if text:
            t.speaker, t.text = clean_speaker(t.speaker), text
            turns.append(t)
            maps.append(runs)
    if not turns:
        raise IngestError(path, "no transcript text found")
    roles = {clean_speaker(k): v for k, v in parsed.roles.items()}
    titles = {clean_speaker(k): v for k, v in parsed.titles.items()}
    meta = build_meta(parsed.meta, titles, warnings)
    fm_interviewer = parsed.meta.get("interviewer")
    hosts, guests = described(parsed.meta)  # "hosts A and B welcome C" in a summary
    decided = roles_mod.decide(turns, option=interviewer, fm_interviewer=fm_interviewer,
                               fm_interviewee=meta.interviewee, roles=roles, known=known,
                               corrections=corrections, hints=[t.role for t in turns],
                               names=[*_about(parsed.meta, meta, Path(path)), *guests], hosts=hosts,
                               titles=titles)
    # the fix names this file, ready to paste
    fix = f"synth speakers {shlex.quote(Path(path).name)}"
    warnings += [w.replace("synth speakers FILE", fix) for w in decided.warnings]
    chunks: list[str] = []
    out: list[Turn] = []
    pos = 0
    # an unlabelled caption stream, cut at every sentence end to find where the speaker changes: one
    # side's consecutive sentences are one turn again (sequence.rejoin_sides)
    starts = (rejoin_sides(turns, maps, decided.turn_is_interviewer, decided.turn_guessed)
              if turns and all(t.speaker == speakers_mod.UNKNOWN for t in turns) else list(range(len(turns))))
    for i, (a, b) in enumerate(zip(starts, [*starts[1:], len(turns)])):
        if i:
            chunks.append(SEP)
            pos += len(SEP)
        t, runs = turns[a], maps[a]
        said = t.text if b == a + 1 else " ".join(x.text for x in turns[a:b])
        chunks.append(said)
        out.append(Turn(index=i, speaker=t.speaker, text=said, start=t.start, end=turns[b - 1].end,
                        char_start=pos, char_end=pos + len(said),
                        is_interviewer=decided.turn_is_interviewer[a], notes=t.notes, source_line=t.line,
                        role_guessed=decided.turn_guessed[a],
                        source_map=runs))
        pos += len(said)
    text = "".join(chunks)
    for t in out:
        if text[t.char_start:t.char_end] != t.text:  # the contract later stages rely on
            raise AssertionError(f"{path}: turn {t.index} span does not match its text")
    return Transcript(
        path=str(path), file_name=Path(path).name, format=parsed.format, encoding=encoding,
        content_hash=hashlib.sha256(raw).hexdigest(), text=text, turns=out, meta=meta,
        interviewers=decided.interviewers, interviewee=decided.interviewee,
        interviewer_source=decided.source, warnings=warnings, layout=parsed.layout or parsed.format,
        kind=parsed.kind, speaker_roles=decided.speaker_roles, role_confidence=decided.confidence,
    )
