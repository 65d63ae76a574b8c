"""Felt problems in real speech (issue 21): what counts as one, and how it ranks among a long interview's pains.

The sentences are written for these tests (no evaluation study's or corpus file's lines). The classifier is
replaced by fixed probabilities, so each test says exactly which ranking rule it checks.
"""
from __future__ import annotations

from pathlib import Path
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


# ------------------------------------------------------------------------------------ session 4: strength and order

@pytest.mark.parametrize("sentence, strength", [
    ("Getting the invoices out every month is really frustrating.", 2),
    ("It's tough to fit a whole face into so few pixels.", 2),
    ("Running the shop on weekends burned me out.", 2),
    ("We had some issues with the printer.", 1),                  # felt, in words said of anything
    ("Setting up the new account took about two days.", 1),       # a cost in time
    ("The first launch did not go through and nobody told us.", 1),  # a failed outcome
    ("None of us really had experience running a company.", 1),   # know-how missing
    ("I can't wait to show people the new levels.", 0),            # an idiom: nothing is wrong
    ("We never really ran into any issues with the port.", 0),    # a problem denied
    ("I keep my recipes in a blue folder in the kitchen.", 0),
])
def test_felt_strength_tells_a_difficulty_from_a_word_said_of_anything(sentence, strength):
    assert speech.felt_strength(sentence) == strength


def test_in_a_long_interview_felt_problems_rank_by_their_words_then_directness_not_the_classifier():
    weak_long = ("When you build anything for a big audience there are always problems around direction and focus "
                 "that take a while to settle.")
    strong_short = "Honestly, the launch week was stressful."
    strong_long = "And we were trying to ship the demo and the trailer in the same week, which was really stressful."
    cats = _classify([FILLER, weak_long, strong_long, strong_short], [0.0, 0.95, 0.5, 0.02])
    assert cats[3]["pain"] > cats[2]["pain"] > cats[1]["pain"]  # the classifier's 0.95 does not decide it
    short = _classify([weak_long, strong_short], [0.95, 0.4])  # a study-sized interview: the classifier's order
    assert short[0]["pain"] > short[1]["pain"] - local.FELT_FIRST


@pytest.mark.parametrize("sentence", [
    "One of the judges comes by and he goes, this art looks unfinished.",
    "Then one of my friends was like, the colours don't work.",
    "After finishing the first game, I really wanted to come back to the idea.",
    "My contracts ended and I decided to go full time on the project.",
    "I joined the studio right after a round of layoffs.",
])
def test_someones_remark_an_ending_or_an_after_is_a_trigger(sentence):
    assert speech.speech_trigger(sentence)


@pytest.mark.parametrize("sentence", [
    "When I was a kid I drew comics on the back of my homework.",   # a state, not an event
    "When you write a test first, you find the edge cases.",         # generic, not the speaker's moment
    "I asked our designer and he said the palette was fine.",        # reported talk is not itself an event
])
def test_a_state_a_generic_when_or_reported_talk_is_no_trigger(sentence):
    assert not speech.speech_trigger(sentence)


def test_a_crisis_or_a_remark_is_kept_before_a_plain_time_word_under_the_rule_cap():
    weak = "When I started the project I worked on it on weekends."
    strong = "Then the pandemic hit and we all started working from home."
    cats = _classify([weak, strong], [0.0, 0.0])
    assert speech.trigger_strength(strong) > speech.trigger_strength(weak)
    kept = local.select_strongest(cats, words=100)  # a short interview: one rule trigger
    assert ["trigger" in k for k in kept] == [False, True]


def test_a_real_dev_interviews_triggers_are_found(embed_model):
    """The Hit Save! Q-Cubed interview (corpus dev half): both triggers its findings note, a friend's remark
    and the end of a previous project, are among the extracted triggers."""
    import yaml

    from synth.embed import Embedder
    from synth.ingest import load_transcript

    root = Path(__file__).resolve().parent.parent / "evals" / "real"
    name = "47_hitsave_Q-Cubed - Interview with Carolyn Lu at Cludosian Games.md"
    t = load_transcript(root / "dev" / name)
    ex = local.extract_local(t, None, Embedder())
    got = " ".join(e.quote for it in ex.items() if it.category == "trigger" for e in it.evidence)
    for f in yaml.safe_load((root / "findings" / f"{name}.yaml").read_text(encoding="utf-8"))["triggers"]:
        assert f["quote"].split(",")[0].strip(" .") in got


def test_a_felt_problem_said_in_one_long_unpunctuated_run_is_still_a_pain():
    # auto-captions carry no punctuation, so one unit can run to hundreds of words; the directness order
    # must not push such a felt problem down to where only speech-rule finds sit (never kept as pains)
    run_on = "the export is really annoying " + " ".join(["and then we copy the rows over by hand"] * 60)
    cats = _classify([FILLER, run_on], [0.0, 0.02])
    assert cats[1]["pain"] > local.RULE_SCORE
    kept = local.select_strongest(cats, words=len(FILLER.split()) + len(run_on.split()))
    assert "pain" in kept[1]
