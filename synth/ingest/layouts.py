"""Text layouts other than `Name: text`, recognised by what the lines look like, not the suffix.

- `md_qa`: questions in bold or as headings, the answers as plain paragraphs (no labels);
- `name_lines`: a name alone on its line, then that person's paragraph;
- `qa_bullets`: the moderator's questions as plain lines, the answers as bullets under each;
- `notes`: the interviewer's notes (bullets under headings, `Who:` / `Surprise:` fields): each item
  is a turn marked as notes, never the interviewee's words;
- `paragraphs`: unlabelled prose; each paragraph a turn, sides decided per turn (roles.py).
A meeting export whose AI summary sits above a `Transcript` heading is read from the heading down.
"""
from __future__ import annotations

import re
from typing import Callable, Optional

from .build import UNKNOWN
from .label_words import role_of
from .labels import (
    BULLET_CHARS,
    BULLET_LINE,
    Label,
    line_label,
    match_otter,
    match_prompt,
    match_tag,
    numbered_family,
    parse_times,
    valid_name,
)
from .lines import HEADING, RULE, Lines, TurnAcc
from .markup import strip_markup
from .roles import NOTES_SPEAKER

_BULLET = BULLET_LINE
_SYMBOL_BULLET = re.compile(rf"^\s*[{re.escape(BULLET_CHARS)}]\s+")
_NUMBERED_LINE = re.compile(r"^(?:\*\*|__)?\d{1,3}[.)]\s+")  # `1. Question?` at the margin
_BOLD_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)(?P<q>[^*_].*?)(?:\*\*|__)\s*:?\s*$")
# bold spans that open a question: at the start of the line or right after a `<br />`, with the answer
# after them on the same line (`<strong>Q?</strong><br />  answer`, `**Q?** answer`), maybe several a line
_BOLD_SPAN = re.compile(r"(?:^|(?<=>)|(?<=\s))(?:<(?P<tag>strong|b)>(?P<h>.+?)</(?P=tag)>|\*\*(?P<m>[^*\n]+?)\*\*"
                        r"|__(?P<u>[^_\n]+?)__)", re.I)
_OPENS = re.compile(r"^(?:\s|<p>|<br\s*/?>|&nbsp;)*$", re.I)
_AFTER_BR = re.compile(r"<br\s*/?>\s*$", re.I)
_BR_AFTER = re.compile(r"^\s*:?\s*(?:<br\s*/?>|</p>)", re.I)

_TRANSCRIPT_HEAD = re.compile(r"^\W{0,8}(?:#{1,6}\s*)?\W{0,4}(?:full\s+|meeting\s+)?transcript(?:ion)?\W{0,4}$",
                              re.I)
_SUMMARY_WORDS = re.compile(r"\b(?:summary|summaries|notes by gemini|ai[- ]generated|recap|next steps|"
                            r"action items|key points|details|decisions|meeting notes|highlights)\b", re.I)
_QWORDS = re.compile(r"^(?:what|how|why|when|where|who|which|whose|can|could|would|will|do|does|did|is|are|"
                     r"was|were|have|has|had|should|tell me|walk me|describe|talk me|any|so what|so how)\b", re.I)


def bold_segments(s: str) -> list[tuple[str, int, int]]:
    """A line made of bold questions and their answers: [("q"|"a", start, end), ...] in order; [] when
    the line opens with no bold question (`**Note** that ...` is emphasis, not a question)."""
    m = _BOLD_LINE.match(s)
    if m:
        q = strip_markup(m.group("q"))
        return [("q", 0, len(s))] if _question(q) or len(q.split()) >= 4 else []
    opens = []
    for m in _BOLD_SPAN.finditer(s):
        if not (_OPENS.match(s[:m.start()]) or _AFTER_BR.search(s, 0, m.start())):
            continue
        q = strip_markup(m.group("h") or m.group("m") or m.group("u")).strip()
        broken = bool(_BR_AFTER.match(s[m.end():]))
        if q.endswith("?") or (_question(q) and not s[m.end():].strip()) or (broken and len(q.split()) >= 2):
            opens.append((m.start(), m.end()))
    if not opens or not _OPENS.match(s[:opens[0][0]]):
        return []
    out: list[tuple[str, int, int]] = []
    for k, (a, b) in enumerate(opens):
        out.append(("q", 0 if k == 0 else a, b))
        nxt = opens[k + 1][0] if k + 1 < len(opens) else len(s)
        if strip_markup(s[b:nxt]).strip():
            out.append(("a", b, nxt))
    return out


