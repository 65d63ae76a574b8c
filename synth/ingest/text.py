"""Plain text and markdown transcripts (hand-typed notes, Rev/Descript/Otter text exports).

Layouts: optional YAML front matter or a `Company: ...` header block; `Name: text`,
`Name (Title): text`, `[00:01:02] Name: text`, `**Name:** text`; `Moderator (00:00:11 - 00:00:30)`
alone on a line before the text; `I:`/`R:` (`Q:`/`A:`, `M:`/`P:`) role labels; Otter's
`Name  0:03` header lines. Continuation lines belong to the previous turn; markdown headings and
rules are ignored. With no labels at all each paragraph becomes a turn of speaker "Unknown".
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from . import layouts
from .build import UNKNOWN, Parsed
from .label_checks import (
    QUOTE,
    ROLE_SHARE,
    field_words_as_speakers,
    lowercase_labels,
    match_field_speaker,
    match_nick,
    not_speakers,
    quoted_side,
)
from .label_words import role_of
from .labels import (
    SPEAKER_TAG_RE,
    Label,
    line_label,
    match_otter,
    match_prompt,
    parse_times,
)
from .lines import HEADING as _HEADING
from .lines import RULE as _RULE
from .lines import Lines, TurnAcc

_OTTER_FOOTER = re.compile(r"^\W{0,4}transcribed by\s+(?:\[)?(?:https?://)?(?:www\.)?otter(?:\.ai)?\b", re.I)
# Otter's own export header above the first turn: title, `Thu, 6/10 2:04PM • 58:20`, keywords, speakers
_OTTER_META = re.compile(r"^\W{0,4}(?:summary\s+keywords|keywords|speakers)\W{0,4}$", re.I)
_HEADER_LINE = re.compile(r"^\s*(?:\*\*)?([A-Za-z][A-Za-z _-]{0,30}?)(?:\*\*)?\s*:(?:\*\*)?\s*(.*)$")
HEADER_KEYS = {"company", "date", "interviewee", "interviewer", "role", "title", "participants",
               "attendees", "account", "location", "duration", "industry", "stage", "recorded",
               "interview date", "interview_date"}
_HEADER_ANCHORS = {"company", "date", "title", "interview date", "interview_date", "account"}


def front_matter(lines: list[str], warnings: list[str]) -> tuple[dict[str, Any], int]:
    """YAML between `---` lines at the top. Returns (values, index of first body line)."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for j in range(1, min(len(lines), 300)):
        if lines[j].strip() in ("---", "..."):
            try:
                data = yaml.safe_load("\n".join(lines[1:j]))
            except yaml.YAMLError as e:
                mark = getattr(e, "problem_mark", None)
                where = f" (line {mark.line + 2})" if mark is not None else ""
                warnings.append(f"front matter is not valid YAML{where}; ignored")
                return {}, j + 1
            if data is None:
                return {}, j + 1
            if not isinstance(data, dict):
                warnings.append("front matter is not a key: value mapping; ignored")
                return {}, j + 1
            return {str(k): v for k, v in data.items()}, j + 1
    return {}, 0


def header_block(lines: list[str], start: int) -> tuple[dict[str, str], int]:
    """A first paragraph made only of `Company: Acme` / `Date: ...` lines is metadata, also below a
    Markdown title (`# Interview: Acme` then `**Interviewer:** Sam`): read as talk, the interviewer's
    name would become a speaker and their questions evidence."""
    i = start
    while i < len(lines) and (not lines[i].strip() or _HEADING.match(lines[i].strip())
                              or _RULE.match(lines[i].strip())):
        i += 1
    values: dict[str, str] = {}
    j = i
    while j < len(lines) and lines[j].strip():
        m = _HEADER_LINE.match(lines[j])
        key = m.group(1).strip().lower() if m else ""
        value = m.group(2).strip().strip("*").strip() if m else ""
        if key not in HEADER_KEYS or len(value.split()) > 12 or key in values:
            break
        if key in ("interviewer", "interviewee", "role") and (len(value.split()) > 6 or value[-1:] in ".?!"):
            break  # "Interviewer: So tell me about..." is talk, not metadata
        values["date" if key in ("interview date", "interview_date") else key] = value
        j += 1
    if not values or not (_HEADER_ANCHORS & set(values)):
        return {}, start
    return values, j


