"""Caption cues (WebVTT, SRT) -> speaker turns.

Shared by `vtt.py` and `srt.py`: block splitting with line numbers, cue timing parsing, speaker
extraction from `<v Name>` voice tags or a `Name: text` prefix, tag stripping, and merging of
consecutive cues of one speaker into a turn (start of the first cue, end of the last). A cue with
no speaker continues the previous speaker. Broken cues are skipped with a warning naming the line.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .build import UNKNOWN, Parsed, RawTurn
from .errors import IngestError
from .label_words import role_of
from .labels import match_label, parse_clock
from .sequence import UNLABELED_GAP

CUE_TS = r"(?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
TIMING_RE = re.compile(rf"^\s*({CUE_TS})\s*-->\s*({CUE_TS})(?:[ \t]+.*)?$")
_TIMINGISH = re.compile(r"\d:\d\d.*(?:-->|->|—>|–>|-- >|=>)|-->")
_ID_RE = re.compile(r"^(?:\d+|[0-9A-Fa-f-]{8,}(?:/\d+-\d+)?)$")
VOICE_RE = re.compile(r"<v(?:\.[^\s>]*)*(?:[ \t]+([^>]*))?>", re.I)
TAG_RE = re.compile(r"</?[^<>\n]{0,200}>")
ASS_RE = re.compile(r"\{\\[^}]*\}")
_DASH = re.compile(r"^(?:-|>>)\s*")
# a captioner's mark of a new speaker: `>>` anywhere, `- ` opening a cue's line (not "-mine interface", a word cut)
_MARK = re.compile(r"^(?:>>|-\s)")
_MID_MARK = re.compile(r"\s*>>\s*")
DENSE_MARKS = 0.2  # share of cues with a mark above which the marks are taken to be every change (dev 131: 30%)
# With no labels, a silence (sequence.UNLABELED_GAP) or a cue ending a sentence (a question above all: the
# answer is the next speaker's) ends a turn


@dataclass
class Cue:
    line: int
    start: Optional[float]
    end: Optional[float]
    segments: list[tuple[Optional[str], str]] = field(default_factory=list)
    first_line: Optional[int] = None  # 1-based line where the cue's block starts (its id line)
    marks: frozenset[int] = frozenset()  # segments that open at a captioner's speaker-change mark


def split_blocks(lines: list[str], first: int = 0) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks as (1-based line number, lines). A timing line in the middle of
    a block (exporters that forget the blank line) starts a new block, taking its id line along."""
    out: list[tuple[int, list[str]]] = []
    cur: list[str] = []
    start = 0
    for i in range(first, len(lines) + 1):
        line = lines[i] if i < len(lines) else ""
        if not line.strip():
            if cur:
                out.append((start + 1, cur))
            cur = []
            continue
        if not cur:
            start = i
        elif len(cur) >= 2 and "-->" in line and TIMING_RE.match(line):
            carry = [cur.pop()] if _ID_RE.match(cur[-1].strip()) and "-->" not in cur[-1] and len(cur) >= 3 else []
            out.append((start + 1, cur))
            start, cur = i - len(carry), carry
        cur.append(line)
    return out


def _clean(s: str) -> str:
    return " ".join(html.unescape(TAG_RE.sub("", s)).split())


# Zoom puts each participant's display name before the cue's text, and a display name may be a lower-case
# handle (`nixo: Morning, everyone.`, dev 161), which a label elsewhere never is (`note: ...` is prose). In
# a cue file whose other cues are labelled, a lower-case prefix that opens HANDLE_CUES or more cues is a name.
_HANDLE = re.compile(r"^(?P<name>[a-z][\w.&'|-]{0,20}(?: [\w.&'|()-]{1,20}){0,2}):[ \t]+(?P<text>\S.*)$")
HANDLE_CUES = 3


def cue_handles(blocks: list[tuple[int, list[str]]]) -> frozenset[str]:
    """Lower-case display names that open several cues of a file whose other cues carry labels."""
    counts: dict[str, int] = {}
    labelled = 0
    for _, lines in blocks:
        idx = next((k for k in (0, 1) if k < len(lines) and "-->" in lines[k]), None)
        text = _clean(lines[idx + 1]) if idx is not None and idx + 1 < len(lines) else ""
        lab = match_label(text) if text else None
        if lab is not None and lab.text:
            labelled += 1
        elif (m := _HANDLE.match(text)) is not None:
            counts[m.group("name")] = counts.get(m.group("name"), 0) + 1
    return frozenset(n for n, c in counts.items() if c >= HANDLE_CUES) if labelled >= HANDLE_CUES else frozenset()