def _question(s: str) -> bool:
    s = s.strip()
    return s.endswith("?") or (bool(_QWORDS.match(s)) and len(s.split()) <= 25 and not s.endswith("."))


# a section title of an AI summary (Zoom AI Companion, Teams recap, Gemini, Otter), alone on its line
_SUMMARY_SECTION = re.compile(r"^(?:meeting\s+|ai\s+|quick\s+)?(?:summary|summaries|recap|next\s+steps|action\s+items|"
                              r"key\s+points|highlights|decisions|outline|chapters|takeaways|key\s+takeaways|"
                              r"notes\s+by\s+gemini|summary\s+keywords)$", re.I)


def transcript_below_summary(lines: list[str], first: int) -> Optional[int]:
    """Index of the first line of the transcript below an AI summary: below a `Transcript` heading
    with summary sections above it, or (no such heading) the first speaker line below a block that
    has a summary section title (`Quick recap`, `Next steps`) and no speaker line."""
    for j in range(first, len(lines)):
        if _TRANSCRIPT_HEAD.match(lines[j].strip().strip("*_:")):
            above = "\n".join(lines[first:j])
            if j > first and _SUMMARY_WORDS.search(above):
                return j + 1
            return None
    titled = False
    for j in range(first, min(len(lines), first + 300)):
        raw = lines[j]
        s = strip_markup(raw).strip(" :\t")
        if not s:
            continue
        if _SUMMARY_SECTION.match(re.sub(r"^[^\w]+", "", s)):
            titled = True
        elif not _BULLET.match(raw) and (line_label(raw) or match_otter(raw)):
            return j if titled else None
    return None


_HEADING_MARK = re.compile(r"^#{1,6}[ \t]+")


def bare_name(s: str) -> Optional[str]:
    """`Jane Doe` / `**Jane Doe**` / `### Jane:` alone on a line: a speaker for the paragraph below it
    (a heading only counts where names recur, see name_line_speakers)."""
    s = _HEADING_MARK.sub("", s.strip())
    if not s or len(s) > 40 or _BULLET.match(s) or HEADING.match(s):
        return None
    name = s.strip("*_ ").rstrip(":").strip()
    # a nickname in quotes is part of the name (`'Pepe' Quintana`, dev 194)
    plain = re.sub(r"(?<!\w)['‘’\"“”]([^\W\d_][\w-]*)['‘’\"“”](?!\w)", r"\1", name)
    if not name or name[-1] in ".?!," or not valid_name(plain):
        return None
    return name


def _time_line(s: str) -> bool:
    """`**01:27-01:56**`, `00:03`, `[00:00:11 - 00:00:30]` alone on a line: when a turn was said."""
    return bool(parse_times(s.strip().strip("[]()*_ ")))


def _text_below(lines: list[str], j: int) -> Optional[int]:
    """The line of the paragraph a name alone on line `j` stands over: the next line, or, past a blank line
    and a time alone on its line, the first line after them (`Adám Brudzewsky` / `**01:27-01:56**` / text,
    dev 193). None when nothing follows."""
    k = j + 1
    if k < len(lines) and lines[k].strip() and not _time_line(lines[k]):
        return k
    while k < len(lines) and k <= j + 4 and (not lines[k].strip() or _time_line(lines[k])):
        k += 1
    timed = any(_time_line(lines[x]) for x in range(j + 1, min(k, len(lines))))
    return k if timed and k < len(lines) and k <= j + 4 else None


