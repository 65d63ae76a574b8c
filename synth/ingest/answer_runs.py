"""Which guessed turns of talk with no speaker labels may be the interviewee's evidence: answer runs only.

In a caption stream (whisper's cues, unlabelled VTT/SRT, cues saved as text) every side is a guess
(sequence.py). A guess that a sentence is the guest's is right most of the time, but a researcher must
never see the host's words as the guest's, so a guessed turn is evidence only where the shape of the
talk makes it the interviewee's, not where the guess alone does:

- it is part of an **answer run**: the turns on the interviewee's side after an interviewer's turn
  that asks (a question, not a tag like "..., right?"; or a prompt such as "tell me about ..."). Talk
  after the host's own statements, intros, sponsor reads, anecdotes and praise is not an answer, and
  the path often fails to see the change of speaker there (a host's story read as the guest's);
- the run is long enough to be an answer (`RUN_WORDS`): one short sentence between two questions is
  more often the asker finishing the question ("What was your thought process? Like, okay, maybe we
  should do something here.") than an answer;
- the run ends at the first turn that reacts to the other person (praise, a prompt, a welcome, more
  "you" than "I/we": `reacts`), and a turn that the next one thanks for ("Because it's a very polished
  game." / "Thank you very much.") is the asker's: past such a turn the path has most likely missed a
  change of speaker;
- inside a run a guess needs `RUN_SURE`, and the turn must still pass the rest of the guard
  (sequence.guarded: not a question, a move or a few words).

Whatever the rule keeps out stays in the transcript with its guessed side (read by the user, counted
in per-turn roles); it is only never quoted as the interviewee's words. `left_out` says how much of the
file that is, for the warning.
"""
from __future__ import annotations

import re
from typing import Optional, Sequence

from .sequence import interviewer_move, pronoun_lean
from .talk import TAG_QUESTION, question_turn

# a run of fewer words than this after a question is not taken for an answer: the asker finishing the question
# (dev 50: 8 words); the characters let through on dev 50, 94, 95 barely move between 10 and 20
RUN_WORDS = 10
# inside an answer run the turn's shape already says "answer": a guess this sure is enough (outside one,
# sequence.SURE_EVIDENCE). Dev 50, 94, 95, characters let through and the guest's share of them: 0.8 9.7K
# (98.7%), 0.7 17.5K (98.3%); before answer runs, every sure guess: 27.6K (91.9%)
RUN_SURE = 0.7

_SENT_END = re.compile(r"(?<=[.?!])\s+")
# a prompt that asks without a question mark ("Tell me about ...", "So walk us through ...")
_PROMPT = re.compile(r"^(?:(?:so|and|okay|ok|yeah|well|right|now|alright|all right)[,.!]?\s+)*"
                     r"(?:(?:can|could|would) you (?:tell|talk|walk|describe|explain|share|give|speak)|tell (?:me|us)|"
                     r"walk (?:me|us)|talk (?:me|us) through|what about|how about|i (?:want|wanted|would like|'d like) "
                     r"to (?:ask|hear))\b", re.I)


def asks(text: str) -> bool:
    """Does an interviewer's turn ask something the other side then answers (a real question or a
    prompt), as opposed to stating, telling a story, praising or tagging a statement with "right?"."""
    s = text.strip()
    if not s:
        return False
    last = _SENT_END.split(s)[-1]
    if last.endswith("?"):
        return not TAG_QUESTION.search(last)
    return question_turn(s) or bool(_PROMPT.match(last))


# a bare thank-you: it answers praise or a welcome, so what came just before it is the other side's
_THANKS = re.compile(r"^(?:(?:oh|well|yeah|wow)[,!]?\s+)*(?:thank you|thanks)(?: (?:so|very) much)?\b[^.?!]{0,20}[.!]?$",
                     re.I)


def thanked(text: str) -> bool:
    """Is this a bare thank-you ("Thank you very much.", "Thanks, Michael.")?"""
    return len(text.split()) <= 5 and bool(_THANKS.match(text.strip()))


def leans_to_you(text: str) -> bool:
    """More talk about "you" than about "I/we": a prompt, a recap or an aside to the other person."""
    return pronoun_lean(text) > 0


def reacts(text: str) -> bool:
    """A reaction to the other person (praise, "you're absolutely right", a recap): the asker's, so an
    answer run read past one has most likely missed a change of speaker."""
    return interviewer_move(text) or leans_to_you(text)


def answer_runs(texts: Sequence[str], sides: Sequence[bool]) -> list[bool]:
    """Per turn: does it lie in an answer run (interviewee-side turns after an asking interviewer turn,
    `RUN_WORDS` or more words in all, up to the first turn that reacts to the other person)?
    Interviewer-side turns are never in one."""
    n = len(texts)
    out = [False] * n
    i = 0
    opened = False
    while i < n:
        if sides[i]:
            opened = asks(texts[i])
            i += 1
            continue
        j = i
        while j < n and not sides[j]:
            j += 1
        if opened and sum(len(t.split()) for t in texts[i:j]) >= RUN_WORDS:
            for k in range(i, j):
                if reacts(texts[k]):
                    break
                # a turn the next one thanks for is the asker's praise ("Because it's a very polished game.")
                out[k] = not (k + 1 < n and thanked(texts[k + 1]))
        opened = False
        i = j
    return out


def keep_out(sides: Sequence[bool], guessed: Sequence[bool], open_turns: Sequence[bool],
             loose: Sequence[bool], runs: Sequence[bool]) -> list[bool]:
    """The evidence guard over a stream with no labels: for the turns whose side was only guessed
    (`open_turns`), in an answer run (`runs`) the guard at `RUN_SURE` (`loose`), outside one never
    evidence; every other turn keeps `guessed` (sequence.guarded)."""
    return [(lo or not run) if o and not iv else g for iv, g, o, run, lo in zip(sides, guessed, open_turns, runs, loose)]


def left_out(texts: Sequence[str], sides: Sequence[bool], after: Sequence[bool], open_turns: Sequence[bool],
             runs: Sequence[bool]) -> tuple[int, int, int]:
    """(words guessed as the interviewee's, of them kept out inside answer runs by the guard, of them kept
    out for lying outside an answer run) over the turns whose side was only guessed."""
    total = by_guard = by_runs = 0
    for t, iv, a, o, run in zip(texts, sides, after, open_turns, runs):
        if not o or iv:
            continue
        w = len(t.split())
        total += w
        by_guard += w * (a and run)
        by_runs += w * (a and not run)
    return total, by_guard, by_runs


def answers_only(texts: Sequence[str], sides: Sequence[bool], guessed: Sequence[bool],
                 open_turns: Sequence[bool], loose: Sequence[bool]) -> tuple[list[bool], Optional[str]]:
    """`keep_out`, and the warning that says how much of the guessed interviewee talk is not evidence
    and why (None where nothing is left out)."""
    runs = answer_runs(texts, sides)
    after = keep_out(sides, guessed, open_turns, loose, runs)
    total, by_guard, by_runs = left_out(texts, sides, after, open_turns, runs)
    if not total or not by_guard + by_runs:
        return after, None
    out = by_guard + by_runs
    return after, (f"no speaker labels, sides guessed turn by turn: of {total} words read as the interviewee's, "
                   f"{out} ({100 * out // total}%) are not used as evidence ({by_runs} outside an answer to a "
                   f"question, {by_guard} inside one but unsure, a question, a move or a few words)")
