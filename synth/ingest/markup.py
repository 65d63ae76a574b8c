"""Markup out of turn text, with a map back to the source file.

A quote is evidence only when it is the interviewee's words: `**`, `●`/`○` bullets, `#` headings,
`00:00:58,040 --> 00:01:00,980`, and `[speaker_1]` are the exporter's, not theirs, so they are
removed here, at ingest, once. What is kept is recorded as runs (offset in the cleaned text, offset
in the source, length), so a quote of the cleaned text can still be shown at its exact place in
the file it came from (`Turn.source_map`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .labels import BULLET_CHARS as BULLETS

_LEAD = re.compile(rf"^[ \t]*(?:>[ \t]*)*(?:#{{1,6}}[ \t]+|[{re.escape(BULLETS)}][ \t]+|\d{{1,3}}[.)][ \t]+)*")
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TIMECODES = [rf"{_CLOCK}[ \t]*-->[ \t]*{_CLOCK}",        # a cue timing line pasted into text
              rf"\\?\[{_CLOCK}\\?\]", rf"\({_CLOCK}\)"]     # [00:01:02], escaped \[03:32\], (01:02)
_TAGS = [r"\[(?:speaker|spk)[ _-]?\d{1,3}\]"]             # [speaker_0] diarization tags
_URL = r"\([^)\s]{1,500}(?:\s+\"[^\"\n]{0,200}\")?\)"   # (https://...) or (https://... "title")
_MARKDOWN = [rf"!?\[(?=[^\]\n]{{1,300}}\]{_URL})",              # link: the words stay, the URL goes
             rf"\](?={_URL})", rf"(?<=\]){_URL}",
             r"\[(?=[^\]\n]{1,300}\]\[[^\]\n]{0,100}\])", r"\]\[[^\]\n]{0,100}\]",  # [text][ref], [text][]
             r"\\(?=[\[\]*_#`\\])",                                      # markdown escapes: \[ \*
             r"\*\*", "__", "~~", "`",                        # bold, strike, code
             r"(?<![\w*])\*(?=[^\s*])", r"(?<=[^\s*])\*(?![\w*])",   # *emphasis*
             r"(?<![\w_])_(?=[^\s_])", r"(?<=[^\s_])_(?![\w_])"]     # _emphasis_
# Formatting tags of markdown written as HTML (`<strong>Q?</strong><br />`) are the exporter's; other HTML
# in turn text is kept: it is shown escaped, and a `<script>` someone said is what they said
_BREAKS = r"<(?:br|p|div|li|ul|ol)\b[^<>\n]{0,200}>|</(?:p|div|li|ul|ol)>"
_FORMAT = [_BREAKS, r"</?(?:strong|b|em|i|u|mark|small|span|font|sup|sub)(?:\s[^<>\n]{0,200})?\s*>"]
_DROP = re.compile("|".join(_TIMECODES + _TAGS + _FORMAT + _MARKDOWN), re.I)
_BREAK = re.compile(_BREAKS, re.I)


def clean_segment(s: str, breaks: list[int] | None = None) -> list[tuple[int, int]]:
    """Kept (start, end) ranges of one line of source text: leading bullets/headings/quote marks,
    emphasis, timecodes and speaker tags dropped. `breaks` (when given) gets the index of each kept
    range that follows a dropped `<br />`/`<p>`: words on both sides of it are apart."""
    lead = _LEAD.match(s)
    pos = lead.end() if lead else 0
    keep: list[tuple[int, int]] = []
    broken = False
    for m in _DROP.finditer(s, pos):
        if m.start() > pos:
            if broken and breaks is not None:
                breaks.append(len(keep))
            keep.append((pos, m.start()))
            broken = False
        broken |= bool(_BREAK.fullmatch(m.group(0)))
        pos = max(pos, m.end())
    if pos < len(s):
        if broken and breaks is not None:
            breaks.append(len(keep))
        keep.append((pos, len(s)))
    return keep


@dataclass
class MappedText:
    """Cleaned text being built from pieces of the source; whitespace collapsed as it goes."""

    text: str = ""
    runs: list[tuple[int, int, int]] = field(default_factory=list)
    exact: bool = True  # False: the map is approximate (a reader rewrote the line first); not kept
    _pending: str = ""
    _gap: tuple[int, str] = (-1, "")  # (source offset, chars) of the whitespace now pending

    def _emit(self, chars: str, src: int) -> None:
        if self._pending and self.text:
            at, ws = self._gap
            if ws == self._pending and at + len(ws) == src:
                chars, src = ws + chars, at  # the one space as it stands in the source: mapped too
            else:
                self.text += self._pending  # a separator made here maps to nothing in the source
        self._pending, self._gap = "", (-1, "")
        if self.runs:
            a, s, n = self.runs[-1]
            if a + n == len(self.text) and s + n == src:
                self.runs[-1] = (a, s, n + len(chars))
                self.text += chars
                return
        self.runs.append((len(self.text), src, len(chars)))
        self.text += chars

    def add(self, piece: str, src: int, sep: str = "") -> None:
        """Append `piece` (which stands at `src` in the source) after `sep`; whitespace runs inside
        become one space (entities such as `&lt;` are kept: they are what the file says)."""
        if sep and self.text and self._pending != "\n":
            self._pending = sep
        i, n = 0, len(piece)
        while i < n:
            c = piece[i]
            if c.isspace():
                j = i
                while j < n and piece[j].isspace():
                    j += 1
                if self.text and not self._pending:
                    self._pending = " "
                if self._pending == " ":
                    self._gap = (src + i, piece[i:j])
                i = j
                continue
            j = i
            while j < n and not piece[j].isspace():
                j += 1
            self._emit(piece[i:j], src + i)
            i = j

    def add_line(self, line: str, src: int, sep: str = " ") -> None:
        """Append one source line (at offset `src`) with its markup removed."""
        if sep and self.text and self._pending != "\n":
            self._pending = sep
        breaks: list[int] = []
        for k, (a, b) in enumerate(clean_segment(line, breaks)):
            self.add(line[a:b], src + a, " " if k in breaks else "")


def strip_markup(text: str) -> str:
    """The cleaned form of `text`, line by line (newlines kept), with no map."""
    out = []
    for line in text.split("\n"):
        m = MappedText()
        m.add_line(line, 0)
        out.append(m.text)
    return "\n".join(out)
