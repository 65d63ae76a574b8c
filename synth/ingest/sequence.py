"""Per-turn roles in talk with no per-person labels: the likeliest interviewer / interviewee path.

A caption stream with no speaker labels (whisper's cues, unlabelled VTT/SRT) is cut into short
units (a sentence, or the cues up to a pause); who says each unit is read from the unit itself and
from its neighbours at once, as a two-state path (Viterbi, then forward-backward for how sure each
unit is):

- what a unit says: a question, an interviewer's move (a prompt "so tell me about...", a pitch
  "what if...", a recap "you said you...", praise "that's awesome", a welcome or a thank-you for
  coming on), talk about "you" rather than "I/we", its length;
- where the speaker changes: after a question the other side answers; a pause makes a change
  likely, a sentence cut mid-way across two units makes it unlikely.

Where a label that is not one person (Otter's `Unknown Speaker`) holds a few words finishing a
labelled speaker's sentence, they are that speaker's (`cut_sentence_side`). `guarded` is the
evidence guard over all per-turn guesses.

The weights are log-odds chosen on the dev half of the real corpus (evals/real: the unlabelled caption
streams dev/50, 94, 95, two shows); nothing here names a file. `interviewer_move` is also the evidence
guard's test (roles.py): a turn that reads as the interviewer's is not used as the interviewee's words
when its role was guessed.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Optional, Sequence

from .talk import question_turn

# an interviewer's move: a prompt, a pitch, a recap of the other's words, praise, a welcome
_MOVE = re.compile(
    r"^(?:(?:so|and|okay|ok|yeah|well|right|now|alright|all right)[,.!]?\s+)*"
    r"(?:(?:can|could|would) you (?:tell|talk|walk|describe|explain|share|give)|tell (?:me|us)|walk (?:me|us)|"
    r"talk (?:me|us) through|do you want to|what if\b|imagine\b|you (?:said|mentioned|talked|told)|"
    r"as you (?:said|mentioned)|so you(?:'re| are| were| have|'ve)?\b|let's (?:talk|move|go|get)|"
    r"i (?:want|wanted|would like|'d like) to (?:ask|talk|dive|bring|show|go back|move))"
    r"|\b(?:welcome (?:back )?to|thanks? (?:you )?(?:so much |very much )?for (?:joining|coming|being|"
    r"taking the time|talking)|my guest|our guest|tell (?:us|me) (?:a bit |a little )?about yourself|"
    # the show's host as such: the intro, the sponsor read, the way back to the interview
    r"(?:this is|i'm|i am) your host|sponsored by|brought to you by|(?:thank )?our sponsors?|back to the show|"
    r"let me introduce|past episodes)\b",
    re.I)
_PRAISE = re.compile(r"^(?:(?:oh|wow|yeah|so|okay|right)[,!]?\s+)*(?:awesome|cool|nice|great|amazing|wonderful|"
                     r"fantastic|perfect|excellent|interesting|love it|i love (?:it|that|the)|"
                     r"(?:that's|that sounds|it sounds) (?:so |really |super |very |pretty )?(?:a )?(?:awesome|cool|great|"
                     r"amazing|smart|fantastic|interesting|wonderful|fun|neat|excellent|big news|good news|"
                     r"(?:really )?(?:good|great) (?:idea|point|question)))\b", re.I)
# the interviewer's view of the other's work ("Super cool trailer.", "I was amazed by the animations")
_APPRAISAL = re.compile(r"\b(?:fun|cool|love|loved|amazing|amazed|awesome|fantastic|beautiful|gorgeous|polished|"
                        r"favou?rite|impressive|impressed|incredible|brilliant|wonderful|lovely|solid)\b", re.I)
_YOU = re.compile(r"\b(?:you|your|yours|yourself|you're|you've|you'd|you'll)\b", re.I)
_GENERIC_YOU = re.compile(r"\byou know\b|\bif you\b|\byou can\b|\byou have to\b|\byou get\b|\bthank you\b", re.I)
_SELF = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|mine)\b", re.I)
_WE = re.compile(r"\b(?:we|we're|we've|we'd|we'll|our|ours|us)\b", re.I)  # the interviewee's team
_ENDS = re.compile(r"[.?!…][\"')\]]*$")

SURE_EVIDENCE = 0.8  # a turn guessed less surely than this is not evidence (set on dev)
# a guessed turn this short is a reaction either side makes ("Sure.", "Oh, right, yes.", "I like it."):
# not evidence (dev/50, dev/94: about one in four such turns was the interviewer's)
SHORT_GUESS = 4

# log-odds weights (interviewer over interviewee) and transition log-probabilities, set on dev
W_QUESTION = 3.5       # the unit ends with a question mark
W_ASKS = 1.0           # it asks without one ("tell me how...")
W_MOVE = 1.6           # a prompt, pitch, recap or welcome
W_PRAISE = 1.2         # "Awesome." "That's smart."
W_PRONOUN = 0.35       # per "you" more than "I/we", capped at +-PRONOUN_CAP
PRONOUN_CAP = 1.4
W_I = 0.4              # "I" counts less than "we": both sides say it
W_APPRAISAL = 0.6      # per word praising the other's work, capped at APPRAISAL_CAP
APPRAISAL_CAP = 1.2
W_LONG = -0.04         # per word beyond LONG_WORDS: the interviewee does most of the talking
LONG_WORDS = 20
BIAS = -0.6            # most units are the interviewee's
# a sentence end with no pause: the speaker changes there as often as not (with cues cut at every sentence
# end, a podcast's backchannels and short reactions change sides often); set on dev 50, 94, 95
SWITCH = math.log(0.5)
PAUSE = 1.5            # seconds of silence after which a change of speaker is as likely as not
MID_SENTENCE = math.log(0.02)  # a change of speaker inside an unfinished sentence
AFTER_QUESTION = math.log(0.9)  # a question is answered by the other side
# ... but not at once: where the captions keep the pauses, an answer starts after one, and a caption that
# follows a question within QUICK seconds is mostly the asker going on ("How much does that matter? It sounds
# like it might not ..."); dev 91, 132: 27 of 48 such follow-ups are the asker's, 4 of 38 answers come that quick
QUICK = 0.3
QUICK_AFTER_QUESTION = math.log(0.3)
TIMED_PAUSES = 0.5  # the captions keep pauses when at least this share of cue changes has one (> 0.05 s)


# a captioner's speaker-change mark (`>>`, `- `) where the unit starts: the other side speaks (MARKED); in
# captions that mark most changes, no mark: the same side goes on (UNMARKED); the marks miss some changes
# (a question glued to an answer, dev 131) and a few stand inside one speaker's sentence
MARKED = 0.9
UNMARKED = 0.15


@dataclass(frozen=True)
class Unit:
    text: str
    start: Optional[float] = None
    end: Optional[float] = None
    change: Optional[bool] = None  # the captions mark a speaker change here (True), mark changes but not here (False)


def interviewer_move(text: str) -> bool:
    """Does this text read as an interviewer's move (a prompt, a pitch, a recap, praise, a welcome)?"""
    head = text.strip()[:200]
    return bool(_MOVE.search(head) or _PRAISE.match(head))


