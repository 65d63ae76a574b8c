"""What the talk itself shows about who runs a conversation and who it is about.

Per label: how many turns ask, how long the turns are, when it first speaks (`label_stats`). Per
file: who opens it as its host ("Welcome to the Ladybug podcast. I'm Kelly."), who is introduced
as the guest ("we're joined by Taylor", "Rebecca, welcome to the show", a title "... with Tom
Lyon") and who is introduced as a co-host ("I'm joined by my co-hosts Nick and Amal"). Where the
labels say nothing of the name (`Speaker 3`), the guest is the label that answers when the others
address the guest by name ("Tom, what was that?"). roles.py weighs these; nothing here decides.
"""
from __future__ import annotations

import difflib
import html
import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

# labels that are not one person: decided per turn
_MIXED_LABEL = re.compile(r"^(?:unknown(?: speaker)?|speaker|unidentified(?: speaker)?|multiple speakers|"
                          r"unknown speaker \d+|\?+)$", re.I)
# labels of a role in the room rather than a person who takes part throughout; of them, the people in
# the room who come in to ask (is_audience_label)
_ASKING_WORDS = "audience|attendee|caller|listener|member|crowd"
_CROWD = re.compile(rf"\b(?:{_ASKING_WORDS}|introducer|announcer|narrator|voice|participants|various|everyone|"
                    r"group)\b", re.I)
_QSTART = re.compile(r"^(?:(?:so|and|okay|ok|right|great|cool|yeah|got it|interesting|um|uh)[,.!]?\s+)*"
                     r"(?:what|how|why|when|where|who|which|can you|could you|would you|do you|did you|"
                     r"are you|is there|is it|have you|tell me|walk me|talk me|describe)\b", re.I)
_SENT = re.compile(r"[^.?!]+[.?!]*")
# a tag on a statement ("..., right?", "..., you know?", "isn't it?"): not a question the other side answers
TAG_QUESTION = re.compile(r"(?:^|[,;]\s*|\s)(?:right|you know|isn't it|aren't they|don't you think|correct|yeah|huh|no|"
                          r"okay|ok|eh)\?\s*$", re.I)
# an interviewer sets out the context (what they read, a story, their idea) before asking: a turn that ends
# with a real question (not a tag) asks however many statements come first, up to about a minute and a half
# of speech (dev 51: a host's 87- and 102-word framings under `Unknown Speaker`); past that it is a talk that
# ends on a question (dev 42: a guest's 500-word answer). Dev per-turn and evidence the same from 150 to 400.
FRAMING_WORDS = 200
_TOKEN = re.compile(r"[^\W\d_]{3,}")


# typographic quotes as the straight ones the cues are written with: `I’m Jerod`, `I’ll be moderating`
# (one character for one, so a position in the cue text is the same position in the turn)
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})


def cue_text(text: str) -> str:
    """A turn's text as the role cues read it: typographic quotes straightened. Only for matching;
    evidence keeps the text as written."""
    return text.translate(_QUOTES)


def is_mixed_label(label: str) -> bool:
    return bool(_MIXED_LABEL.match(label.strip()))


def is_crowd_label(label: str) -> bool:
    """`Audience 2`, `Audience Member`, `Introducer`: a role in the room, not a co-host."""
    return bool(_CROWD.search(label))


_ASKING_CROWD = re.compile(rf"\b(?:{_ASKING_WORDS})\b", re.I)


def is_audience_label(label: str) -> bool:
    """`Audience:`, `Caller 2:`: people in the room who come in to ask (the interviewer's side in a
    Q&A), unlike an `Introducer` or a `Narrator`."""
    return bool(_ASKING_CROWD.search(label))


def question_turn(text: str) -> bool:
    """Does this turn ask (an interviewer's turn in a label that carries both sides)? A short turn that
    ends asking, a long one mostly of questions, or a framing that ends with a real question (`FRAMING_WORDS`)."""
    words = len(text.split())
    if not words:
        return False
    sents = [s.strip() for s in _SENT.findall(text) if s.strip()]
    last = sents[-1] if sents else text
    asks = last.endswith("?") or (bool(_QSTART.match(last)) and not last.endswith("."))
    if not asks:
        return False
    q_share = sum(s.endswith("?") for s in sents) / max(1, len(sents))
    return (words <= 60 or q_share >= 0.5
            or (words <= FRAMING_WORDS and last.endswith("?") and not TAG_QUESTION.search(last)))