def cue_segments(lines: list[str], marks: Optional[list[int]] = None,
                 handles: frozenset[str] = frozenset()) -> list[tuple[Optional[str], str]]:
    """(speaker or None, text) pieces of one cue's payload. `marks` gets the indexes of the pieces that
    open at a speaker-change mark (`>>`, `- `) where the cue names no speaker; `handles`: the file's
    lower-case display names (`cue_handles`)."""
    payload = ASS_RE.sub("", "\n".join(lines))
    voices = list(VOICE_RE.finditer(payload))
    segs: list[tuple[Optional[str], str]] = []
    if voices:
        head = _clean(payload[: voices[0].start()])
        if head:
            segs.append((None, head))
        for k, m in enumerate(voices):
            stop = voices[k + 1].start() if k + 1 < len(voices) else len(payload)
            text = _clean(payload[m.end(): stop])
            name = _clean(m.group(1) or "") or None
            if text:
                segs.append((name, text))
        return segs
    opened: set[int] = set()
    for raw in payload.split("\n"):
        marked = bool(_MARK.match(raw.strip()))
        line = _clean(_DASH.sub("", raw.strip()))
        if not line:
            continue
        lab = match_label(line)
        if lab is None and handles and (h := _HANDLE.match(line)) is not None and h.group("name") in handles:
            segs.append((h.group("name"), h.group("text")))
        elif lab and lab.text:
            segs.append((lab.name, lab.text))
        elif lab:
            segs.append((lab.name, ""))
        else:
            for k, piece in enumerate(p for p in _MID_MARK.split(line) if p):
                if segs and (not (marked or k) or segs[-1][1] == ""):  # goes on, or a label on its own line
                    sp, txt = segs[-1]
                    segs[-1] = (sp, f"{txt} {piece}".strip())
                else:
                    if marked or k:
                        opened.add(len(segs))
                    segs.append((None, piece))
                marked = False
    out = [(k, sp, t) for k, (sp, t) in enumerate(segs) if t]
    if marks is not None:
        marks.extend(j for j, (k, _, _) in enumerate(out) if k in opened)
    return [(sp, t) for _, sp, t in out]


def read_cues(blocks: list[tuple[int, list[str]]], warnings: list[str], *, vtt: bool) -> tuple[list[Cue], int]:
    """Parse cue blocks. Returns (good cues, number of broken cues)."""
    cues: list[Cue] = []
    broken = 0
    handles = cue_handles(blocks)
    for line_no, lines in blocks:
        first = lines[0].strip()
        if vtt and re.match(r"^(NOTE|STYLE|REGION)(\s|$)", first):
            continue
        idx = next((k for k in (0, 1) if k < len(lines) and "-->" in lines[k]), None)
        if idx is None:
            bad = next((ln for ln in lines[:2] if _TIMINGISH.search(ln)), None)
            if bad is not None:
                warnings.append(f"line {line_no + lines.index(bad)}: malformed cue timing {bad.strip()!r}; cue skipped")
            else:
                warnings.append(f"line {line_no}: block without a cue timing; skipped")
            broken += 1
            continue
        timing_line = line_no + idx
        m = TIMING_RE.match(lines[idx])
        start = parse_clock(m.group(1)) if m else None
        end = parse_clock(m.group(2)) if m else None
        if start is None or end is None:
            warnings.append(f"line {timing_line}: malformed cue timing {lines[idx].strip()!r}; cue skipped")
            broken += 1
            continue
        if end < start:
            warnings.append(f"line {timing_line}: cue ends before it starts; end time ignored")
            end = None
        marks: list[int] = []
        segs = cue_segments(lines[idx + 1:], marks, handles)
        if not segs:
            warnings.append(f"line {timing_line}: empty cue; skipped")
            broken += 1
            continue
        cues.append(Cue(line=timing_line, start=start, end=end, segments=segs, first_line=line_no,
                        marks=frozenset(marks)))
    return cues, broken


def cues_to_turns(cues: list[Cue], parsed: Parsed) -> None:
    """Sort cues by start time (when all have one) and merge consecutive cues of one speaker."""
    if all(c.start is not None for c in cues):
        cues = sorted(cues, key=lambda c: c.start)
    speaker: Optional[str] = None
    labeled = False
    turns = parsed.turns
    # where the captioner marks most speaker changes, an unmarked cue is the same speaker going on
    dense = sum(1 for c in cues if c.marks) >= DENSE_MARKS * len(cues)
    for c in cues:
        for k, (name, text) in enumerate(c.segments):
            if name:
                labeled = True
                role = role_of(name)
                if role:
                    parsed.roles[name] = role
            who = name or speaker or UNKNOWN
            prev = turns[-1] if turns else None
            marked = who == UNKNOWN and k in c.marks
            if prev is not None and prev.speaker == who and not marked and not (who == UNKNOWN and _breaks(prev, c)):
                prev.text = f"{prev.text} {text}"
                if c.end is not None:
                    prev.end = c.end
            else:
                turns.append(RawTurn(who, text, c.start, c.end, line=c.first_line,
                                     change=True if marked else (False if dense else None)))
            speaker = who
    if not labeled:
        parsed.warnings.append(f"no speaker labels found; speaker '{UNKNOWN}' used")


