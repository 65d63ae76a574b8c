"""Felt problems in real speech (issue 21): what counts as one, and how it ranks among a long interview's pains.

The sentences are written for these tests (no evaluation study's or corpus file's lines). The classifier is
replaced by fixed probabilities, so each test says exactly which ranking rule it checks.
"""
from __future__ import annotations

from unittest import mock

import numpy as np
import pytest

from synth.extract import local, local_model
from synth.extract import local_speech as speech


@pytest.mark.parametrize("sentence", [
    "The charger cable keeps falling off my desk, which is really annoying.",
    "I can't stand how the app logs me out every morning.",
    "The sync quits working halfway through every upload.",
    "I still haven't figured out a way to keep my recipes in one place.",
    "It wasn’t clear whether the form had been sent or not.",
    "Getting the kids to practice on time is a struggle.",
])
def test_a_felt_problem_is_one(sentence):
    assert speech.felt_problem(sentence)


@pytest.mark.parametrize("sentence", [
    "I keep my recipes in a blue folder in the kitchen.",          # a routine, nothing wrong
    "Honestly the setup doesn't bother me at all.",                  # waved off
    "Moving the printer is not that hard for us.",                   # negated
    "If we changed vendors that would be a terrible idea.",          # a hypothetical
])
def test_a_routine_a_wave_off_or_a_hypothetical_is_not(sentence):
    assert not speech.felt_problem(sentence)


def _units(texts: list[str]) -> list[speech.Unit]:
    return [speech.Unit(turn=0, start=0, end=len(t), text=t, why_not=speech.not_an_item(t)) for t in texts]


def _classify(texts: list[str], pain: list[float]) -> list[dict[str, float]]:
    """classify_units with the classifier's pain probabilities fixed (every other category at 0)."""
    n = len(texts)
    model = {"version": "test", "embedding": False, "threshold": {c: 0.3 for c in local_model.SCORED}}
    probs = {c: np.array(pain if c == "pain" else [0.0] * n) for c in local_model.SCORED}
    with mock.patch.object(local_model, "classifier", lambda: model), \
            mock.patch.object(local_model, "feature_matrix", lambda *a, **k: np.zeros((n, 1))), \
            mock.patch.object(local_model, "probabilities", lambda x, m: probs):
        return local.classify_units(_units(texts), np.zeros((n, 384), dtype=np.float32), None)


FELT = "The charger cable keeps falling off my desk, which is really annoying."
PLAIN = "We review the monthly invoices together on Fridays after lunch."
FILLER = " ".join(["We talk through the garden plans with the neighbours"] * 90)  # about 800 words


def test_a_felt_problem_ranks_first_among_the_classifier_pains():
    cats = _classify([PLAIN, "Our team plans the next release on a shared board.", FELT], [0.9, 0.8, 0.4])
    assert cats[2]["pain"] > cats[0]["pain"]  # 0.4 with felt words ranks over 0.9 without
    kept = local.select_strongest(cats, words=100)  # a short interview keeps its 2 strongest pains
    assert ["pain" in k for k in kept] == [True, False, True]


def test_under_the_bar_a_felt_problem_is_a_pain_only_in_a_long_interview():
    short = _classify([PLAIN, FELT], [0.9, 0.05])
    assert "pain" not in short[1]  # a short (written-study sized) interview: the classifier's bar holds
    long = _classify([FILLER, PLAIN, FELT], [0.0, 0.9, 0.05])
    assert speech.interviewee_words(_units([FILLER, PLAIN, FELT])) >= speech.LONG_INTERVIEW_WORDS
    assert "pain" in long[2] and long[2]["pain"] > long[1]["pain"]
    assert "pain" not in long[0]


def test_a_waved_off_sentence_under_the_bar_stays_out_of_a_long_interview():
    cats = _classify([FILLER, "Honestly the setup doesn't bother me at all."], [0.0, 0.05])
    assert "pain" not in cats[1]


@pytest.mark.parametrize("sentence", [
    "Yesterday I got so frustrated with the portal that I gave up and phoned them.",
    "Suddenly our customers decided to pay in euros.",
    "I was tired of answering the same question, so I wrote a guide for the team.",
    "The big thing that happened was the city offered us a free venue.",
])
def test_an_event_in_time_is_a_trigger_as_real_speech_says_it(sentence):
    assert speech.speech_trigger(sentence)


@pytest.mark.parametrize("sentence", [
    "I usually walk the dog before work.",
    "If we suddenly had twice the users the site would fall over.",  # a hypothetical is no event
])
def test_a_routine_or_a_hypothetical_is_no_trigger(sentence):
    assert not speech.speech_trigger(sentence)
