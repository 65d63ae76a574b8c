"""Speaker labels and clock times shared by the readers (what the words of a label mean: label_words.py).

A speaker label sits at the start of a line: 1-4 words, at most 40 characters, starting with a
letter that is not lower-case (or being a known role label such as `I`, `Q`, `interviewer`),
followed by a colon. Prose like "Note: ...", URLs ("https://...") and times ("at 10:30") are not
labels.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Optional

from .label_words import ANSWER_WORDS, NOT_SPEAKERS, NUMBERED_FIELDS, PROMPT_WORDS, ROLE_LABELS, role_of

TS = r"\d{1,3}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TS_ONLY = re.compile(rf"^\s*({TS})\s*$")
_TS_RANGE = re.compile(rf"^\s*({TS})\s*(?:-|–|—|to)\s*({TS})\s*$")

# labels with a number that still name a person: `Speaker 1`, `Participant 3`, `P12`, `Interviewer 2`
_NUMBERED_PERSON = re.compile(
    r"^(?:speaker|participant|person|interviewer|interviewee|respondent|moderator|user|guest|customer|"
    r"caller|host|researcher|facilitator|unknown speaker|spk|int|mod)[ _-]?\d{1,3}$|^[A-Z]{1,2}[ _-]?\d{1,3}$",
    re.I)
SPEAKER_TAG_RE = re.compile(
    rf"^[ \t]*(?:[\[(]{TS}[\])][ \t]*)?\[(?P<name>(?:speaker|spk)[ _-]?\d{{1,3}})\][ \t]*:?[ \t]*(?P<text>.*)$",
    re.I)
_PARTICLES = {"de", "la", "le", "van", "von", "der", "den", "da", "di", "del", "du", "dos", "das",
              "bin", "al", "el", "y", "ter", "st.", "mc", "o'", "d'"}

BULLET_CHARS = "-*+•●○◦▪▫■□‣⁃∙·–➢➤►▶✓✔☐☑"
# a list item: a bullet or `1.` / `1)` and a space (the layouts sniffer and label_checks ask the same)
BULLET_LINE = re.compile(rf"^\s*(?:[{re.escape(BULLET_CHARS)}]|\d{{1,3}}[.)])\s+")
LABEL_RE = re.compile(
    rf"""^[ \t]*(?:[-*+•][ \t]+)?                      # optional bullet
    (?:[\[(](?P<ts1>{TS})[\])][ \t]*|(?P<ts0>{TS})[ \t]+)?  # [00:01:02] / (01:02) / 00:01:02 prefix
    (?P<b1>\*\*|__)?
    (?P<name>[^\W\d_][^:\[\]()*\n]{{0,59}}?)
    [ \t]*(?:\((?P<paren>[^()\n]{{1,80}})\)|\[(?P<ts2>{TS})\])?
    [ \t]*(?:\*\*|__)?[ \t]*:(?P<sp>[ \t]*)(?:\*\*|__)?[ \t]*
    (?P<text>.*)$""",
    re.X,
)
# (a no-break space is how some editors and converters keep Otter's two spaces)
# a copy pasted into Markdown may make each header a heading (`### Name  0:03`); a heading that is only a
# name and a clock is a header even with one space before the time (the editor trimmed the double space)
# The whole header may be inside the bold (`**Richard L  0:00**`, dev 170: a podcast's Markdown copy), where one
# space before the time is enough too: the bold marks the line as a header.
OTTER_RE = re.compile(r"^(?P<h>#{1,6}[ \t]+)?(?P<b>\*\*|__)?(?P<name>[^\W\d_#][^\n*]{0,59}?)(?P=b)?"
                      r"(?:[ \t\u00a0]{2,}|\t|\u00a0|(?<=\*\*)[ \t]+|(?<=\S)(?(h)[ \t]+|(?!))"
                      r"|(?<=[^\s*])(?(b)[ \t]+(?=\d{1,2}:\d{2}(?::\d{2})?(?:\*\*|__)[ \t]*$)|(?!)))"
                      r"(?P<ts>\d{1,2}:\d{2}(?::\d{2})?)(?(b)(?:\*\*|__)?)[ \t]*$")
# Teams' transcript as a document spells the time out: `Michael Greene (POWERSHELL) 1 minute 13 seconds` (dev 165)
TEAMS_SPELLED_RE = re.compile(r"^(?P<name>[^\W\d_][^\n*:]{0,59}?)[ \t]+(?=\d)(?:(?P<hh>\d{1,2}) hours? )?"
                              r"(?:(?P<mm>\d{1,3}) minutes? )?(?P<ss>\d{1,2}) seconds?[ \t]*$")  # always the seconds
# Krisp's notes export: `**Colin McNamara | 00:18  ` with the bold closed at the start of the text's line (dev 160)
PIPE_TIMED_RE = re.compile(r"^(?:\*\*|__)?(?P<name>[^\W\d_][^\n*|]{0,59}?)[ \t]+\|[ \t]+(?P<ts>\d{1,2}:\d{2}(?::\d{2})?)"
                           r"[ \t]*(?:\*\*|__)?[ \t]*$")
# a time, then the speaker in brackets, alone on the line: `00:00:22 [Conor Hoekstra]`, later `00:01:02 [CH]`
# (ArrayCast's transcripts, dev 193); the text follows on the next lines, as in an Otter export
TIME_BRACKET_RE = re.compile(r"^[ \t]*(?P<ts>\d{1,2}:\d{2}(?::\d{2})?)[ \t]+\[(?P<name>[^\W\d_][^\[\]\n]{0,59})\][ \t]*$")
# a converter's copy of an Otter export: each header line prefixed with a time (`0:00 Emma  0:03`)
OTTER_PREFIXED_RE = re.compile(r"^[\[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?[ \t]+(?P<b>\*\*|__)?"
                               r"(?P<name>[^\W\d_][^\n*:]{0,59}?)(?P=b)?[ \t]+"
                               r"(?P<ts>\d{1,2}:\d{2}(?::\d{2})?)[ \t]*$")
HEADER_RE = re.compile(
    r"^[ \t]*(?:\*\*|__)?(?P<name>[^\W\d_][^()\[\]\n:*]{0,59}?)[ \t]*(?:\*\*|__)?[ \t]*"
    r"(?:\((?P<times>[^()\n]{3,40})\)|\\?\[(?P<btimes>[^\[\]\n]{3,40})\\?\])"
    r"[ \t]*(?:\*\*|__)?[ \t]*:?[ \t]*(?:\*\*|__)?[ \t]*$"
)


def parse_clock(s: str) -> Optional[float]:
    """'1:02' -> 62.0, '01:02:03.5' -> 3723.5, '00:01:02,500' -> 62.5; None when malformed."""
    s = s.strip().replace(",", ".")
    parts = s.split(":")
    if not 2 <= len(parts) <= 3:
        return None
    try:
        nums = [float(p) if i == len(parts) - 1 else int(p) for i, p in enumerate(parts)]
    except ValueError:
        return None
    if any(n < 0 for n in nums) or nums[-1] >= 60 or (len(nums) == 3 and nums[1] >= 60):
        return None
    total = 0.0
    for n in nums:
        total = total * 60 + n
    return round(total, 3)


def parse_times(s: str) -> tuple[Optional[float], Optional[float]] | None:
    """'00:00:11 - 00:00:30' -> (11.0, 30.0); '00:11' -> (11.0, None); None when not times."""
    m = _TS_RANGE.match(s)
    if m:
        a, b = parse_clock(m.group(1)), parse_clock(m.group(2))
        return (a, b) if a is not None and b is not None else None
    m = _TS_ONLY.match(s)
    if m:
        a = parse_clock(m.group(1))
        return (a, None) if a is not None else None
    return None


_NUMBERED = re.compile(r"^([^\W\d_]+(?: [^\W\d_]+)?)[ _-]?(\d{1,3})$")
_PROMPT_RE = re.compile(r"^[ \t]*(?:[-*+•][ \t]+)?(?:\*\*|__)?(?P<word>[^\W\d_]{1,20})[ \t]*(?:n[º°o.]\s*|#)?"
                        r"(?P<num>\d{1,3})[.)]?[ \t]*(?:\*\*|__)?[ \t]*[:.)\-–—][ \t]*(?:\*\*|__)?[ \t]*(?P<text>.*)$")


def match_prompt(line: str) -> Optional[Label]:
    """`Question 3: ...`, `**Pergunta 3:** ...`, `Tâche 1 - ...`: a numbered prompt of the guide (or
    `Resposta 3:`, the answer under it: `title` is then "interviewee"). Its `name` is the prompt
    (`Pergunta 3`), its `text` what follows on the line."""
    m = _PROMPT_RE.match(line)
    word = m.group("word").casefold() if m else ""
    if word not in PROMPT_WORDS and word not in ANSWER_WORDS:
        return None
    return Label(name=f"{m.group('word')} {m.group('num')}", text=m.group("text").strip(),
                 title="interviewee" if word in ANSWER_WORDS else "interviewer")


def numbered_family(names: list[str]) -> set[str]:
    """Numbered labels that are a guide's sequence, not people: one word (not a person word such as
    `Speaker`), at least three numbers, each used once, in increasing order (`Tema 1`, `Tema 2`, ...)."""
    seqs: dict[str, list[int]] = {}
    spelled: dict[str, set[str]] = {}
    for n in names:
        m = _NUMBERED.match(n.strip())
        if m and not _NUMBERED_PERSON.match(n.strip()) and role_of(n) is None:
            seqs.setdefault(m.group(1).casefold(), []).append(int(m.group(2)))
            spelled.setdefault(m.group(1).casefold(), set()).add(n)
    out: set[str] = set()
    for word, nums in seqs.items():
        if len(nums) >= 3 and len(set(nums)) == len(nums) and nums == sorted(nums):
            out |= spelled[word]
    return out


# a degree or suffix after a comma: `Elisha Goldstein, PhD`, `Jane Doe, MD, MPH`, `John Smith, Jr.`
_POST_NOMINAL = re.compile(r",\s*(?:[A-Z][a-z]{0,2}[A-Z][A-Za-z]{0,3}|[A-Z]{2,5}|Jr|Sr|III|II|IV)\.?\s*$")


def valid_name(name: str) -> bool:
    """Does `name` look like a speaker label (not prose, URL or heading word)?"""
    name = name.strip()
    # a display name with its team after a bar (`Akash | ECH:`, `Luis Pinto | Besu:`, Zoom, dev 161 and 163): the
    # person is what is before it
    head, bar, team = name.partition(" | ")
    if bar and head.strip() and 0 < len(team.split()) <= 3 and "|" not in team:
        name = head.strip()
    while post := _POST_NOMINAL.search(name):
        name = name[:post.start()]  # the person's name is what is before it
    if not name or len(name) > 40:
        return False
    if name.lower().rstrip(".") in ROLE_LABELS or _NUMBERED_PERSON.match(name):
        return True
    if name.lower() in NOT_SPEAKERS or name.lower().rstrip("s") in NOT_SPEAKERS:
        return False
    if any(c.isdigit() for c in name):
        m = _NUMBERED.match(name)
        # `Audience 1`, `Guest 2` are people; `Step 4`, `Task 2`, `Pergunta 3`, `Q3 goals` are fields
        return bool(m) and name[0].isupper() and m.group(1).lower() not in NUMBERED_FIELDS
    words = name.split()
    if len(words) > 4 or words[0][0].islower() or not words[0][0].isalpha():
        return False
    if any(c in name for c in ',;!?"/\\=<>{}|@#$%^~`&'):
        return False
    for w in words[1:]:
        if w[0].islower() and w.lower() not in _PARTICLES:
            return False
    return True


@dataclass
class Label:
    name: str
    text: str
    start: Optional[float] = None
    end: Optional[float] = None
    title: Optional[str] = None


_NAMED_TAG_RE = re.compile(rf"^[ \t]*(?:[-*+•][ \t]+)?\[(?P<name>[^\W\d_][^\[\]\n:]{{0,39}})\]"
                           rf"(?:[ \t]*\\?\[(?P<ts>{TS})\\?\])?[ \t]*(?P<colon>:?)[ \t]*(?P<text>.*)$")
# bracketed words in speech that are not people: stage directions and transcribers' marks
STAGE_DIRECTIONS = {
    "laughter", "laughs", "laughing", "laugh", "inaudible", "crosstalk", "cross talk", "cross-talk", "music",
    "applause", "silence", "pause", "sic", "unintelligible", "noise", "break", "intro", "outro", "end",
    "beginning", "overlapping", "interruption", "interrupting", "cough", "coughs", "coughing", "sighs", "sigh",
    "chuckles", "chuckle", "foreign", "translation", "translated", "redacted", "name", "blank", "unclear",
    "indistinct", "static", "jingle", "ad", "advert", "sponsor", "silent", "long pause", "short pause",
    "phone rings", "background", "clears throat", "typing", "muffled", "audio", "video", "applauding",
    "risos", "risas", "rires", "lachen", "pausa", "inaudível", "silêncio",
    "silencio", "música", "musica", "musique", "musik", "applaus", "aplausos", "incompreensível",
    "ininteligível", "ininteligible", "incomprensible", "unverständlich", "omitted", "removed", "edited",
    "cut", "skip", "skipped", "continued", "cont", "transcript", "recording", "recording starts",
    "recording ends", "start", "stop", "ends", "starts", "off mic", "off-mic", "off record", "off the record",
    "paraphrase", "paraphrased", "verbatim", "interpretation", "tbd", "unverified", "assumption", "aside",
    # what people do rather than say
    "smiles", "smiling", "nods", "nodding", "shrugs", "groans", "gestures", "gesturing", "points", "pointing",
    "demonstrates", "demonstrating", "shows", "showing", "sharing", "screen share", "screenshare", "reading",
    "reads", "writes", "writing", "thinking", "pauses", "pausing", "hesitates", "hesitation", "interrupts",
    "whispers", "yawns", "claps", "clapping", "cries", "crying", "exhales", "inhales", "mumbles", "mutters",
    "agrees", "agreement", "disagrees", "um", "uh", "hmm", "mhm", "mm-hmm", "uh-huh", "sound", "beep", "ringing",
    "long silence", "laughs nervously", "inaudible response", "no response", "unclear audio",
    "audio cuts out", "connection lost", "technical difficulties", "phone", "doorbell", "dog barking",
}


def match_tag(line: str) -> Optional[Label]:
    """`[speaker_0] text`, `[Speaker 1] [00:03] text`, `[Jane Doe] [01:02] text`: diarization tags
    some exporters write instead of `Name:` (a named tag only with its time, so `[sic]` is not one)."""
    if "[" not in line:
        return None
    m = SPEAKER_TAG_RE.match(line)
    if m:
        text = m.group("text").strip()
        ts = re.match(rf"^\[({TS})\][ \t]*", text)
        start = parse_clock(ts.group(1)) if ts else None
        return Label(name=m.group("name"), text=text[ts.end():] if ts else text, start=start)
    m = _NAMED_TAG_RE.match(line)
    if not m:
        return None
    name, text = m.group("name").strip(), m.group("text")
    if not valid_name(name) or name.casefold() in STAGE_DIRECTIONS or len(name.split()) > 3:
        return None
    if m.group("ts"):
        return Label(name=name, text=text.strip(), start=parse_clock(m.group("ts")))
    # `[Nick] text` or `[Nick]` alone: a name, unless the brackets are a markdown link or footnote
    if (text and text[0] in "([") or (m.group("colon") and re.match(r"^\S+\s*$", text)) or text.startswith("//"):
        return None
    return Label(name=name, text=text.strip())


def match_label(line: str) -> Optional[Label]:
    """`Name: text`, `Name (Title): text`, `[00:01:02] Name: text`, `**Name:** text`, ..."""
    tag = match_tag(line)
    if tag:
        return tag
    if ":" not in line:
        return None
    m = LABEL_RE.match(line)
    if not m:
        return None
    name, text = m.group("name").strip(), m.group("text")
    if text.startswith("//") or (not m.group("sp") and text[:1].isdigit()):
        return None  # URL or a clock time such as "at 10:30"
    if not valid_name(name):
        return None
    start = end = None
    title = None
    ts = m.group("ts1") or m.group("ts0") or m.group("ts2")
    if ts:
        start = parse_clock(ts)
    paren = m.group("paren")
    if paren:
        times = parse_times(paren)
        if times:
            start, end = times
        else:
            title = " ".join(paren.split())
    return Label(name=name, text=text.strip(), start=start, end=end, title=title)


_LEAD_TAG = re.compile(r"^\s*<[A-Za-z][^<>\n]{0,40}>")
_CLOSE_TAG = re.compile(r"</[A-Za-z][^<>\n]{0,20}>")


_BOLD_TIMED = re.compile(rf"^[ \t]*(?:\*\*|__)(?P<name>[^\W\d_][^*_\n]{{0,59}}?)(?:\*\*|__)[ \t]*"
                         rf"\\?[\[(](?P<ts>{TS})[ \t]*\\?[\])][ \t]*(?P<text>\S.*)$")


def line_label(line: str) -> Optional[Label]:
    """The speaker label a line of a text transcript starts with, if any (HTML around it stripped)."""
    s = line.lstrip()
    if s.startswith("<") and _LEAD_TAG.match(s):
        line = _LEAD_TAG.sub("", line, count=1)  # "<b>Eve</b>: hi" pasted from a web page
        close = _CLOSE_TAG.search(line)
        line = line.replace(close.group(0), "", 1) if close else line
    lab = match_header(line) or match_label(line)
    if lab is None and ("**" in line or "__" in line):
        m = _BOLD_TIMED.match(line)  # `**Ali** [00:00:30] Welcome to ...`
        if m and valid_name(m.group("name").strip()):
            lab = Label(name=m.group("name").strip(), text=m.group("text").strip(), start=parse_clock(m.group("ts")))
    if lab is None and ("*" in line or "_" in line or "<" in line or "&" in line or "](" in line):
        lab = _marked_up_label(line)
    return lab


_LABEL_MARKUP = re.compile(r"</?[A-Za-z][^<>\n]{0,80}>|\*{1,3}|_{1,3}")
_AFTER_COLON = re.compile(r"^(?:[ \t]*(?:\*{1,3}|_{1,3}|</[A-Za-z]{1,10}>))*[ \t]*")


_MD_LINK = re.compile(r"\[([^\[\]\n]{1,60})\]\([^()\s]{1,300}\)")


def _marked_up_label(line: str) -> Optional[Label]:
    """`**Jane** (Head of Ops): ...`, `*Jane*: ...`, `<b>Jane</b> <i>(CTO)</i>: ...`, `**[Jane](url)**:`,
    `<b>Jane</b>&nbsp;(CTO):`: the label with its emphasis, links, HTML and entities taken out; the words
    after the colon are kept as they stand in the line."""
    link = _MD_LINK.match(line.lstrip(" \t*_"))
    if link:  # the link's target has colons of its own (`https:`): the label is its text
        at = line.index(link.group(0))
        line = line[:at] + link.group(1) + line[at + len(link.group(0)):]
    colon = line.find(":", 0, 200)
    if colon <= 0:
        return None
    head = html.unescape(_LABEL_MARKUP.sub("", line[:colon])).replace("\u00a0", " ")
    if not head.strip() or len(head) > 120:
        return None
    rest = line[colon + 1:]
    rest = rest[_AFTER_COLON.match(rest).end():]
    lab = match_label(f"{head.strip()}: {rest}")
    if lab is None or (rest and not rest.strip().startswith(lab.text[:1])):
        return None
    return lab


def match_header(line: str) -> Optional[Label]:
    """`Moderator (00:00:11 - 00:00:30)` (or `Speaker 1 (00:11):`) alone on its line."""
    if "(" not in line and "[" not in line:
        return None
    m = HEADER_RE.match(line)
    if not m or not valid_name(m.group("name")):
        return None
    times = parse_times(m.group("times") or m.group("btimes"))
    if not times:
        return None
    return Label(name=m.group("name").strip(), text="", start=times[0], end=times[1])


def match_otter(line: str) -> Optional[Label]:
    """Otter header line: `Name  0:03` (name, two or more spaces, m:ss or h:mm:ss)."""
    m = OTTER_RE.match(line) or OTTER_PREFIXED_RE.match(line) or PIPE_TIMED_RE.match(line) or TIME_BRACKET_RE.match(line)
    if not m:
        return _match_teams_spelled(line)
    name = m.group("name").strip()
    if not valid_name(name):
        return None
    return Label(name=name, text="", start=parse_clock(m.group("ts")))


def _match_teams_spelled(line: str) -> Optional[Label]:
    m = TEAMS_SPELLED_RE.match(line.rstrip())
    if not m or not valid_name(m.group("name").strip()):
        return None
    hh, mm, ss = (int(m.group(g) or 0) for g in ("hh", "mm", "ss"))
    return Label(name=m.group("name").strip(), text="", start=float(hh * 3600 + mm * 60 + ss))