def _breaks(prev: RawTurn, c: Cue) -> bool:
    last = prev.end if prev.end is not None else prev.start
    if last is not None and c.start is not None and c.start - last > UNLABELED_GAP:
        return True
    # a finished sentence ends a turn too: with no labels and no pause (cues back to back, as whisper and
    # caption services write them) the speaker changes at a sentence end far more often than inside one,
    # and once the roles' path (sequence.py) has given each sentence a side, build joins one side's run of
    # sentences into one turn again (sequence.rejoin_sides); dev/50: 93.4% -> 94.1% of the
    # characters let through as evidence are the interviewee's, dev/94: 64.5% -> 72.3%
    return prev.text.rstrip()[-1:] in ".?!"


def parse_cue_file(lines: list[str], first: int, path: str | Path, fmt: str) -> Parsed:
    parsed = Parsed(format=fmt, turns=[])
    blocks = split_blocks(lines, first)
    cues, broken = read_cues(blocks, parsed.warnings, vtt=(fmt == "vtt"))
    if not cues:
        if broken:
            raise IngestError(path, f"no usable cues: all {broken} cue(s) are broken ({parsed.warnings[0]})")
        raise IngestError(path, "no cues found")
    cues_to_turns(cues, parsed)
    return parsed


# `[00:43.810 --> 00:47.850]  text`: one cue a line, as whisper and its wrappers print them
CUE_LINE_RE = re.compile(rf"^\s*(?:[-*+•]\s+)?(?:\*\*|__|`)?\\?[\[(]?\s*({CUE_TS})\s*-->\s*({CUE_TS})\s*\\?[\])]?"
                         rf"(?:\*\*|__|`)?[ \t]*(.*)$")


# `00:01:07 text`: a caption's start time and its words, one caption a line (captions saved as text with
# only the start kept); hours, minutes and seconds, so that a time of day in prose ("at 10:30 we") is not one
START_LINE_RE = re.compile(r"^\s*\[?(\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?)\]?[ \t]+(?!-->)(\S.*)$")


def _start_lines(lines: list[str]) -> bool:
    """Most lines are `start text` captions, and their words carry no speaker labels (`[00:01:02] Name: ...`
    is a labelled transcript with times, read by its labels)."""
    found = [m for ln in lines if (m := START_LINE_RE.match(ln))]
    if len(found) < 10 or len(found) < 0.8 * len(lines):
        return False
    return sum(1 for m in found if match_label(_DASH.sub("", m.group(2)))) < 0.05 * len(found)


def looks_like_cue_lines(text: str) -> bool:
    """Most non-blank lines from the first cue on are a timing and its text on one line (a title or a
    few lines of details may stand above them)."""
    lines = [ln for ln in text.split("\n", 3000)[:3000] if ln.strip()]
    first = next((k for k, ln in enumerate(lines[:200]) if "-->" in ln and CUE_LINE_RE.match(ln)), None)
    if first is None:
        return _start_lines(lines[:400])
    lines = lines[first:first + 400]
    hits = sum(1 for ln in lines if (m := CUE_LINE_RE.match(ln)) and m.group(3).strip())
    return hits >= 2 and hits >= 0.6 * len(lines)


def parse_cue_lines(text: str, path: str | Path) -> Parsed:
    """Cue lines (`[start --> end] text`) saved as .txt/.md: each line a cue; a line without a timing
    continues the cue above it."""
    parsed = Parsed(format="cues", turns=[])
    cues: list[Cue] = []
    starts_only = _start_lines([ln for ln in text.split("\n", 3000)[:3000] if ln.strip()][:400])
    for i, ln in enumerate(text.split("\n")):
        m = CUE_LINE_RE.match(ln)
        if m is None and starts_only and (s := START_LINE_RE.match(ln)):
            # a caption with its start only: it runs until the next one starts
            marks: list[int] = []
            segs = cue_segments([s.group(2)], marks)
            if segs:
                if cues and cues[-1].end is None:
                    cues[-1].end = parse_clock(s.group(1))
                cues.append(Cue(line=i + 1, start=parse_clock(s.group(1)), end=None, segments=segs, first_line=i + 1,
                                marks=frozenset(marks)))
            continue
        if m is None:
            if ln.strip() and cues:
                sp, words = cues[-1].segments[-1]
                cues[-1].segments[-1] = (sp, f"{words} {_clean(ln)}".strip())
            continue
        start, end = parse_clock(m.group(1)), parse_clock(m.group(2))
        marks = []
        segs = cue_segments([m.group(3)], marks)
        if segs:
            cues.append(Cue(line=i + 1, start=start, end=end if end is None or start is None or end >= start
                            else None, segments=segs, first_line=i + 1, marks=frozenset(marks)))
    if not cues:
        raise IngestError(path, "no cues found")
    cues_to_turns(cues, parsed)
    return parsed