def pronoun_lean(text: str) -> float:
    you = len(_YOU.findall(text)) - len(_GENERIC_YOU.findall(text))
    me = W_I * len(_SELF.findall(text)) + len(_WE.findall(text))
    return max(-PRONOUN_CAP, min(PRONOUN_CAP, W_PRONOUN * (you - me)))


def emission(text: str) -> float:
    """Log-odds that `text` is the interviewer's, from the unit alone."""
    s = text.strip()
    score = BIAS + pronoun_lean(s)
    if s.endswith("?"):
        score += W_QUESTION
    elif question_turn(s):
        score += W_ASKS
    if _MOVE.search(s[:200]):
        score += W_MOVE
    if _PRAISE.match(s):
        score += W_PRAISE
    score += min(APPRAISAL_CAP, W_APPRAISAL * len(_APPRAISAL.findall(s)))
    words = len(s.split())
    if words > LONG_WORDS:
        score += W_LONG * (words - LONG_WORDS)
    return score


def _switch(prev: Unit, cur: Unit) -> tuple[float, float]:
    """(log P(same speaker), log P(other speaker)) between two units."""
    text = prev.text.rstrip()
    if not _ENDS.search(text) and not text.endswith(","):
        return math.log(1 - math.exp(MID_SENTENCE)), MID_SENTENCE
    p = math.exp(SWITCH)
    last = prev.end if prev.end is not None else prev.start
    if last is not None and cur.start is not None:
        gap = max(0.0, cur.start - last)
        p = max(p, min(0.8, 0.5 * gap / PAUSE))  # a longer silence, a likelier change
    return math.log(1 - p), math.log(p)


def _gap(prev: Unit, cur: Unit) -> Optional[float]:
    last = prev.end if prev.end is not None else prev.start
    return None if last is None or cur.start is None else cur.start - last


def keeps_pauses(units: Sequence[Unit]) -> bool:
    """Do the captions keep the silences between speakers (whisper's own timings), or are the cues back to
    back (a captioner's even blocks)?"""
    gaps = [g for a, b in zip(units, units[1:]) if (g := _gap(a, b)) is not None]
    return bool(gaps) and sum(1 for g in gaps if g > 0.05) >= TIMED_PAUSES * len(gaps)