@dataclass
class LabelStats:
    turns: int = 0
    questions: int = 0
    words: int = 0
    first: int = 0  # index of its first turn

    @property
    def share(self) -> float:
        """Question share, smoothed: one "can you repeat that?" does not make an asker."""
        return self.questions / (self.turns + 1)

    @property
    def mean(self) -> float:
        return self.words / max(1, self.turns)


def label_stats(turns) -> dict[str, LabelStats]:
    out: dict[str, LabelStats] = {}
    for i, t in enumerate(turns):
        s = out.get(t.speaker)
        if s is None:
            s = out[t.speaker] = LabelStats(first=i)
        s.turns += 1
        s.questions += question_turn(t.text)
        s.words += len(t.text.split())
    return out


def same_name(label: str, name: str, fuzzy: bool) -> bool:
    """Does `name` (from a title, a file name or an introduction) name the person labelled `label`?"""
    lt = [w.casefold() for w in _TOKEN.findall(label)]
    nt = [w.casefold() for w in _TOKEN.findall(name)]
    if not lt or not nt:
        return False
    if fuzzy:
        return any(difflib.SequenceMatcher(None, a, b).ratio() >= 0.8
                   or _sound(a) == _sound(b) for a in lt[:1] for b in nt)
    return all(w in nt for w in lt)


_WITH_GUEST = re.compile(r"\b(?:with|featuring|feat\.|ft\.|guest|guests|interview(?:ing)?|joined by|"
                         r"conversation with|talks? to|meets?)\b[:\s]+(?P<who>[^,;:|()\[\]]{2,80})", re.I)


def titled_as_guest(label: str, names: Sequence[str]) -> bool:
    """Does a title say this label is the guest ("... with Jason Henriksen", "Interview with Carolyn Lu",
    "featuring X"), not merely name them (a show named after its host)?"""
    for n in names:
        for m in _WITH_GUEST.finditer(n or ""):
            if same_name(label, m.group("who"), fuzzy=False) or nearly_full_name(label, m.group("who")):
                return True
    return False


def nearly_full_name(label: str, name: str) -> bool:
    """A full-name label that a title spells a little differently: the first name the same, every other word
    nearly (`Jason Henrikson` for the title's "Jason Henriksen", dev 183). One word is not enough: a first
    name alone is anybody's."""
    lt = [w.casefold() for w in _TOKEN.findall(label)]
    nt = [w.casefold() for w in _TOKEN.findall(name)]
    if len(lt) < 2 or lt[0] not in nt:
        return False
    return all(any(difflib.SequenceMatcher(None, a, b).ratio() >= 0.8 for b in nt) for a in lt[1:])


def _sound(word: str) -> str:
    """A first name as it sounds, for a transcriber's spelling of it: doubled letters once, and a
    closing -ie / -ey / -y / -i as one ending (the label `Ali`, spoken and written "Allie")."""
    w = re.sub(r"(.)\1+", r"\1", word)
    return re.sub(r"(?:ie|ey|y|i)$", "i", w)


_SHOW = re.compile(r"\b(?:welcome (?:back )?to|this is|you're listening to)\s+(?:the\s+)?[A-Z][\w'-]*"
                   r"|\bI'm your host\b|\bepisode (?:number )?\d+", re.I)
# a capitalised name or two, not a word that opens a greeting to the audience ("Alright, welcome to ...")
_NAME = (r"\b(?!(?-i:Alright|All|Okay|OK|So|Well|Hello|Hi|Hey|Yes|Yeah|Everyone|Everybody|Folks|Friends|Guys|And|Now)\b)"
         r"(?-i:[A-Z][a-z'-]+)(?:\s+(?-i:[A-Z][a-z'-]+))?")
_ANY_GUEST = re.compile(r"\b(?:joined by|joining (?:us|me)|my guests?|our guests?|special guest|guest today|"
                        r"(?:talking|chatting|speaking|sitting down) with|here with|interview(?:ing)?|"
                        # the host welcomes someone by name ("Ken, welcome to Talk Python To Me.", "Welcome to the
                        # show, Ken."), or someone thanks the host for having them on: a guest is there
                        r"thanks? (?:you )?(?:so much |very much )?for having (?:me|us))\b"
                        rf"|{_NAME},\s+welcome (?:back )?to\b|\bwelcome (?:back )?to [^.?!,]{{1,60}}, {_NAME}[.!]", re.I)


