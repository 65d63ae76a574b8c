"""Which `Word: text` labels of a labelled transcript behave like speakers.

A label's form alone cannot tell `Carla: They can pick up ...` (an audience member who speaks once) from
`Boston: ...` (a place in a list) or `Pain Points:` (a heading with bullets below it). What tells them
apart is how the label is used in the file, so a label used once (a recurring label has shown it takes
turns) must also behave like a turn:

- it opens a paragraph: where the file's labels open paragraphs (a blank line above them), a label in
  the middle of someone's paragraph is a word of that paragraph (`We have three offices.` /
  `Boston: the biggest`); in a file whose turns follow each other line by line this says nothing;
- it is not the lead-in of a list or a section: no words after the colon and bullets or a heading below;
- in a file whose turns are role labels (`Q:`/`A:`, `Interviewer:`/`Participant:`) the people are the
  roles; any other label used once is a field of an answer;
- a phrase of two or more words is a name only if its words are not everyday words the file itself writes
  in lower case (`Current Process:` vs `John Newbery:`), unless it names people (`Various Audience Members`).

Labels that fail are read as words of the turn they stand in. The labels reader asks `not_speakers`.
Lower-case handles (`gmaxwell:`, `sipa:`) are labels by the same kind of evidence (`lowercase_labels`).

A label inside a blockquote (`> P11: ...`) is usually someone quoted (a researcher showing other
participants' excerpts, `> JACKIE: ...`), but some write-ups quote one side of the session itself:
`quoted_side` tells the two apart.
"""
from __future__ import annotations

import re
from typing import Optional

from .label_words import NOT_SPEAKERS, role_of
from .labels import BULLET_LINE, Label
from .lines import HEADING

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# words that make a label name people rather than a topic: an audience, a panel, a role
_PEOPLE_WORDS = {"audience", "member", "members", "attendee", "attendees", "panel", "panelist", "panelists",
                 "crowd", "everyone", "people", "person", "speaker", "speakers", "voice", "voices", "caller",
                 "participant", "participants", "student", "students", "unknown", "unidentified", "male",
                 "female", "man", "woman", "guest", "guests", "host", "hosts", "interviewer", "interviewee",
                 "moderator", "various", "multiple", "several", "all", "both", "other", "others"}
ROLE_SHARE = 0.8  # of labelled lines, role labels (Q/A, ...) above it make a role-labelled file
PARAGRAPH_SHARE = 0.7  # of labelled lines opening a paragraph, above it every speaker's label is expected to


def _after_break(lines: list[str], i: int) -> bool:
    """Line `i` opens a paragraph: a blank line, a heading or the file's start above it."""
    prev = lines[i - 1].strip() if i > 0 else ""
    return not prev or bool(HEADING.match(prev))


def _next_text(lines: list[str], i: int) -> str:
    return next((ln for ln in lines[i + 1:] if ln.strip()), "")


def _lower_words(lines: list[str], labelled: dict[int, Label]) -> set[str]:
    """Words the file writes in lower case (its everyday words), label names left out."""
    out: set[str] = set()
    for j, ln in enumerate(lines):
        text = labelled[j].text if j in labelled else ln
        # words of prose only: a slug or a URL (`john-newbery`) writes names in lower case too
        out |= {w for tok in text.split() if (w := tok.strip(".,;:!?\"'()“”‘’")).isalpha() and w.islower()}
    return out


def not_speakers(lines: list[str], labelled: dict[int, Label]) -> set[str]:
    """Names of the labels in `labelled` (source line index -> label) that do not behave like speakers."""
    uses: dict[str, list[int]] = {}
    for i, lab in sorted(labelled.items()):
        uses.setdefault(lab.name, []).append(i)
    if not uses:
        return set()
    n = len(labelled)
    roles = sum(len(ix) for name, ix in uses.items() if role_of(name))
    role_file = n >= 4 and roles >= ROLE_SHARE * n
    opening = sum(_after_break(lines, i) for i in labelled)
    paragraphs = opening >= PARAGRAPH_SHARE * n
    everyday: set[str] | None = None
    out: set[str] = set()
    for name, ix in uses.items():
        if len(ix) > 1 or role_of(name) or any(c.isdigit() for c in name):  # `Audience 3` passed valid_name
            continue
        i, lab = ix[0], labelled[ix[0]]
        nxt = _next_text(lines, i)
        if paragraphs and not _after_break(lines, i):
            out.add(name)  # a word of someone's paragraph
        elif not lab.text and (BULLET_LINE.match(nxt) or HEADING.match(nxt.strip())):
            out.add(name)  # a list's or a section's lead-in
        elif role_file:
            out.add(name)  # a field of an answer in a Q/A file
        elif len(name.split()) >= 2:
            words = [w.casefold() for w in _WORD.findall(name)]
            if not _PEOPLE_WORDS & set(words):
                everyday = _lower_words(lines, labelled) if everyday is None else everyday
                if all(w in everyday for w in words):
                    out.add(name)  # a phrase of everyday words: a heading, not a name
    return out


QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?")
QUOTED_SHARE = 0.3  # of all labelled lines, blockquoted ones above it can be one side of the dialogue


def quoted_side(plain: dict[int, Label], quoted: dict[int, Label]) -> bool:
    """Blockquoted labels are this conversation's turns (one side written as quotes, `Becky: ...` /
    `> P11: ...`) when they are a large share of the labels, their names never appear unquoted, there are
    at most two of them, and each quoted run is answered by an unquoted label: the quoted side takes
    turns with the other. Excerpts quoted inside a turn (dev 44-46) share names with the unquoted labels
    or come in runs of several people."""
    if not quoted or not plain or len(quoted) < QUOTED_SHARE * (len(quoted) + len(plain)):
        return False
    names = {lab.name for lab in quoted.values()}
    if len(names) > 2 or names & {lab.name for lab in plain.values()}:
        return False
    order = [q for _, q in sorted([(i, True) for i in quoted] + [(i, False) for i in plain])]
    runs = sum(1 for k, q in enumerate(order) if q and (k == 0 or not order[k - 1]))
    answered = sum(1 for k, q in enumerate(order[:-1]) if q and not order[k + 1])
    return runs >= 2 and answered >= runs - 1


_NICK_RE = re.compile(r"^([a-z][a-z0-9_.\-]{1,19}):[ \t]+(\S.*)$")


_ALONE = re.compile(r"^\ufeff?[ \t]*(?:\*\*|__|_|\*)?([A-Z][a-z]{1,20})(?:\*\*|__|_|\*)?[ \t]*:[ \t]*(?:\*\*|__|_|\*)?[ \t]*$")
ALONE_TURNS = 3  # a word alone on its line this often, beside a speaker's label alone on its line as often, speaks


def field_words_as_speakers(lines: list[str]) -> set[str]:
    """A note field's word used as a speaker label: `Team:` alone on its line, the paragraph below, taking
    turns with `Customer:` (dev 172, a student team's customer meeting). As a field (`Team: Platform`) it
    carries its value after the colon; alone on its line, recurring, beside another label written the same
    way, it is one side of the talk. Without this the team's questions were read as words of the customer's
    answer above them."""
    counts: dict[str, int] = {}
    for ln in lines:
        m = _ALONE.match(ln)
        if m:
            counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    fields = {w for w, n in counts.items() if n >= ALONE_TURNS and w.lower() in NOT_SPEAKERS}
    people = {w for w, n in counts.items() if n >= ALONE_TURNS and w.lower() not in NOT_SPEAKERS}
    return fields if people else set()


def match_field_speaker(line: str, words: set[str]) -> Optional[Label]:
    m = _ALONE.match(line) if words else None
    return Label(name=m.group(1), text="") if m and m.group(1) in words else None


def lowercase_labels(lines: list[str]) -> set[str]:
    """Lower-case nicknames used as labels (`pgp: I am here.`, chat and IRC logs): a word that opens
    at least three lines with a colon and is no field or front-matter key. Where the file has such
    handles, one used once or twice is one too (`sipa:` adding an answer in a Q&A) if it opens a
    paragraph each time, says a sentence (5+ words) and the file never writes the word elsewhere."""
    counts: dict[str, list[int]] = {}
    for i, ln in enumerate(lines):
        m = _NICK_RE.match(ln)
        if m:
            counts.setdefault(m.group(1), []).append(i)

    def field(w: str) -> bool:
        return (w in NOT_SPEAKERS or w.rstrip("s") in NOT_SPEAKERS
                or w in ("transcript_by", "interviewee", "interviewer", "company", "role"))

    out = {w for w, ix in counts.items() if len(ix) >= 3 and not field(w)}
    if not out:
        return out
    for w, ix in counts.items():
        if w in out or field(w) or any(i == 0 or lines[i - 1].strip() for i in ix):
            continue
        said = [_NICK_RE.match(lines[i]).group(2) for i in ix]
        word = re.compile(rf"(?<![\w.-]){re.escape(w)}(?![\w-])", re.I)
        elsewhere = sum(len(word.findall(ln)) for ln in lines) - len(ix)
        if all(len(t.split()) >= 5 for t in said) and elsewhere == 0:
            out.add(w)
    return out


def match_nick(line: str, nicks: set[str]) -> Optional[Label]:
    m = _NICK_RE.match(line) if nicks else None
    return Label(name=m.group(1), text=m.group(2).strip()) if m and m.group(1) in nicks else None
