"""Issue 20, session 7 (`studyctx`): the first speaker who gives their own name hosts (talk.opening_hosts,
dev 112's "We are backstage. I'm Jerod, Adam's here"), but not where the show opens with a guest's clip
(a cold open) and the talk clearly puts that speaker among those who answer.

Dev 76 opens with the guest's clip; in the dev half no first turn of a cold open gives its speaker's name,
so these tests give it one, as such clips often do ("Hi, I'm ... and ..."). Before, the guest became the
host of the whole show (187 of dev 76's 221 turns changed side). Only dev files are read.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from synth.ingest import load_transcript

DEV = Path(__file__).resolve().parents[1] / "evals" / "real" / "dev"
DATA = "76_changelog-podcast_the-changelog-273.md"  # the guest's clip, then the two hosts and two guests
POLITICS = "54_btctranscripts-bitcoinmagazine_the-politics-of-bitcoin-development.md"  # host and one guest


@pytest.mark.parametrize("intro", ["Hi, I'm Vida Williams, and u", "This is Vida Williams. U", "My name is Vida and u"])
def test_a_guest_clip_that_gives_the_guests_name_does_not_make_them_the_host(intro, tmp_path):
    text = (DEV / DATA).read_text(encoding="utf-8")
    assert text.startswith("**Vida Williams:** Unless you're a data practitioner")
    (tmp_path / DATA).write_text(text.replace("**Vida Williams:** U", f"**Vida Williams:** {intro}", 1),
                                 encoding="utf-8")
    as_published, with_name = load_transcript(DEV / DATA), load_transcript(tmp_path / DATA)
    assert set(as_published.interviewers) == set(with_name.interviewers) == {"Jerod Santo", "Adam Stacoviak"}
    assert [u.is_interviewer for u in with_name.turns] == [u.is_interviewer for u in as_published.turns]


def test_two_people_a_guest_clip_before_the_hosts_own_name_leaves_the_host_the_host(tmp_path):
    # a clip of the guest's first answer, with their name, put before the show opens
    text = (DEV / POLITICS).read_text(encoding="utf-8")
    answer = "I got extremely lucky that Rusty proposed it"
    assert answer in text
    clip = f"Christian Decker: 00:00:00\n\nI'm Christian Decker, and {answer[0].lower()}{answer[1:]}.\n\n"
    (tmp_path / POLITICS).write_text(text.replace("Shinobi: 00:00:01", clip + "Shinobi: 00:00:01", 1),
                                     encoding="utf-8")
    t = load_transcript(tmp_path / POLITICS)
    assert t.interviewers == ["Shinobi"] and t.interviewee == "Christian Decker"


def test_the_first_speaker_giving_their_own_name_still_hosts_where_the_talk_does_not_say_otherwise():
    backstage = load_transcript(DEV / "112_changelog-backstage_backstage-22.md")  # five voices in banter
    assert "Jerod Santo" in backstage.interviewers
    assert load_transcript(DEV / POLITICS).interviewers == ["Shinobi"]  # "Hi everybody, I'm Shinobi"