def host_monologue(turns, head: int = 1500) -> bool:
    """Unlabelled talk that opens as a show ("Welcome to Python Bytes") and introduces no guest in
    its first `head` characters: the hosts' own speech, with no interviewee in it."""
    opening = " ".join(t.text for t in list(turns)[:12])[:head]
    return bool(_SHOW.search(opening)) and not _ANY_GUEST.search(opening)


_SELF_INTRO = re.compile(r"\b(?i:my name is|my name's|i'm|i am|this is)\s+(?P<name>[A-Z][\w'-]+)")
_HOSTING = re.compile(r"\b(?:welcome|thanks? (?:you )?(?:all )?for (?:coming|joining|being here)|our session|"
                      r"podcast|(?:the|our) show|episode)\b", re.I)


def opener(turns, labels: Sequence[str], head: int = 6) -> str | None:
    """The label that opens the conversation as its host (welcomes, names the show or the
    session) in the first turns: a cold open quoting the guest comes before it."""
    for t in list(turns)[:head]:
        if t.speaker in labels and (_HOSTING.search(t.text) or _SHOW.search(t.text)):
            return t.speaker
    return None


# a welcome that ends handing over to someone to introduce themselves: that is the guest
_HANDS_OVER = re.compile(r"\b(?:with me|joining (?:me|us)(?: today)?(?: (?:is|are))?|(?:our|my) guests?(?: today)?"
                         r"(?: (?:is|are))?|please welcome|introduce (?:yourself|themselves))[\s,:.-]*$", re.I)


# the moderator says so: "I will be moderating the session", "I'm your moderator today"
_MODERATES = re.compile(r"\b(?:i(?:'ll| will| am going to|'m going to)? (?:be )?moderat(?:e|ing)|"
                        r"i(?:'m| am) (?:your|the|today's) moderator)\b", re.I)


def opening_hosts(turns, labels: Sequence[str], head: int = 10, answering: Sequence[str] = ()) -> list[str]:
    """Labels that open the conversation as its hosts: in the first turns they welcome people and
    introduce themselves by the name on their label ("Welcome to the Ladybug podcast. I'm Kelly."),
    or say they moderate it (a panel's moderator need not say their name). `answering`: labels the
    talk clearly puts among those who answer; their name in the first words, with no welcome, is a
    guest's clip before the show ("Hi, I'm Vida Williams, and unless you're ..."), not its host."""
    hosts: list[str] = []
    chain = False  # co-hosts answer a host's welcome with their names, one short turn each
    first = next((t for t in turns if t.speaker in labels), None)
    for t in list(turns)[:head]:
        hosts += [s for s in _round_of_names(t.text, labels) if s not in hosts]
        if t.speaker not in labels:
            chain = False
            continue
        text = html.unescape(t.text)  # `I&#39;m Kelly` in pages exported from a site
        if _MODERATES.search(text[:300]):
            hosts += [t.speaker] if t.speaker not in hosts else []
            chain = False
            continue
        intros = [m for m in _SELF_INTRO.finditer(text) if same_name(t.speaker, m.group("name"), fuzzy=True)]
        # the conversation's very first words, the speaker giving their own name ("We are backstage.
        # I'm Jerod, Adam's here"): the host, welcome or not
        opens = not hosts and t is first and intros and intros[0].start() <= 40 and t.speaker not in answering
        if intros and (_HOSTING.search(text) or opens or (chain and intros[0].start() <= 40)):
            hosts += [t.speaker] if t.speaker not in hosts else []
            chain = not _HANDS_OVER.search(text)
        else:
            chain = False
    return hosts