def _name_line_hits(lines: list[str], first: int) -> dict[str, int]:
    hits: dict[str, int] = {}
    for j in range(first, len(lines) - 1):
        prev_blank = j == first or not lines[j - 1].strip()
        name = bare_name(lines[j]) if prev_blank else None
        below = _text_below(lines, j) if name else None
        if name and below is not None and bare_name(lines[below]) is None:
            hits[name] = hits.get(name, 0) + 1
    return hits


def _bold_question_line(ln: str) -> int:
    """Bold questions a line opens with, counted only where the layout says so: the whole line bold,
    or the bold span followed by a line break (`**Q?** answer` is how notes are written too)."""
    m = _BOLD_LINE.match(ln)
    if m:
        return int(_question(strip_markup(m.group("q"))))  # a bold line of 4 words may be a section title
    segs = bold_segments(ln)
    if not segs or not (segs[0][2] >= len(ln.rstrip()) or _BR_AFTER.match(ln[segs[0][2]:])):
        return 0
    return sum(k == "q" for k, _, _ in segs)


def sniff(lines: list[str], first: int, labels: bool = True) -> str:
    """Which reader fits the body starting at `first`: labels, md_qa, name_lines, notes or paragraphs."""
    body = [ln for ln in lines[first:] if ln.strip()]
    if not body:
        return "paragraphs"
    lab = [m for ln in body if (m := line_label(ln))]
    names = {m.name for m in lab}
    bullets = sum(1 for ln in body if _BULLET.match(ln))
    headings = sum(1 for ln in body if HEADING.match(ln.strip()))
    bold_q = sum(_bold_question_line(ln) for ln in body if "**" in ln or "__" in ln or "<" in ln)
    head_q = sum(1 for ln in body if HEADING.match(ln.strip()) and _question(strip_markup(ln)))
    named = _name_line_hits(lines, first)
    family = numbered_family([m.name for m in lab])
    prompts = sum(1 for ln in body if match_prompt(ln)) + sum(1 for m in lab if m.name in family)
    lab = [m for m in lab if m.name not in family]
    names -= family
    if labels and prompts >= 2:
        return "labels"  # a guide's numbered prompts, the answers below each (labelled or not)
    if labels and lab:
        bulleted_fields = bullets >= 0.5 * len(body) and len(names) >= 0.5 * len(lab)
        if (not bulleted_fields and not quoting_notes(body, lab, bullets + headings)
                and (len(lab) >= 3 or len(names) >= 2 or len(lab) >= 0.3 * len(body))):
            return "labels"
    if sum(n for n in named.values() if n >= 2) >= 4 and len([n for n in named.values() if n >= 2]) >= 2:
        return "name_lines"
    if bold_q + head_q >= 2:
        return "md_qa"
    prompts = _prompts_over_bullets(lines, first)
    if len(prompts) >= 3 and sum(_question(p) for p in prompts) >= 0.5 * len(prompts):
        return "qa_bullets"
    if bullets >= max(3, 0.3 * len(body)) or (headings >= 2 and bullets >= 2):
        return "notes"
    if labels and lab:
        return "labels"
    return "paragraphs"


NOTES_OUTLINE = 0.4  # of the body's lines, bullets and headings above it: an outline (dev dialogues: <= 0.23)


def quoting_notes(body: list[str], lab: list[Label], outline: int) -> bool:
    """A researcher's write-up that quotes people (`Jane: it takes a week` among bullets under headings),
    not a dialogue, judged on the whole body: bullets and headings carry it (NOTES_OUTLINE) and the
    labelled lines are under half as many, the labels name people rather than roles (`Q:`, `Interviewer:`
    label a dialogue written as an outline), and the labelled lines say things instead of asking (a
    dialogue whose answers are bullets labels its questions)."""
    if not lab or outline < NOTES_OUTLINE * len(body) or len(lab) >= 0.5 * outline:
        return False
    roles = sum(1 for m in lab if role_of(m.name))
    asks = sum(1 for m in lab if m.text.rstrip().endswith("?"))
    return roles < 0.5 * len(lab) and asks < 0.3 * len(lab)