def _is_otter(body: list[str]) -> bool:
    """Otter's `Name  0:03` header lines; or, exported without times, its footer under names alone on
    their lines (read by name_lines, the footer would become the last speaker's words)."""
    if any(_OTTER_FOOTER.match(ln.strip()) for ln in body) and layouts.name_line_speakers(body, 0):
        return True
    hits = 0
    first = next((ln for ln in body if ln.strip()), "")
    for ln in body:
        if match_otter(ln):
            hits += 1
            if hits >= 2:
                return True
    return hits == 1 and match_otter(first) is not None


def _read_otter(src: Lines, first: int, acc: TurnAcc) -> None:
    timed = next((j for j in range(first, len(src)) if match_otter(src.lines[j])), None)
    # an export without times: names alone on their lines are the headers
    timeless = set() if timed is not None else layouts.name_line_speakers(src.lines, first)
    head = timed if timed is not None else next(
        (j for j in range(first, len(src)) if layouts.name_line_at(src.lines, j, first, timeless)), first)
    if any(_OTTER_META.match(src.lines[j].strip()) for j in range(first, head)):
        acc.p.warnings.append(f"lines {first + 1}-{head}: Otter's export header (title, keywords, speakers); "
                              "not speech")
        first = head
    for i in range(first, len(src)):
        s = src.lines[i].strip()
        if not s:
            acc.blank = acc.cur is not None
        elif _OTTER_FOOTER.match(s):
            continue
        elif lab := match_otter(src.lines[i]):
            acc.start(lab, i)
        elif timeless and (name := layouts.name_line_at(src.lines, i, first, timeless)):
            acc.start_name(name, i)
        else:
            acc.add(i)


def _labels_by_line(src: Lines, first: int, family: set[str]) -> tuple[dict[int, Label], list[range]]:
    """The speaker label each line of the body opens with (line index -> label); the file's numbered
    prompts (`family`) are left to the reader, and labels that do not behave like speakers (label_checks)
    left out. And the lines of excerpts quoted inside a turn: a blockquote whose lines carry speaker
    labels that are not a side of this conversation (`> ERNEST: ...`, a researcher pasting what other
    participants said, dev 44): other people's words, not the turn's speaker's."""
    nicks = lowercase_labels(src.lines[first:])
    field_speakers = field_words_as_speakers(src.lines[first:])
    tags = layouts.bare_tags(src.lines, first)
    out: dict[int, Label] = {}
    quoted: dict[int, Label] = {}
    for i in range(first, len(src)):
        ln = src.lines[i]
        if (q := QUOTE.match(ln)) and (lab := line_label(ln[q.end():])):
            quoted[i] = lab
            continue
        s = ln.strip()
        if not s or _HEADING.match(s) or _RULE.match(s) or _OTTER_FOOTER.match(s) or parse_times(s.strip("[]()*")):
            continue
        lab = line_label(ln) or match_nick(ln, nicks) or match_field_speaker(ln, field_speakers)
        if (lab is not None and lab.start is None and ln.lstrip()[:1] == "[" and tags.get(lab.name, 0) < 2
                and not SPEAKER_TAG_RE.match(ln)):
            lab = None  # `[Product] is great`: a bracketed word used once is a placeholder, not a speaker
        if lab is not None and not match_prompt(ln):
            out[i] = lab
    excerpts: list[range] = []
    if quoted_side(out, quoted):
        out.update(quoted)  # `> P11: ...`: one side of the session written as quotes
    elif len(quoted) < len(out):  # the unquoted labels are the conversation (a file all in quotes is not excerpts)
        for i in sorted(quoted):  # the whole blockquote around a quoted label, `>` lines up and down
            if excerpts and i in excerpts[-1]:
                continue
            a = b = i
            while a - 1 >= first and QUOTE.match(src.lines[a - 1]):
                a -= 1
            while b + 1 < len(src) and QUOTE.match(src.lines[b + 1]):
                b += 1
            excerpts.append(range(a, b + 1))
    dropped = not_speakers(src.lines, {i: lab for i, lab in out.items() if lab.name not in family})
    return {i: lab for i, lab in out.items() if lab.name not in dropped}, excerpts


