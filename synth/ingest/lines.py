"""Source lines with their offsets, and the accumulator every text layout builds its turns with."""
from __future__ import annotations

import re
from typing import Optional

from .build import UNKNOWN, Parsed, RawTurn
from .label_words import role_of
from .labels import Label, parse_times
from .markup import MappedText

HEADING = re.compile(r"^#{1,6}(\s|$)")
RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,}|={3,})$")
# `[macbook-air]: https://...`: a markdown link's target, written below the text; nobody said it
LINK_DEF = re.compile(r"^\s{0,3}\[[^\]\n]{1,200}\]:\s*<?\S+>?(?:\s+[\"'(].*)?\s*$")


class Lines:
    """The file's lines with their 1-based numbers and offsets in the decoded text."""

    def __init__(self, text: str):
        self.lines = text.split("\n")
        self.offsets: list[int] = []
        pos = 0
        for ln in self.lines:
            self.offsets.append(pos)
            pos += len(ln) + 1

    def __len__(self) -> int:
        return len(self.lines)


class TurnAcc:
    """Accumulates turns from source lines; lines in a paragraph join with a space, paragraphs with
    a newline; markup is stripped and every kept piece is mapped back to the source."""

    def __init__(self, parsed: Parsed, src: Lines):
        self.p = parsed
        self.src = src
        self.cur: RawTurn | None = None
        self.blank = False
        self.labels = 0
        self.next_start: Optional[float] = None

    def new(self, speaker: str, i: int, *, start=None, end=None, role=None, notes=False) -> RawTurn:
        self.cur = RawTurn(speaker, "", start, end, line=i + 1, mapped=MappedText(), role=role, notes=notes)
        self.p.turns.append(self.cur)
        self.blank = False
        return self.cur

    def start(self, lab: Label, i: int) -> None:
        self.labels += 1
        start, self.next_start = (lab.start if lab.start is not None else self.next_start), None
        times = parse_times(lab.text.strip("[]()*\\ ")) if lab.text and lab.text[0] in "0123456789[(\\" else None
        if times:  # `Name: 00:00:32` alone on its line: the time the turn starts, not its words
            start, lab = times[0], Label(lab.name, "", lab.start, lab.end, lab.title)
        self.new(lab.name, i, start=start, end=lab.end)
        self._label_text(lab, i)
        if lab.title:
            self.p.titles.setdefault(lab.name, lab.title)
        role = role_of(lab.name)
        if role:
            self.p.roles[lab.name] = role

    def _label_text(self, lab: Label, i: int) -> None:
        """The words after the label on its line (they end where the line ends)."""
        if lab.text:
            line = self.src.lines[i].rstrip()
            if not line.endswith(lab.text):
                self.cur.mapped.exact = False  # the label's line was rewritten (HTML around the name)
            self.cur.mapped.add_line(lab.text, self.src.offsets[i] + len(line) - len(lab.text))

    def start_prompt(self, lab: Label, i: int) -> None:
        """A numbered prompt of the guide (`Pergunta 3: ...`): the interviewer's question, by nobody
        named; the prompt word and number are not speech."""
        self.labels += 1
        self.next_start = None
        self.new(UNKNOWN, i, role=lab.title if lab.title in ("interviewer", "interviewee") else "interviewer")
        self._label_text(lab, i)

    def start_name(self, name: str, i: int) -> None:
        """A name alone on line `i`: the turns below it are that person's."""
        self.start(Label(name=name, text=""), i)

    def add_part(self, i: int, a: int, b: int) -> None:
        """Add columns a..b of source line `i` to the turn (a question and its answer on one line)."""
        raw = self.src.lines[i]
        if a == 0 and b >= len(raw):
            self.add(i)
            return
        self.cur.mapped.add_line(raw[a:b], self.src.offsets[i] + a, "\n" if self.blank else " ")
        self.blank = False

    def add(self, i: int, line: Optional[str] = None) -> None:
        """Add source line `i` (or `line`, a cleaned form of it ending where it ends) to the turn."""
        if self.cur is None:
            self.new(UNKNOWN, i)
            self.p.warnings.append(f"text before the first speaker label kept as speaker '{UNKNOWN}'")
        raw = self.src.lines[i]
        if LINK_DEF.match(raw):
            return
        line = raw if line is None else line
        off = self.src.offsets[i] + len(raw.rstrip()) - len(line.rstrip())
        self.cur.mapped.add_line(line, off, "\n" if self.blank else " ")
        self.blank = False