def prompt_family(lines: list[str], first: int) -> set[str]:
    """Labels of the body that are a numbered sequence of prompts (labels.numbered_family)."""
    return numbered_family([m.name for ln in lines[first:] if (m := line_label(ln))])


def _prompt_line(ln: str) -> bool:
    """A guide's question line: plain or numbered (`3. How ...?`), at the margin, not a heading."""
    s = ln.strip()
    return (bool(s) and not ln[:1].isspace() and not HEADING.match(s)
            and (not _BULLET.match(ln) or bool(_NUMBERED_LINE.match(ln))))


def _answer_line(ln: str) -> bool:
    """A bullet (`-`, `*`, `•`; a numbered item only when indented) under a question line."""
    return bool(_SYMBOL_BULLET.match(ln) or (_BULLET.match(ln) and ln[:1].isspace()))


_INLINE_BRACKET = re.compile(r"(?<=\S)\s*\[([^\[\]\n]{1,40})\]")


def bare_tags(lines: list[str], first: int) -> dict[str, int]:
    """How often each `[Name]` (with no time) opens a line of the body; 0 for a bracketed word that
    also stands inside a sentence (`that's it [Laughs]`): a transcriber's mark, not a speaker."""
    out: dict[str, int] = {}
    inline: set[str] = set()
    for ln in lines[first:]:
        if ln.lstrip()[:1] == "[" and (m := match_tag(ln)) and m.start is None:
            out[m.name] = out.get(m.name, 0) + 1
        if "[" in ln:
            inline |= {w.strip().casefold() for w in _INLINE_BRACKET.findall(ln)}
    return {name: 0 if name.casefold() in inline else n for name, n in out.items()}


def _prompts_over_bullets(lines: list[str], first: int) -> list[str]:
    """Plain or numbered lines with bullets right below them: a moderator's questions with the
    answers typed as bullets under each."""
    out = []
    prev = None
    for ln in lines[first:]:
        s = ln.strip()
        if not s:
            continue
        if _answer_line(ln) and prev is not None:
            out.append(prev)
            prev = None
        elif _prompt_line(ln):
            prev = strip_markup(s)
        else:
            prev = None
    return out


def read_qa_bullets(src: Lines, first: int, acc: TurnAcc) -> None:
    """A question line is the interviewer's turn; the bullets under it, the answer."""
    for i in range(first, len(src)):
        raw = src.lines[i]
        s = raw.strip()
        if _skippable(s):
            acc.blank = acc.cur is not None
            continue
        if HEADING.match(s):
            acc.cur = None
            continue
        if _answer_line(raw) or (_BULLET.match(raw) and not _prompt_line(raw)):
            if acc.cur is None or acc.cur.role != "interviewee":
                acc.new(UNKNOWN, i, role="interviewee")
        elif not raw[:1].isspace() or acc.cur is None:
            acc.new(UNKNOWN, i, role="interviewer")
        acc.add(i)


def _skippable(s: str) -> bool:
    return not s or bool(RULE.match(s))


def read_paragraphs(src: Lines, first: int, acc: TurnAcc) -> None:
    for i in range(first, len(src)):
        s = src.lines[i].strip()
        if _skippable(s) or HEADING.match(s) or parse_times(s.strip("[]()*")):
            acc.cur = None if not s or HEADING.match(s) else acc.cur
            continue
        if acc.cur is None:
            acc.new(UNKNOWN, i)
        acc.add(i)
    acc.p.warnings.append(f"no speaker labels found; each paragraph is a turn of speaker '{UNKNOWN}'")