def _transitions(units: Sequence[Unit], k: int, pauses: bool = False) -> list[list[float]]:
    """log P(state at k | state at k-1) as [[I->I, I->E], [E->I, E->E]]."""
    if units[k].change is not None:
        p = MARKED if units[k].change else UNMARKED
        return [[math.log(1 - p), math.log(p)], [math.log(p), math.log(1 - p)]]
    same, other = _switch(units[k - 1], units[k])
    ii, ie = same, other
    if units[k - 1].text.rstrip().endswith("?"):
        gap = _gap(units[k - 1], units[k])
        ie = max(ie, QUICK_AFTER_QUESTION if pauses and gap is not None and gap < QUICK else AFTER_QUESTION)
        ii = math.log(max(1e-6, 1 - math.exp(ie)))
    return [[ii, ie], [other, same]]


def _logsum(a: float, b: float) -> float:
    m = max(a, b)
    return m + math.log(math.exp(a - m) + math.exp(b - m))


def decode(units: Sequence[Unit], fixed: Optional[Sequence[Optional[bool]]] = None) -> tuple[list[bool], list[float]]:
    """The likeliest path (True: interviewer) and, per unit, the probability of the role it was given.
    `fixed`: units whose role is known (True/False), None where it is not."""
    n = len(units)
    if not n:
        return [], []
    fixed = list(fixed) if fixed is not None else [None] * n
    # emissions as log P(unit | state): half the log-odds each way
    emit = []
    for u, f in zip(units, fixed):
        if f is None:
            e = emission(u.text) / 2
            emit.append((e, -e))
        else:
            emit.append((0.0, -1e9) if f else (-1e9, 0.0))
    pauses = keeps_pauses(units)
    trans = [None] + [_transitions(units, k, pauses) for k in range(1, n)]
    start = (math.log(0.5), math.log(0.5))
    # Viterbi
    score = [start[0] + emit[0][0], start[1] + emit[0][1]]
    back: list[tuple[int, int]] = []
    for k in range(1, n):
        t = trans[k]
        choice, new = [], []
        for j in (0, 1):
            a, b = score[0] + t[0][j], score[1] + t[1][j]
            choice.append(0 if a >= b else 1)
            new.append(max(a, b) + emit[k][j])
        back.append((choice[0], choice[1]))
        score = new
    state = 0 if score[0] >= score[1] else 1
    path = [state]
    for ch in reversed(back):
        state = ch[state]
        path.append(state)
    path.reverse()
    # forward-backward: how sure each unit's role is
    fwd = [[start[0] + emit[0][0], start[1] + emit[0][1]]]
    for k in range(1, n):
        t, f = trans[k], fwd[-1]
        fwd.append([_logsum(f[0] + t[0][j], f[1] + t[1][j]) + emit[k][j] for j in (0, 1)])
    bwd = [[0.0, 0.0] for _ in range(n)]
    for k in range(n - 2, -1, -1):
        t, b = trans[k + 1], bwd[k + 1]
        bwd[k] = [_logsum(t[i][0] + emit[k + 1][0] + b[0], t[i][1] + emit[k + 1][1] + b[1]) for i in (0, 1)]
    sure = []
    for k in range(n):
        a, b = fwd[k][0] + bwd[k][0], fwd[k][1] + bwd[k][1]
        p_iv = 1 / (1 + math.exp(max(-50.0, min(50.0, b - a))))
        sure.append(round(p_iv if path[k] == 0 else 1 - p_iv, 3))
    return [s == 0 for s in path], sure


FRAGMENT_WORDS = 8  # Otter's misplaced fragments are a few words (dev/01); set on dev


def _continues(text: str) -> bool:
    """Does a turn start inside a sentence (`we do, I need it.`, `enjoyable.`)?"""
    first = next((c for c in text if c.isalpha()), "")
    return bool(first) and first.islower()


def cut_sentence_side(turns, i: int, done: list[bool], roles: dict[str, str]) -> Optional[bool]:
    """A few words under a label that is not one person, finishing a labelled speaker's sentence
    (the turn before ends unfinished, this one starts lowercase: diarization moved the label a few
    words early): that speaker's role. None: not such a fragment. (The mirror case, a fragment that
    starts the next speaker's sentence, was right less often than wrong on dev, so it is not used.)"""
    text = turns[i].text.strip()
    if len(text.split()) > FRAGMENT_WORDS or not i or not _continues(text):
        return None  # a long stretch is its own speaker's, however it starts
    if _ENDS.search(turns[i - 1].text.strip()) or roles.get(turns[i - 1].speaker) == "mixed":
        return None
    return done[i - 1]


GUEST_LABELLED = 0.1  # share of the file's words under the interviewee's own label (dev/63: 0.31, dev/01: 0.001)
SURE_LONG = 0.85  # a longer turn read alone, where the interviewee's voice is not labelled elsewhere
SURE_FRAGMENT = 0.6  # a few words, or a turn whose like-alone reading is known to be unreliable


