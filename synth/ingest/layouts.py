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
from .labels import BULLET_CHARS, line_label, parse_times, valid_name
from .lines import HEADING, RULE, Lines, TurnAcc
from .markup import strip_markup
from .roles import NOTES_SPEAKER

_BULLET = re.compile(rf"^\s*(?:[{re.escape(BULLET_CHARS)}]|\d{{1,3}}[.)])\s+")
_BOLD_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)(?P<q>[^*_].*?)(?:\*\*|__)\s*:?\s*$")
_TRANSCRIPT_HEAD = re.compile(r"^\W{0,8}(?:#{1,6}\s*)?\W{0,4}(?:full\s+|meeting\s+)?transcript(?:ion)?\W{0,4}$",
                              re.I)
_SUMMARY_WORDS = re.compile(r"\b(?:summary|summaries|notes by gemini|ai[- ]generated|recap|next steps|"
                            r"action items|key points|details|decisions|meeting notes|highlights)\b", re.I)
_QWORDS = re.compile(r"^(?:what|how|why|when|where|who|which|whose|can|could|would|will|do|does|did|is|are|"
                     r"was|were|have|has|had|should|tell me|walk me|describe|talk me|any|so what|so how)\b", re.I)


def _question(s: str) -> bool:
    s = s.strip()
    return s.endswith("?") or (bool(_QWORDS.match(s)) and len(s.split()) <= 25 and not s.endswith("."))


def transcript_below_summary(lines: list[str], first: int) -> Optional[int]:
    """Index of the first line below a `Transcript` heading that has summary sections above it."""
    for j in range(first, len(lines)):
        if _TRANSCRIPT_HEAD.match(lines[j].strip().strip("*_:")):
            above = "\n".join(lines[first:j])
            if j > first and _SUMMARY_WORDS.search(above):
                return j + 1
            return None
    return None


def _bare_name(s: str) -> Optional[str]:
    """`Jane Doe` / `**Jane Doe**` alone on a line: a speaker for the paragraph below it."""
    s = s.strip()
    if not s or len(s) > 40 or _BULLET.match(s) or HEADING.match(s):
        return None
    name = s.strip("*_ ").rstrip(":").strip()
    if not name or name[-1] in ".?!," or not valid_name(name):
        return None
    return name


def _name_line_hits(lines: list[str], first: int) -> dict[str, int]:
    hits: dict[str, int] = {}
    for j in range(first, len(lines) - 1):
        prev_blank = j == first or not lines[j - 1].strip()
        name = _bare_name(lines[j]) if prev_blank else None
        if name and lines[j + 1].strip() and _bare_name(lines[j + 1]) is None:
            hits[name] = hits.get(name, 0) + 1
    return hits


def sniff(lines: list[str], first: int, labels: bool = True) -> str:
    """Which reader fits the body starting at `first`: labels, md_qa, name_lines, notes or paragraphs."""
    body = [ln for ln in lines[first:] if ln.strip()]
    if not body:
        return "paragraphs"
    lab = [m for ln in body if (m := line_label(ln))]
    names = {m.name for m in lab}
    bullets = sum(1 for ln in body if _BULLET.match(ln))
    headings = sum(1 for ln in body if HEADING.match(ln.strip()))
    bold_q = sum(1 for ln in body if (m := _BOLD_LINE.match(ln)) and _question(strip_markup(m.group("q"))))
    head_q = sum(1 for ln in body if HEADING.match(ln.strip()) and _question(strip_markup(ln)))
    named = _name_line_hits(lines, first)
    if labels and lab:
        bulleted_fields = bullets >= 0.5 * len(body) and len(names) >= 0.5 * len(lab)
        if not bulleted_fields and (len(lab) >= 3 or len(names) >= 2 or len(lab) >= 0.3 * len(body)):
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


def _prompts_over_bullets(lines: list[str], first: int) -> list[str]:
    """Plain lines (not bullets, not headings) with bullets right below them: a moderator's
    questions with the answers typed as bullets under each."""
    out = []
    prev = None
    for ln in lines[first:]:
        s = ln.strip()
        if not s:
            continue
        if _BULLET.match(ln) and prev is not None:
            out.append(prev)
            prev = None
        elif not _BULLET.match(ln) and not HEADING.match(s) and not ln[:1].isspace():
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
        if _BULLET.match(raw):
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
        s = src.lines[i].strip()
        if _skippable(s):
            acc.blank = acc.cur is not None
            continue
        m = _BOLD_LINE.match(s)
        q = strip_markup(m.group("q")) if m else strip_markup(s) if HEADING.match(s) else None
        if q is not None:
            if _question(q) or (m and len(q.split()) >= 4):
                acc.new(UNKNOWN, i, role="interviewer")
                acc.add(i)
                answer = False
            else:
                acc.cur = None  # a section heading: not talk
            continue
        if acc.cur is None or not answer:
            acc.new(UNKNOWN, i, role="interviewee")
            answer = True
        acc.add(i)


def read_name_lines(src: Lines, first: int, acc: TurnAcc) -> None:
    known = {n for n, k in _name_line_hits(src.lines, first).items() if k >= 2}
    for i in range(first, len(src)):
        s = src.lines[i].strip()
        if _skippable(s):
            acc.blank = acc.cur is not None
            continue
        name = _bare_name(s)
        if name in known and (i == first or not src.lines[i - 1].strip()):
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