def read_md_qa(src: Lines, first: int, acc: TurnAcc) -> None:
    """Bold or heading questions are the interviewer's turns; the plain paragraphs below, the answer."""
    answer = False
    for i in range(first, len(src)):
        raw = src.lines[i]
        s = raw.strip()
        if _skippable(s):
            acc.blank = acc.cur is not None
            continue
        segments = bold_segments(raw)
        for kind, a, b in segments:  # bold questions, and the answers on their line
            if kind == "q":
                acc.new(UNKNOWN, i, role="interviewer")
                answer = False
            elif acc.cur is None or not answer:
                acc.new(UNKNOWN, i, role="interviewee")
                answer = True
            acc.add_part(i, a, b)
        if segments:
            continue
        if _BOLD_LINE.match(s) or HEADING.match(s):
            if HEADING.match(s) and _question(strip_markup(s)):
                acc.new(UNKNOWN, i, role="interviewer")
                acc.add(i)
                answer = False
            else:
                acc.cur = None  # a section heading: not talk
            continue
        if not acc.p.turns:
            cut = _opening_question(raw)
            if cut:  # `Hey, how are you? Yes, it's been too long ...`: the greeting and its answer
                acc.new(UNKNOWN, i, role="interviewer")
                acc.add_part(i, 0, cut)
                acc.new(UNKNOWN, i, role="interviewee")
                acc.add_part(i, cut, len(raw))
                answer = True
                continue
        if acc.cur is None or not answer:
            acc.new(UNKNOWN, i, role="interviewee")
            answer = True
        acc.add(i)


_FIRST_SENTENCE = re.compile(r"^\s*([^.?!\n]{3,80}\?)\s+(?=\S)")


def _opening_question(raw: str) -> int:
    """Where the answer starts when a write-up's first plain paragraph opens with the interviewer's
    short question (at most 10 words) and goes on with the answer; 0 when it does not."""
    m = _FIRST_SENTENCE.match(raw)
    return m.end() if m and len(m.group(1).split()) <= 10 else 0


def name_line_speakers(lines: list[str], first: int) -> set[str]:
    """Names that stand alone on a line above a paragraph at least twice: the speakers of the layout."""
    return {n for n, k in _name_line_hits(lines, first).items() if k >= 2}


def name_line_at(lines: list[str], i: int, first: int, known: set[str]) -> Optional[str]:
    """The speaker whose turn line `i` opens (a known name alone on it, after a blank line), if any."""
    name = bare_name(lines[i])
    return name if name in known and (i == first or not lines[i - 1].strip()) else None


def read_name_lines(src: Lines, first: int, acc: TurnAcc) -> None:
    known = name_line_speakers(src.lines, first)
    for i in range(first, len(src)):
        s = src.lines[i].strip()
        if _skippable(s) or (acc.cur is not None and _time_line(s)):
            acc.blank = acc.cur is not None
            continue
        name = name_line_at(src.lines, i, first, known)
        if name:
            acc.start_name(name, i)
        elif HEADING.match(s):
            continue
        else:
            acc.add(i)


def read_notes(src: Lines, first: int, acc: TurnAcc) -> None:
    """One turn per bullet (with its wrapped lines) or paragraph; headings are not turns."""
    acc.p.kind = "notes"
    for i in range(first, len(src)):
        raw = src.lines[i]
        s = raw.strip()
        if _skippable(s) or HEADING.match(s) or (_BOLD_LINE.match(s) and len(s) < 80):
            acc.cur = None
            continue
        if _BULLET.match(raw) or acc.cur is None:
            acc.new(NOTES_SPEAKER, i, notes=True)
        acc.add(i)


READERS: dict[str, Callable[[Lines, int, TurnAcc], None]] = {
    "paragraphs": read_paragraphs, "md_qa": read_md_qa, "name_lines": read_name_lines, "notes": read_notes,
    "qa_bullets": read_qa_bullets,
}
