"""How ingest reads one real transcript, measured against its annotation (evals/real/README.md).

Per file: read as dialogue (or recognised as notes), role accuracy per label and per turn, invented
speakers (labels synth made up: `Who:`, `Step 4:`), and, over the items the offline extractor finds,
evidence that is interviewer speech (or summary/metadata lines) and quotes that still carry markup.
Pure functions over a Transcript, its Extraction and the annotation dict; no I/O here.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Optional

from synth.ingest.build import clean_speaker
from synth.ingest.roles import LOW_CONFIDENCE, NOTES_SPEAKER, UNKNOWN
from synth.models import Extraction, Transcript

# what a quote must not contain: the exporter's markup, not anyone's words
MARKUP = re.compile(r"\*\*|__|(?:^|\s)#{1,6}\s|[●○•▪◦■]|\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->|"
                    r"\[(?:speaker|spk)[ _-]?\d+\]|\]\(|\]\[|\\\[|^\s*[-*+]\s|\[\d{1,2}:\d{2}", re.I)
NOT_A_LABEL = {UNKNOWN.casefold(), NOTES_SPEAKER.casefold()}
# every role warning ends with roles.FIX, whose `synth speakers FILE` ingest fills in: this part stays as it is
ROLE_FIX = "`--interviewer NAME` at ingest"
ROLE_TROUBLE = 0.95  # the per-turn bar of issue 20: a file under it has roles a reader must check


def _key(label: str) -> str:
    """A label as its words: case, spacing, the tag's brackets (`[Nick]` is the label Nick) and a trailing
    affiliation (`Justin Florentine (Besu):`, which ingest keeps as the label's title) aside."""
    return " ".join(re.sub(r"\s*\([^()]*\)\s*$", "", clean_speaker(label).strip("[] ")).casefold().split())


@dataclass
class FileResult:
    file: str
    split: str
    layout: str
    kind: str
    read_kind: str = ""
    read_layout: str = ""
    dialogue_expected: bool = True
    dialogue_ok: bool = False
    labels_total: int = 0
    labels_right: int = 0
    turns_total: int = 0
    turns_right: int = 0
    invented: list[str] = field(default_factory=list)
    items: int = 0
    items_interviewer: int = 0
    items_not_speech: int = 0
    quotes: int = 0
    quotes_markup: int = 0
    notes_items_unmarked: int = 0
    guessed_evidence: int = 0  # turns of a label that is not one person, allowed as evidence (evidence_ok)
    guessed_evidence_right: int = 0  # ... of which all the speech is annotated interviewee
    guessed_interviewee: int = 0  # turns of such a label whose speech is all the interviewee's
    guessed_evidence_chars: int = 0  # characters of the file under guessed turns let through as evidence
    guessed_evidence_chars_right: int = 0  # ... that lie in annotated interviewee turns
    wrong_labels: list[str] = field(default_factory=list)
    # does the user hear of it? a file whose roles are off (ROLE_TROUBLE) should carry ingest's role warning
    warned: bool = False  # a role warning (it names the fix) or a role confidence under LOW_CONFIDENCE
    role_trouble: bool = False  # a label read on the wrong side (or not found), or under ROLE_TROUBLE of its turns right
    error: Optional[str] = None

    @property
    def items_interviewer_unwarned(self) -> int:
        """Items on interviewer speech in a file the user was not warned about: the ones nobody is told to check."""
        return 0 if self.warned else self.items_interviewer


class Gold:
    """The annotation as lookups: label -> role, line -> role of the turn running there."""

    def __init__(self, ann: dict):
        self.labels = {_key(k): v for k, v in (ann.get("speakers") or {}).items()}
        turns = sorted((int(t["line"]), int(t.get("col") or 0), t["role"]) for t in ann.get("turns") or [])
        self.turn_lines = [ln for ln, _, _ in turns]
        self.turn_cols = [c for _, c, _ in turns]
        self.turn_roles = [r for _, _, r in turns]
        self.not_speech = [tuple(r) for r in ann.get("notes_lines") or []]

    def in_notes(self, line: Optional[int]) -> bool:
        return line is not None and any(a <= line <= b for a, b in self.not_speech)

    def role_at_line(self, line: Optional[int]) -> Optional[str]:
        if line is None or not self.turn_lines:
            return None
        i = bisect.bisect_right(self.turn_lines, line) - 1
        return self.turn_roles[i] if i >= 0 else None

    def role_of_turn(self, speaker: str, line: Optional[int]) -> Optional[str]:
        """The gold role of a parsed turn: from its label, or (mixed/unlabelled) from its line."""
        role = self.labels.get(_key(speaker))
        if role in (None, "mixed") or self.turn_lines:
            by_line = self.role_at_line(line)
            return by_line if by_line is not None else (role if role != "mixed" else None)
        return role


def _covering(t: Transcript, line: int, col: int = 0, line_starts: Optional[list[int]] = None) -> Optional[int]:
    """Index of the parsed turn running at source `line` (the last one starting at or before it). With
    the file's line offsets, at character `col` of the line: a question and its answer on one line
    are two turns, the second starting where its mapped text starts."""
    if line_starts and 0 < line <= len(line_starts):
        at, best, prev_line = line_starts[line - 1] + col, None, None
        for i, u in enumerate(t.turns):
            if not u.source_line or u.source_line > len(line_starts):
                continue
            start = line_starts[u.source_line - 1]
            if u.source_line == prev_line:  # a second turn on a line starts mid-line
                start = u.source_offset(0) if u.source_offset(0) is not None else start
            prev_line = u.source_line
            if start > at:
                break
            best = i
        return best
    starts = [(u.source_line or 0) for u in t.turns]
    i = bisect.bisect_right(starts, line) - 1
    return i if i >= 0 and starts[i] else None


def measure_file(t: Transcript, ann: dict, split: str, ex: Optional[Extraction] = None,
                 line_starts: Optional[list[int]] = None) -> FileResult:
    """`line_starts`: offsets of the source file's lines (decoded), to place quotes on their line."""
    gold = Gold(ann)
    kind = str(ann.get("kind"))
    r = FileResult(file=t.file_name, split=split, layout=str(ann.get("layout")), kind=kind, read_kind=t.kind,
                   read_layout=t.layout or t.format, dialogue_expected=kind != "notes")
    sides = {u.is_interviewer for u in t.turns if not u.notes}
    gold_sides = {v == "interviewer" for v in [*gold.labels.values(), *gold.turn_roles]
                  if v in ("interviewer", "interviewee")}
    if r.dialogue_expected:
        # read as dialogue: not taken for notes, and both sides found where the file has both
        r.dialogue_ok = t.kind != "notes" and gold_sides <= sides
    else:
        r.dialogue_ok = t.kind == "notes"
    # labels: every annotated label that names one side
    parsed = {_key(s): s for s in t.speakers}
    for key, role in gold.labels.items():
        s = parsed.get(key)
        if role == "mixed" or (s is None and role == "other"):
            continue  # an `other` label with no words left (`**Break:** [19:24]`) is nobody's speech
        r.labels_total += 1
        pred = t.speaker_roles.get(s) if s else None
        if s is not None and (pred == "interviewer") == (role == "interviewer"):
            r.labels_right += 1
        else:
            r.wrong_labels.append(f"{key}={role} read {pred or 'missing'}")
    r.invented = sorted(s for k, s in parsed.items() if k not in gold.labels and k not in NOT_A_LABEL)
    # turns
    if kind != "notes":
        if gold.turn_lines:
            for line, col, role in zip(gold.turn_lines, gold.turn_cols, gold.turn_roles):
                if gold.in_notes(line):
                    continue
                r.turns_total += 1
                i = _covering(t, line, col, line_starts)
                if i is not None and t.turns[i].is_interviewer == (role == "interviewer"):
                    r.turns_right += 1
        else:
            for u in t.turns:
                if gold.in_notes(u.source_line):
                    continue
                role = gold.role_of_turn(u.speaker, u.source_line)
                r.turns_total += 1
                r.turns_right += role is not None and u.is_interviewer == (role == "interviewer")
    if kind != "notes" and gold.turn_lines and line_starts:
        _guard_precision(r, t, gold, line_starts)
    r.warned = t.role_confidence < LOW_CONFIDENCE or any(ROLE_FIX in w for w in t.warnings)
    # a label read as shared by both sides is judged by its turns, not as a wrong label
    r.role_trouble = r.dialogue_expected and (any(not w.endswith(" read mixed") for w in r.wrong_labels) or (
        r.turns_total > 0 and r.turns_right < ROLE_TROUBLE * r.turns_total))
    if ex is not None:
        for it in ex.items():
            r.items += 1
            bad_speaker = bad_line = False
            for ev in it.evidence:
                r.quotes += 1
                r.quotes_markup += bool(MARKUP.search(ev.quote))
                turn = t.turns[ev.turn_index]
                line = _source_line(turn, ev.char_start, line_starts)
                if kind == "notes":
                    r.notes_items_unmarked += not (ev.from_notes or turn.notes)
                    continue
                role = gold.role_of_turn(turn.speaker, line)
                bad_speaker |= role == "interviewer"
                bad_line |= gold.in_notes(line)
            r.items_interviewer += bad_speaker
            r.items_not_speech += bad_line and not bad_speaker
    return r


def _gold_offsets(gold: Gold, line_starts: list[int]) -> list[tuple[int, str]]:
    """(offset in the decoded file, role) where each annotated turn starts; notes lines are `other`."""
    out = []
    for line, col, role in zip(gold.turn_lines, gold.turn_cols, gold.turn_roles):
        if 0 < line <= len(line_starts):
            out.append((line_starts[line - 1] + col, role))
    for a, b in gold.not_speech:  # a notes range is nobody's speech: it ends the turn running there
        if 0 < a <= len(line_starts):
            out.append((line_starts[a - 1], "other"))
        if 0 < b < len(line_starts):
            out.append((line_starts[b], gold.role_at_line(b + 1) or "other"))
    return sorted(out)


def _guard_precision(r: FileResult, t: Transcript, gold: Gold, line_starts: list[int]) -> None:
    """The evidence guard on turns whose side was guessed turn by turn (a label that is not one person,
    or none): of those it lets through as evidence, how many hold only interviewee speech (every annotated
    turn the parsed turn's source span touches), and how many interviewee-only turns there were."""
    starts = _gold_offsets(gold, line_starts)
    offs = [o for o, _ in starts]
    # where each parsed turn starts in the file: its map, else its line (caption cues carry no map)
    begin = [u.source_offset(0) if u.source_offset(0) is not None else
             line_starts[u.source_line - 1] if u.source_line and u.source_line <= len(line_starts) else None
             for u in t.turns]
    for k, u in enumerate(t.turns):
        if u.notes or t.speaker_roles.get(u.speaker) != "mixed" or not u.text or begin[k] is None:
            continue
        a, b = begin[k], u.source_offset(len(u.text) - 1)
        if b is None:  # unmapped: the turn runs until the next one starts
            b = next((x - 1 for x in begin[k + 1:] if x is not None and x > a), line_starts[-1])
        i = bisect.bisect_right(offs, a) - 1
        j = bisect.bisect_right(offs, b)
        roles = {role for _, role in starts[max(i, 0):j]} if i >= 0 else {None}
        pure = roles == {"interviewee"}
        r.guessed_interviewee += pure
        if u.evidence_ok:
            r.guessed_evidence += 1
            r.guessed_evidence_right += pure
            # the same by characters of the file (independent of how finely the turns are cut)
            for k2 in range(max(i, 0), j):
                lo = max(a, starts[k2][0])
                hi = min(b + 1, starts[k2 + 1][0] if k2 + 1 < len(starts) else b + 1)
                if hi > lo:
                    r.guessed_evidence_chars += hi - lo
                    r.guessed_evidence_chars_right += (hi - lo) * (starts[k2][1] == "interviewee")
            if i < 0:
                r.guessed_evidence_chars += max(0, min(b + 1, offs[0] if offs else b + 1) - a)


def _source_line(turn, char_start: int, line_starts: Optional[list[int]]) -> Optional[int]:
    """The source line of a quote: from the turn's map where it has one, else the turn's first line."""
    off = turn.source_offset(char_start - turn.char_start)
    if off is None or not line_starts:
        return turn.source_line
    return bisect.bisect_right(line_starts, off)


def pct(a: int, b: int) -> Optional[float]:
    return a / b if b else None
