"""JSON transcripts: synth's own `turns`, Fireflies, Gong, AssemblyAI/Deepgram `utterances`,
Whisper/WhisperX `segments`. Consecutive entries of one speaker merge into a turn."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Optional

from .build import Parsed
from .cues import Cue, cues_to_turns
from .errors import IngestError
from .labels import parse_clock

TEXT_KEYS = ("text", "transcript", "content", "raw_text")
SPEAKER_KEYS = ("speaker", "speaker_name", "speakerName", "name", "role")
META_KEYS = ("company", "date", "interviewee", "interviewer", "role", "title")


def _time(v: Any, scale: float = 1.0) -> Optional[float]:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        return round(v * scale, 3) if v >= 0 else None
    if isinstance(v, str):
        try:
            return _time(float(v), scale)
        except ValueError:
            return parse_clock(v)
    return None


def _first(d: dict, keys: tuple[str, ...]) -> Any:
    for k in keys:
        if d.get(k) not in (None, ""):
            return d[k]
    return None


def _speaker_label(v: Any) -> Optional[str]:
    """AssemblyAI 'A' / Deepgram 0 / WhisperX 'SPEAKER_00' -> 'Speaker A'...; names kept."""
    if v is None or v == "":
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return f"Speaker {int(v)}"
    s = str(v).strip()
    if len(s) <= 2:
        return f"Speaker {s}"
    if s.upper().startswith("SPEAKER_") and s[8:].isdigit():
        return f"Speaker {int(s[8:])}"
    return s


class _Reader:
    def __init__(self, path: str | Path, fmt: str):
        self.path = path
        self.parsed = Parsed(format=fmt, turns=[])
        self.cues: list[Cue] = []
        self.skipped = 0

    def add(self, i: int, speaker: Optional[str], text: Any, start=None, end=None) -> None:
        if not isinstance(text, str) or not text.strip():
            self.skipped += 1
            if self.skipped <= 5:
                self.parsed.warnings.append(f"entry {i}: no text; skipped")
            return
        self.cues.append(Cue(line=i, start=start, end=end, segments=[(speaker, text)]))

    def finish(self, where: str) -> Parsed:
        if self.skipped > 5:
            self.parsed.warnings.append(f"{self.skipped} entries without text skipped in all")
        if not self.cues:
            raise IngestError(self.path, f"no usable entries in {where!r}")
        cues_to_turns(self.cues, self.parsed)
        return self.parsed


def _entries(items: list, r: _Reader, *, scale: float, speaker_fn=_speaker_label,
             start_keys=("start",), end_keys=("end",)) -> None:
    for i, e in enumerate(items):
        if not isinstance(e, dict):
            r.parsed.warnings.append(f"entry {i}: not an object; skipped")
            continue
        r.add(i, speaker_fn(_first(e, SPEAKER_KEYS)), _first(e, TEXT_KEYS),
              _time(_first(e, start_keys), scale), _time(_first(e, end_keys), scale))


def _ms_or_s(items: list) -> float:
    """ms (AssemblyAI) when every time is an integer, seconds (Deepgram) otherwise."""
    vals = [e.get(k) for e in items if isinstance(e, dict) for k in ("start", "end")]
    nums = [v for v in vals if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return 0.001 if nums and all(float(v).is_integer() for v in nums) else 1.0


def _fireflies(obj: dict, path) -> Parsed:
    r = _Reader(path, "json-fireflies")
    ids = {str(s.get("id")): s.get("name") for s in obj.get("speakers") or [] if isinstance(s, dict)}
    def who(e: dict) -> Optional[str]:
        name = e.get("speaker_name")
        if not name and e.get("speaker_id") is not None:
            name = ids.get(str(e["speaker_id"])) or f"Speaker {e['speaker_id']}"
        return str(name) if name else None
    for i, e in enumerate(obj["sentences"]):
        if not isinstance(e, dict):
            r.parsed.warnings.append(f"entry {i}: not an object; skipped")
            continue
        r.add(i, who(e), _first(e, ("text", "raw_text")), _time(e.get("start_time")), _time(e.get("end_time")))
    if obj.get("title"):
        r.parsed.meta["title"] = obj["title"]
    d = obj.get("dateString") or obj.get("date")
    if isinstance(d, (int, float)) and d > 1e11:
        r.parsed.meta["date"] = dt.datetime.fromtimestamp(d / 1000, dt.timezone.utc).date()
    elif isinstance(d, str):
        r.parsed.meta["date"] = d
    return r.finish("sentences")


def _gong_parties(data: Any, call_id: Any) -> list[dict]:
    found: list[dict] = []
    if isinstance(data, dict):
        found += [p for p in data.get("parties") or [] if isinstance(p, dict)]
        for call in data.get("calls") or []:
            if isinstance(call, dict):
                cid = (call.get("metaData") or {}).get("id", call.get("id"))
                if call_id is None or cid is None or str(cid) == str(call_id):
                    found += [p for p in call.get("parties") or [] if isinstance(p, dict)]
    return found


def _gong(obj: dict, data: Any, path) -> Parsed:
    r = _Reader(path, "json-gong")
    parties = _gong_parties(data, obj.get("callId"))
    if obj is not data:
        parties += _gong_parties(obj, None)
    names: dict[str, str] = {}
    sides: dict[str, str] = {}
    for p in parties:
        key = p.get("speakerId", p.get("id"))
        if key is None or not p.get("name"):
            continue
        name = str(p["name"])
        names.setdefault(str(key), name)
        if p.get("title"):
            r.parsed.titles.setdefault(name, str(p["title"]))
        aff = str(p.get("affiliation") or "").lower()
        if aff in ("internal", "external"):
            sides[name] = "interviewer" if aff == "internal" else "respondent"
    if len(set(sides.values())) == 2:
        r.parsed.roles.update(sides)
    for i, mono in enumerate(obj["transcript"]):
        if not isinstance(mono, dict) or not isinstance(mono.get("sentences"), list):
            r.parsed.warnings.append(f"monologue {i}: no sentences; skipped")
            continue
        sid = mono.get("speakerId", mono.get("speaker_id"))
        who = names.get(str(sid)) if sid is not None else None
        who = who or (f"Speaker {sid}" if sid is not None else None)
        sents = [s for s in mono["sentences"] if isinstance(s, dict) and isinstance(s.get("text"), str)]
        text = " ".join(s["text"].strip() for s in sents if s["text"].strip())
        start = _time(sents[0].get("start"), 0.001) if sents else None
        end = _time(sents[-1].get("end"), 0.001) if sents else None
        r.add(i, who, text, start, end)
    if obj.get("callId") is not None:
        r.parsed.meta["call_id"] = str(obj["callId"])
    return r.finish("transcript")


def _meta(r: Parsed, d: dict) -> None:
    for src in (d, d.get("meta"), d.get("metadata")):
        if isinstance(src, dict):
            for k in META_KEYS:
                if src.get(k) not in (None, "") and isinstance(src[k], (str, int, float, list)):
                    r.meta.setdefault(k, src[k])


def parse_json(text: str, path: str | Path) -> Parsed:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise IngestError(path, f"invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}") from None
    obj: Any = data
    if isinstance(obj, list):
        obj = {"turns": obj}
    if not isinstance(obj, dict):
        raise IngestError(path, f"unrecognized JSON transcript shape: top-level {type(data).__name__}")
    inner = obj.get("data")
    if isinstance(inner, dict) and isinstance(inner.get("transcript"), dict):
        obj = inner["transcript"]
    if isinstance(obj.get("transcript"), dict) and isinstance(obj["transcript"].get("sentences"), list):
        obj = obj["transcript"]
    extra_warn: list[str] = []
    calls = obj.get("callTranscripts")
    if isinstance(calls, list) and calls and isinstance(calls[0], dict):
        if len(calls) > 1:
            extra_warn.append(f"{len(calls)} calls in file; only the first (callId {calls[0].get('callId')}) read")
        obj = calls[0]
    if isinstance(obj.get("results"), dict) and isinstance(obj["results"].get("utterances"), list):
        obj = obj["results"]

    if isinstance(obj.get("turns"), list):
        r = _Reader(path, "json-turns")
        _entries(obj["turns"], r, scale=1.0, speaker_fn=lambda v: str(v) if v not in (None, "") else None)
        parsed = r.finish("turns")
    elif isinstance(obj.get("sentences"), list):
        parsed = _fireflies(obj, path)
    elif isinstance(obj.get("transcript"), list):
        parsed = _gong(obj, data, path)
    elif isinstance(obj.get("utterances"), list):
        r = _Reader(path, "json-utterances")
        _entries(obj["utterances"], r, scale=_ms_or_s(obj["utterances"]))
        parsed = r.finish("utterances")
    elif isinstance(obj.get("segments"), list):
        r = _Reader(path, "json-segments")
        _entries(obj["segments"], r, scale=1.0)
        parsed = r.finish("segments")
    else:
        keys = ", ".join(sorted(map(str, obj))[:20])
        raise IngestError(path, f"unrecognized JSON transcript shape: top-level keys [{keys}] "
                                "(expected turns, sentences, transcript, utterances or segments)")
    parsed.warnings[:0] = extra_warn
    if isinstance(data, dict):
        _meta(parsed, data)
    if obj is not data:
        _meta(parsed, obj)
    return parsed