def alone_sure(text: str, *, mostly_mixed: bool, guest_labelled: bool) -> float:
    """How sure the side read from one turn alone is, for a turn under a label that is not one person
    (Otter's `Unknown Speaker`). A longer turn there is likelier the interviewee's only when the
    interviewee's voice is not already labelled: where the interviewee has a label of their own that
    carries a real part of the talk (`guest_labelled`), the unnamed voice is more often a host nobody
    named (dev/63: nine such long turns, all hosts'); and where the label carries nearly the whole file
    (`mostly_mixed`), hosts and guest alike are under it."""
    unsure = len(text.split()) <= FRAGMENT_WORDS or mostly_mixed or guest_labelled
    return SURE_FRAGMENT if unsure else SURE_LONG


# the host welcoming the guest in so many words ("Jesse, welcome to the show."): what comes before is the
# show's open (cold open, intro, sponsor read), the host's alone
_GUEST_WELCOME = re.compile(r"\bwelcome (?:to|on(?:to)?) the (?:show|podcast|program(?:me)?)\b|"
                            r"\bthanks? (?:you )?(?:so much )?for (?:joining (?:me|us)|coming on)\b", re.I)
OPENING_SECONDS = 600  # the open is over within ten minutes
# ... and within the first quarter of the talk: in a call shorter than ten minutes, the host's closing
# "thanks for joining me" is not a welcome, and all that came before it is not the open (dev/94: 6 of 370)
OPENING_SHARE = 0.25


def opening_end(units: Sequence[Unit]) -> int:
    """How many units the host's open takes: up to the last welcome of the guest in the first minutes
    (and the first quarter of the units)."""
    end = 0
    for k, u in enumerate(units):
        if (u.start is not None and u.start > OPENING_SECONDS) or k >= OPENING_SHARE * len(units):
            break
        if _GUEST_WELCOME.search(u.text):
            end = k + 1
    return end


def stream_path(turns, hints: list[Optional[str]]) -> Optional[tuple[list[bool], list[float]]]:
    """Talk with no per-person labels, timed (a caption stream): each turn's role from the likeliest
    path through all of them (`decode`), not from each turn alone; the show's open is the host's."""
    if not any(getattr(t, "start", None) is not None for t in turns):
        return None
    units = [Unit(t.text, getattr(t, "start", None), getattr(t, "end", None), getattr(t, "change", None))
             for t in turns]
    fixed: list[Optional[bool]] = [None if h is None else h == "interviewer" for h in hints]
    for k in range(opening_end(units)):
        if fixed[k] is None:
            fixed[k] = True
    return decode(units, fixed)


def guarded(turn, is_interviewer: bool, sure: float, threshold: float = SURE_EVIDENCE) -> bool:
    """The evidence guard: an interviewee turn whose side was guessed turn by turn is not quoted as
    the interviewee's words when the guess is unsure or the turn reads as an interviewer's move (a
    question, a prompt, a pitch, a recap, praise): roles may be wrong, evidence must not be."""
    if is_interviewer or sure >= 1.0:
        return False
    return (sure < threshold or len(turn.text.split()) <= SHORT_GUESS or question_turn(turn.text)
            or interviewer_move(turn.text))


# with no labels, a silence this long (seconds) ends a turn: whisper's segments are sentences, and a speaker
# change shows as a pause that short (cues.py cuts there; `rejoin_sides` never joins across one)
UNLABELED_GAP = 1.0


def _sentence_cut(prev, cur) -> bool:
    """Was the cut between two caption turns only a sentence end (no question, no pause)?"""
    text = prev.text.rstrip()
    last = prev.end if getattr(prev, "end", None) is not None else getattr(prev, "start", None)
    start = getattr(cur, "start", None)
    return (text[-1:] in ".!" and last is not None and start is not None and start - last <= UNLABELED_GAP)


def rejoin_sides(turns, maps: list, sides: list[bool], guessed: list[bool]) -> list[int]:
    """Where an unlabelled caption stream was cut at every sentence end (cues.py) to find where the speaker
    changes, the indices of the turns that start a turn once one side's consecutive sentences are joined
    again: cut at a sentence end only (not at a question or a pause), the same speaker (the stream's one
    unknown label), the same side, the same evidence guard, no map to keep (caption turns have none). A
    quote spanning two of the guest's sentences then lies within one turn, and a guarded sentence is never
    joined to evidence."""
    starts = []
    for i, t in enumerate(turns):
        prev = turns[i - 1] if i else None
        join = (prev is not None and prev.speaker == t.speaker and not maps[i] and not maps[i - 1]
                and not getattr(t, "notes", False) and not getattr(prev, "notes", False)
                and sides[i] == sides[i - 1] and guessed[i] == guessed[i - 1] and _sentence_cut(prev, t))
        if not join:
            starts.append(i)
    return starts