def _round_of_names(text: str, labels: Sequence[str]) -> list[str]:
    """The hosts of a welcome that runs through their names one after another ("Welcome to the ladybug
    podcast. I'm Kelly. I'm Allie. And I'm Emma"): the transcriber could not tell the voices apart in so
    short a round and filed it under one label (often `Unknown Speaker`), so each named label hosts,
    whoever's label the round sits under."""
    text = html.unescape(text)
    if not _HOSTING.search(text):
        return []
    intros = list(_SELF_INTRO.finditer(text))
    names: list[str] = []
    for a, b in zip(intros, intros[1:]):
        if b.start() - a.end() <= _ROUND_GAP:  # the next name follows at once: one round of names
            names += [a.group("name"), b.group("name")]
    return [s for s in labels if any(same_name(s, n, fuzzy=True) for n in names)]


_ROUND_GAP = 12  # characters between one self-introduction's name and the next "I'm" (". And ")


_INLINE_LABEL = re.compile(r"^\(?(?P<name>[A-Z][\w'-]+):\s")


def speaks_as(text: str, labels: Sequence[str], own: str) -> str | None:
    """A label of `labels` that a turn filed under another label names as its speaker: the
    captioner's `PARTICIPANT: Justi: Any questions?`, or "(this is Justin. I work on ...)" in a
    label many people share."""
    text = html.unescape(text)
    names = [m.group("name") for m in _SELF_INTRO.finditer(text[:200]) if not m.group("name").endswith("'s")]
    m = _INLINE_LABEL.match(text)
    names += [m.group("name")] if m else []
    for name in names:
        if same_name(own, name, fuzzy=True):
            return None
        hit = [s for s in labels if s != own and (same_name(s, name, fuzzy=True)
                                                  or (len(name) >= 4 and s.casefold().startswith(name.casefold())))]
        if len(hit) == 1:
            return hit[0]
    return None


_NAME = r"[A-Z][\w'’-]+(?:\s+(?:[A-Z][\w'’-]+|de|van|von|da|del))*"
# a cue, then the names it introduces (up to the end of the sentence)
_COHOST_CUE = re.compile(r"\b(?:(?:my|our) (?:co-?hosts?|fellow panelists?|panel(?:ists)?|friends?)|co-?hosts?|"
                         r"panelists?|with me (?:today |again |as always |this week )?(?:is|are)|"
                         r"(?:i'm|we're|i am|we are) joined (?:today |again |as always |this week )?by (?:my|our))"
                         r"\b", re.I)
# a guest named as such ("our special guest", "welcome to the show, X", "thanks for coming on, X")
_GUEST_CUE = re.compile(r"\b(?:guests?(?: (?:today|this week|on the show|here))?(?: (?:is|are|was))?|"
                        r"(?:talking|chatting|speaking|sitting down) (?:with|to)|interviewing|here with|"
                        r"welcome(?: back)?(?: to the (?:show|podcast|program))?|"
                        r"thanks? (?:you )?(?:so much )?for (?:joining us|coming on|being (?:here|on(?: the show)?)))\b",
                        re.I)
# "we're joined by X": a guest on one show, the co-hosts on a panel show; a guest only where no
# one is introduced as a guest in so many words
_JOINED_CUE = re.compile(r"\b(?:joined (?:today |this week )?by|joining (?:us|me)(?: today| this week)?(?: (?:is|are))?)\b",
                         re.I)
_ADDRESSED_GUEST = re.compile(rf"(?:^|[.!?]\s+)(?:so |and |okay,? )?(?P<name>{_NAME}),? (?:welcome|thanks? (?:you )?"
                              r"(?:so much )?for (?:joining|coming|being))", re.I)
_NOT_NAMES = {"so", "just", "and", "but", "yeah", "okay", "ok", "today", "thanks", "thank", "hi", "hey", "hello",
              "well", "now", "everyone", "everybody", "all", "you", "i", "we", "it", "this", "that", "the", "a",
              "again", "also", "here", "there", "our", "my", "us", "me", "back", "guys", "folks", "friends"}
_STOP = re.compile(r"[.!?;:]|\b(?:who|whose|which|to talk|to discuss|about|today|from|the)\b")


# "joined by another expert, Dr. Elisha Goldstein": a description before the name, a title before it
_DESCRIBED = re.compile(r"^\s*(?:a|an|another|our|my)\s+(?:[a-z-]+\s+){0,3}[a-z-]+,\s*")
_HONORIFIC = re.compile(r"\b(?:Dr|Prof|Mr|Mrs|Ms|Mx)\.?\s+(?=[A-Z])")