# In a file labelled by roles (`Q:` / `A:`), an unlabelled paragraph goes on the turn above it, except two
# short asides that belong to the other side: a bare thanks after an answer is the asker's ("Thank you.",
# "Thank you very much Jihan."), and, after a question, a line passing it on to someone by name is the
# answering side's ("Gregory?", "Gregory would you like to answer that?"; the same file labels one such
# hand-off `A:`).
_THANKS_ALONE = re.compile(r"^(?:(?:ok(?:ay)?|alright|all right|great|cool)[,.!]?\s+)?(?:thanks|thank you)"
                           r"(?:\s+(?:so|very) much)?(?:,?\s+(?:again|everyone|all|guys))?"
                           r"(?:,?\s+[A-Z][\w'-]*){0,2}\s*[.!]*$", re.I)
_HAND_OFF = re.compile(r"^(?P<name>[A-Z][\w'-]+)(?:,?\s+(?:(?:would|could|can|do) you (?:please |like to |want to )*"
                       r"(?:take|answer|handle|comment on) (?:this|that|it)(?: one)?(?: please)?))?\s*\?$")
_NOT_A_NAME = {"yes", "no", "anyone", "anybody", "someone", "really", "what", "why", "how", "who", "ok", "okay",
               "right", "sorry", "hello", "hi", "and", "so", "questions", "question", "thoughts", "comments"}


def _aside_of(text: str, side: str) -> str:
    """The side ('interviewer'/'respondent') a short unlabelled paragraph belongs to after a turn of
    `side`, when it is one of the asides above; '' when it goes on that turn."""
    if side == "respondent" and _THANKS_ALONE.match(text):
        return "interviewer"
    m = _HAND_OFF.match(text) if side == "interviewer" else None
    if m and m.group("name").casefold() not in _NOT_A_NAME:
        return "respondent"
    return ""


def _read_labels(src: Lines, first: int, acc: TurnAcc) -> None:
    family = layouts.prompt_family(src.lines, first)
    labelled, blocks = _labels_by_line(src, first, family)
    excerpts = {i for block in blocks for i in block}
    if blocks:
        spans = [f"{b.start + 1}-{b.stop}" for b in blocks]
        acc.p.warnings.append(f"lines {', '.join(spans[:5])}{' ...' if len(spans) > 5 else ''}: {len(spans)} "
                              "blockquoted excerpt(s) with other speakers' labels, quoted from other conversations; "
                              "left out of the turns, not speech")
    # `**Q:** question?` with the answer below it unlabelled: a file labelled by roles (Q/A, not names) whose
    # answers mostly are not (fewer answer labels than half the questions): a paragraph after a question
    # is its answer
    roles = [role_of(lab.name) for lab in labelled.values()]
    asks, answers = roles.count("interviewer"), roles.count("respondent")
    bare_answers = asks >= 2 and answers < 0.5 * asks and asks + answers >= ROLE_SHARE * len(roles)
    role_file = asks >= 2 and answers >= 2 and asks + answers >= ROLE_SHARE * len(roles)
    last: dict[str, str] = {}  # role -> the label that last spoke in it (`Q`, `A`)
    asking = ""  # "prompt"/"question": the current turn asks, the answer is the next unlabelled text
    for i in range(first, len(src)):
        ln = src.lines[i]
        s = ln.strip()
        if not s:
            acc.blank = acc.cur is not None
            continue
        if _HEADING.match(s) or _RULE.match(s) or _OTTER_FOOTER.match(s):
            continue
        if i in excerpts:  # quoted from other interviews: the turn goes on after the quote
            acc.blank = acc.cur is not None
            continue
        times = parse_times(s.strip("[]()*"))
        if times:  # Meet/Teams: a time alone on its line before the turns it starts
            acc.next_start = times[0]
            continue
        lab = labelled.get(i)
        if lab is not None and (q := QUOTE.match(ln)):
            ln = ln[q.end():]  # the quoted side's turn: the `>` is markup, not a word
        prompt = match_prompt(ln) or (lab if lab is not None and lab.name in family else None)
        if prompt:
            acc.start_prompt(prompt, i)
            asking = "prompt" if prompt.title != "interviewee" else ""
        elif lab:
            acc.start(lab, i)
            asking = "question" if bare_answers and role_of(lab.name) == "interviewer" else ""
            if role := role_of(lab.name):
                last[role] = lab.name
        elif (role_file and acc.blank and acc.cur is not None and (side := role_of(acc.cur.speaker))
              and (other := _aside_of(s, side)) in last):
            acc.new(last[other], i)  # a thanks or a hand-off: the other side's, under its label
            acc.add(i)
        else:
            asked = acc.cur is not None and acc.cur.mapped.text.endswith("?")
            # a labelled question may run over paragraphs: its answer starts after the one ending in '?'
            if asking and acc.cur is not None and ((acc.blank and asked) if asking == "question"
                                                    else (acc.blank or asked)):
                acc.new(UNKNOWN, i, role="interviewee")
                asking = ""
            acc.add(i)


