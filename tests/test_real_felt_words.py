"""Felt problems said in words real guests use (issue 21): a letdown, an awkward or tricky spot, pushback, a bad
rap, something broken, not practical, really expensive. Each sentence is an interviewee's, from a dev corpus file,
and each is a pain of that file's findings annotation that the offline extractor missed before these words.
"""
from __future__ import annotations

import pytest
from conftest import dev_file

from synth.extract import local_speech as speech


@pytest.mark.parametrize("prefix, sentence", [
    ("122", "In London, the NHS has been sometimes a bit of a letdown."),
    ("122", "so that makes your taxes super awkward"),
    ("108", "we got a lot of pushback from managers and things like that."),
    ("121", "we get a really bad rap and a really bad reputation."),
    ("121", "the recruiting process and the interview process interviewing process in tech is broken."),
    ("105", "That is not very practical."),
    ("77", "There is a little bit of trickiness with mobile Safari"),
    ("95", "the computer is incredibly unforgiving"),
    ("124", "it can be really expensive."),
])
def test_a_real_guests_felt_problem_ranks_with_the_strong_ones(prefix, sentence):
    assert sentence in dev_file(prefix)  # the guest's own words, not ours
    assert speech.felt_problem(sentence)
    assert speech.felt_strength(sentence) == 2


@pytest.mark.parametrize("sentence", [
    "It's not that expensive for us.",            # waved off
    "If we moved it would be really expensive.",  # a hypothetical
])
def test_the_new_words_waved_off_or_hypothetical_are_not(sentence):
    assert not speech.felt_problem(sentence)