def _names_after(text: str, start: int) -> list[str]:
    """Capitalised names right after a cue: `Nick Nisi and Amal Hussein.` -> both."""
    rest = _HONORIFIC.sub("", _DESCRIBED.sub("", text[start:start + 120], count=1))
    stop = _STOP.search(rest)
    span = rest[:stop.start()] if stop else rest
    if not re.match(r"[\s,]{0,3}[A-Z]", span):
        return []  # "welcome to Build Party": a name follows its cue at once
    return [n for n in re.findall(_NAME, span) if n.split()[0].casefold() not in _NOT_NAMES][:4]


def introductions(turns, head: int = 12) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(speaker, name) pairs the opening introduces as guests and as co-hosts."""
    found: dict[str, list[tuple[str, str]]] = {"guest": [], "host": [], "joined": []}
    for t in list(turns)[:head]:
        text = html.unescape(t.text)
        cues = sorted([(m.start(), m.end(), "host") for m in _COHOST_CUE.finditer(text)]
                      + [(m.start(), m.end(), "guest") for m in _GUEST_CUE.finditer(text)]
                      + [(m.start(), m.end(), "joined") for m in _JOINED_CUE.finditer(text)],
                      key=lambda c: (c[0], -c[1]))
        taken = -1
        for a, b, kind in cues:
            if a < taken:
                continue  # `joined by my co-hosts`: the longer, co-host reading was taken
            found[kind] += [(t.speaker, n) for n in _names_after(text, b)]
            taken = b
        found["guest"] += [(t.speaker, m.group("name")) for m in _ADDRESSED_GUEST.finditer(text)]
    guests = found["guest"] or found["joined"]
    hosts = [(s, n) for s, n in found["host"] + (found["joined"] if found["guest"] else [])
             if not any(same_name(n, g, fuzzy=True) for _, g in guests)]
    return guests, hosts


_TITLE_GUEST = re.compile(rf"\b(?:with|featuring|feat\.?|ft\.?|guest|interview(?:ing)?|meets|and)\s+(?P<name>{_NAME})")


def title_names(names: Sequence[str]) -> list[str]:
    """Names a title or file name gives ("A Requiem for SPARC with Tom Lyon" -> "Tom Lyon")."""
    out: list[str] = []
    for n in names:
        out += [m.group("name") for m in _TITLE_GUEST.finditer(n)]
    return out


def answerer(turns, labels: Sequence[str], name: str, min_votes: int = 2) -> str | None:
    """The label that speaks next when someone addresses `name` ("Hey, Tom.", "Tom, what was
    that?"): how a guest is found among `Speaker 1..N` labels. None unless one label has most votes."""
    first = name.split()[0]
    if len(first) < 3:
        return None
    call = re.compile(rf"(?:^|[.!?]\s+|\b(?i:hey|hi|hello|thanks|thank you|welcome|so|and),?\s+){re.escape(first)}\b"
                      rf"(?=[,.!?])|,\s*{re.escape(first)}[.!?]")
    tl = list(turns)
    votes: Counter[str] = Counter()
    for i, t in enumerate(tl):
        if not call.search(t.text):
            continue
        nxt = next((u.speaker for u in tl[i + 1:i + 4] if u.speaker != t.speaker), None)
        if nxt in labels:
            votes[nxt] += 1
    if not votes:
        return None
    (best, n), *rest = votes.most_common()
    return best if n >= min_votes and n > sum(v for _, v in rest) else None


_WELCOME = re.compile(r"\bwelcome (?:back )?to\b", re.I)
_THANKS_GUEST = re.compile(r"\bthanks?(?: you)?(?: so much| very much)? for (?:talking|joining|coming|being)\b", re.I)


def hosts_turn(text: str, index: int, guest_names: Sequence[str]) -> bool:
    """In talk with no per-person labels: does this turn read as the host's? The show's welcome at
    the start, the guest called by name ("Thank you so much, Rick"), thanks for coming on."""
    if index < 2 and _WELCOME.search(text):
        return True
    if _THANKS_GUEST.search(text):
        return True
    for name in guest_names:
        first = name.split()[0]
        if len(first) >= 3 and re.search(rf"(?:^|[.!?]\s+|,\s*){re.escape(first)}\b[,.!?]", text):
            return True
    return False