_RUNS_IT = re.compile(r"^\W{0,4}(?:session\s+)?(?:facilitators?|moderators?|hosts?|co-?hosts?|interviewers?|"
                     r"researchers?|panel|panelists?)(?:\s*\(s\))?\W{0,4}\s*:\s*(?P<names>[^:]{2,120})$", re.I)


_PERSON = r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3}"
# the same said as a sentence: "Interviewer is Jonas Rosland.", "Interviewed by Sam Lee and Jo Park."
_RUNS_IT_SAID = re.compile(rf"\b(?i:(?:the )?(?:interviewers?|hosts?|moderators?|facilitators?) (?:is|are|was|were)|"
                           rf"(?:interviewed|hosted|moderated|facilitated) by)\s+(?P<names>{_PERSON}"
                           rf"(?:\s*(?:,|and|&)\s*{_PERSON})*)")
_LABELLED = re.compile(r"^\W{0,4}[\w .'’-]{1,40}\W{0,4}:\s")  # a speaker's line, not a header


def _facilitators(lines: list[str], first: int) -> str:
    """`Session facilitator(s): Gina Boysun, Justin Myers` (or "Interviewer is Jonas Rosland.") in a
    header: who runs the conversation."""
    # a podcast page lists its host and its panel on lines of their own (`**Host:** Conor Hoekstra`,
    # `**Panel:** Marshall Lochbaum, Bob Therriault, ...`, dev 194): all of them run it
    found: list[str] = []
    for ln in lines[first:first + 15]:
        m = _RUNS_IT.match(ln.strip().replace("**", ""))
        if m and len(m.group("names").split()) <= 12 and not m.group("names").rstrip().endswith((".", "?")):
            found.append(m.group("names").strip())
            continue
        m = _RUNS_IT_SAID.search(ln.replace("**", ""))
        if m and not _LABELLED.match(ln) and not found:
            return m.group("names").strip()
    return ", ".join(found)


_NOTES_WORD = re.compile(r"(?<![a-z])notes?(?![a-z])", re.I)


def _named_notes(lines: list[str], first: int, path: Path) -> bool:
    """The file calls itself notes: in its name or its first heading."""
    head = next((ln for ln in lines[first:first + 40] if _HEADING.match(ln.strip())), "")
    return bool(_NOTES_WORD.search(path.stem) or _NOTES_WORD.search(head))


def parse_text(text: str, path: str | Path, fmt: str) -> Parsed:
    """Parse a .txt/.md transcript. `fmt` is "txt" or "md" (becomes "otter" when detected)."""
    src = Lines(text)
    lines = src.lines
    parsed = Parsed(format=fmt, turns=[])
    meta, i = front_matter(lines, parsed.warnings)
    header, i = header_block(lines, i)
    for k, v in header.items():
        meta.setdefault(k, v)
    if not meta.get("interviewer"):
        named = _facilitators(lines, i)
        if named:
            meta["interviewer"] = named
    parsed.meta = meta
    below = layouts.transcript_below_summary(lines, i)
    if below is not None:
        parsed.kind = "summary_and_dialogue"
        parsed.warnings.append(f"lines {i + 1}-{below}: a meeting summary above the transcript; "
                               "read as context, not evidence")
        i = below
    body = lines[i:]
    acc = TurnAcc(parsed, src)
    if _is_otter(body):
        parsed.format = parsed.layout = "otter"
        _read_otter(src, i, acc)
        return parsed
    layout = layouts.sniff(lines, i)
    if layout == "labels":
        n_warnings = len(parsed.warnings)
        _read_labels(src, i, acc)
        if acc.labels:
            parsed.layout = "labels"
            return parsed
        parsed.turns.clear()
        del parsed.warnings[n_warnings:]
        layout = layouts.sniff(lines, i, labels=False)
    if layout in ("qa_bullets", "paragraphs", "md_qa") and _named_notes(lines, i, Path(path)):
        # "Guerilla Testing Notes": questions with observed bullets are still notes; "Usability Session
        # Notes": the guide's questions in bold with the replies the note-taker kept below them too
        layout = "notes"
    layouts.READERS[layout](src, i, acc)
    parsed.layout = layout
    return parsed
