"""Ways of coping and triggers in real speech (issue 21, item 2): a tool or service named mid-sentence, a
workaround, help from someone else; another's act that set the speaker going. Each sentence is an
interviewee's, from a dev corpus file, and each is an alternative or trigger of that file's findings
annotation that the offline extractor missed before these forms (synth/extract/local_forms.py).
"""
from __future__ import annotations

import pytest
from conftest import dev_file

from synth.extract import local
from synth.extract import local_forms as forms
from synth.extract import local_speech as speech
from synth.models import Evidence


def _alternative(s: str):
    ev = Evidence(quote=s, file="f", transcript_hash="h", speaker="guest", turn_index=0, char_start=0,
                  char_end=len(s), match="exact")
    return local._item("alternative", s, ev, False, [], None)


@pytest.mark.parametrize("prefix, sentence, name", [
    ("110", "scrolling through your Instagram, YouTube, social media, whatever it is.", "Instagram"),
    ("45", "Donald wrote this thing called Linehaul that basically takes all of PyPI's download data", "Linehaul"),
    ("61", "I've usually been accessing my HealtheVet, which they say that it covers", "HealtheVet"),
    ("61", "But like I said, that was through My HealtheVet, the secure messaging.", "HealtheVet"),
    ("02", "So I started collating data in the spreadsheets, and that kind of stuff", None),
])
def test_a_way_of_coping_in_real_speech_is_an_alternative(prefix, sentence, name):
    assert sentence in dev_file(prefix)  # the guest's own words, not ours
    assert not speech.speech_alternative(sentence)  # the adoption verbs alone miss it
    d: dict[str, float] = {}
    local._add_coping(sentence, d)
    assert "alternative" in d and d["alternative"] < local.RULE_SCORE  # after the surer rule alternatives
    it = _alternative(sentence)
    assert it is not None and (name is None or it.name == name)


@pytest.mark.parametrize("sentence", [
    "The subscription price is not an option for me, I'd look at other apps.",  # willingness to pay
    "I was in San Francisco during the dotcom boom.",                          # a place, not a tool
])
def test_a_price_or_a_place_is_not_an_alternative(sentence):
    assert forms.coping(sentence) == 0


def test_paying_attention_is_not_a_price():
    sentence = "Yeah, Calm is a great app; I'm on multiple apps, and done hundreds of different meditations"
    assert sentence in dev_file("110")
    assert forms.coping(sentence + ", paying attention to the breath.") == 1


@pytest.mark.parametrize("prefix, sentence", [
    ("02", "it pushed me rapidly into this need to have some actual data"),
    ("105", "At the end of the year a hedge fund reached out to my company Chainsmiths"),
    ("122", "had a bunch of life changes hit that made me think maybe I want to roll the dice and try again."),
    ("84", "we were pushed in this direction because of our users and our customers."),
])
def test_anothers_act_that_set_the_speaker_going_is_a_trigger(prefix, sentence):
    assert sentence in dev_file(prefix)
    assert not speech.speech_trigger(sentence)  # no time word: the event rule alone misses it
    d: dict[str, float] = {}
    local._add_event(sentence, d)
    assert "trigger" in d


def test_a_hypothetical_push_is_not_a_trigger():
    assert not forms.set_going("If my boss pushed me to switch, we would look at it.")


def test_an_editors_bracketed_aside_is_not_the_speakers_coping():
    # dev 45: an editor's note and an inline one; the web domain in them is not a tool the speaker names
    note = "[Ed: Nick later wrote that, courtesy of Aurynn Shaw as per the tweet at https://twitter.com/"
    inline = "I think it's called Open Collective [Ed: yes, it is - http://opencollective.com]."
    text = dev_file("45")
    assert note in text and inline in text
    assert forms.coping(note) == 0 and forms.named_tool(note) is None
    assert forms.named_tool(inline) == "Open Collective"
