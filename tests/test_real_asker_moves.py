"""The interviewer's moves that read like statements are never items (issue 20: no item whose evidence is
interviewer speech). Where ingest takes an interviewer's turn for the interviewee's, the offline extractor quoted
the asker restating the other side or setting up a question about them. Each sentence here is from an
interviewer's turn of a dev corpus file (its annotation says so) and was an item of that turn when the turn was
read as the interviewee's (`python -m evals.real.leak`); the interviewee's own lead-ins stay items.
"""
from __future__ import annotations

import pytest
from conftest import dev_file, make_transcript

from synth.extract import local_speech as speech


@pytest.mark.parametrize("prefix, sentence", [
    ("02", "Something you said earlier was that being told you suck is the good news."),
    ("02", "In one part I'm scared as all heck of what you've just said"),
    ("02", "Being able to communicate back to management with predictability is the hardest thing, you're right."),
    ("02", "That's why I asked what level you play at, because I totally empathize with you."),
    ("131", "it sounds like you're gonna ultimately put the same amount of CPU load on"),
])
def test_an_interviewers_restatement_is_not_an_item(prefix, sentence):
    assert sentence in dev_file(prefix)  # the interviewer's own words, not ours
    assert speech.asker_move(sentence)
    assert speech.not_an_item(sentence) == "the asker's move"


@pytest.mark.parametrize("prefix, sentence", [
    # an interviewee picking up the host's words to make their own point
    ("110", "But what we need to do, and what The Now Effect was based on, as you mentioned,"),
    ("54", "Because you're right, we have been trying way too long to be clever"),
    # generic "you": how a thing works for anyone
    ("02", "Because there's not a data layer there, it's hard to figure out if your team is thriving or not."),
    ("100", "It's very hard to keep your trading strategy proprietary whether at a fund or working on your own."),
])
def test_an_interviewees_own_point_is_not_a_move(prefix, sentence):
    assert sentence in dev_file(prefix)
    assert not speech.asker_move(sentence)


def _turn(prefix: str, starts: str) -> str:
    (line,) = [ln for ln in dev_file(prefix).splitlines() if ln.startswith(starts)]
    return line


def test_a_turn_that_ends_asking_the_listener_is_set_up_not_said():
    # dev 01: a host's long turn, her own view of TypeScript and then the question to the guest, read as the
    # interviewee's (its items leaked in `python -m evals.real.leak`): the statements just before the question
    # set it up; further back it is her own talk, left to the roles
    turn = _turn("01", "I wonder if, because, you know, TypeScript")
    assert speech.asks_listener(turn)
    t = make_transcript([("Guest", False, "I use it every day."), ("Host", False, turn)])
    why = {u.text: u.why_not for u in speech.units(t) if u.turn == 1}
    assert why["But I think overall, it's one way that we can be secure."] == "the asker's setup"
    assert why["I know, you said that you're not necessarily a developer."] == "the asker's move"  # a recap
    assert why["I think that's actually one benefit of using it."] is None
    assert not [u for u in speech.units(t) if u.turn == 0][0].why_not


@pytest.mark.parametrize("text", [
    "It's a lot of manual work. Does that make sense?",  # a check-in on the speaker's own point
    "We tried three vendors and none of them worked, you know?",
    "We tried three vendors and none of them worked.",
])
def test_a_check_in_or_a_statement_is_not_asking_the_listener(text):
    assert not speech.asks_listener(text)
