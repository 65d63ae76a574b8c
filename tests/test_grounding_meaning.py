"""Fuzzy grounding tolerates slips, never changes of meaning; spans are whole words; salvage keeps
the verbatim part of a near-miss quote and nothing else."""
from __future__ import annotations

from conftest import make_transcript

from synth.extract.grounding import locate, meaning_differs, salvage, snap

T = make_transcript([
    ("Priya", True, "Thanks for joining. Could you walk me through how the access review works today?"),
    ("Dana", False, "Every quarter my team spends about 40 hours pulling user lists into a spreadsheet, "
                    "and then the managers just approve every row."),
    ("Dana", False, "Our SOC 2 Type II audit window opens in June, and last year the auditor flagged "
                    "our access review evidence as a weakness."),
    ("Dana", False, "We tried HashiCorp Vault, but nobody on the team had time to run it, so we went "
                    "back to the spreadsheet."),
    ("Dana", False, "We have never had a real outage from a leaked credential, which honestly is luck."),
])


def shown(ev):
    return T.text[ev.char_start:ev.char_end]


def test_a_misread_number_is_not_located_at_the_number_said():
    # partial ratio alone scores this ~98 against "about 40 hours": the number decides
    assert locate("Every quarter my team spends about 400 hours pulling user lists", T) is None
    ok = locate("Every quarter my team spend about 40 hours pulling user lists", T)
    assert ok is not None and ok.match == "fuzzy" and "40 hours" in ok.quote


def test_a_dropped_or_added_negation_is_refused():
    assert locate("We have had a real outage from a leaked credential, which honestly is luck.", T) is None
    assert locate("We tried HashiCorp Vault, but somebody on the team had time to run it", T) is None
    assert meaning_differs("we did not pay for it", "we did pay for it") == "negation"
    assert meaning_differs("we don't pay for it", "we do pay for it") == "negation"
    assert meaning_differs("went live without review", "went live with review") == "negation"


def test_a_different_name_is_refused():
    assert locate("We tried HashiCorp Consul, but nobody on the team had time to run it", T) is None
    assert meaning_differs("We tried Doppler last year", "We tried Vault last year") == "name"
    # capitalised for being first in the sentence is not a name
    assert meaning_differs("Then the managers approve", "then the managers approve") is None


def test_spans_snap_to_word_boundaries_and_show_the_transcript():
    text = "Our SOC 2 Type II audit window opens in June, and"
    assert snap(text, text.index("opens"), text.index("June") + 2) == (text.index("opens"), text.index("June") + 4)
    assert snap(text, text.index("pens"), text.index(" in")) == (text.index("opens"), text.index(" in"))
    ev = locate("our SOC 2 Type II audit window opens in Ju", T)
    assert ev is not None and shown(ev) == ev.quote
    assert ev.quote[-1].isalpha() and not ev.quote.endswith("Ju")
    for q in ["every quarter my team spends about 40 hours pulling user list", "ur SOC 2 Type II audit window"]:
        ev = locate(q, T)
        assert ev is not None and shown(ev) == ev.quote
        a, b = ev.char_start, ev.char_end
        assert not (T.text[a - 1].isalnum() and T.text[a].isalnum())
        assert not (T.text[b - 1].isalnum() and T.text[b].isalnum())


def test_salvage_keeps_the_longest_verbatim_run_inside_one_turn():
    q = ("So basically every quarter, to be honest, my team spends about 40 hours pulling user lists "
         "into one big spreadsheet")
    assert locate(q, T) is None  # too many insertions for a slip
    ev = salvage(q, T)
    assert ev is not None and ev.match == "salvaged" and shown(ev) == ev.quote
    # the words the quote inserted ("to be honest") are left out of the run (issue 25): the turn's own
    # contiguous words, each in the quote and in its order
    assert ev.quote == "Every quarter my team spends about 40 hours pulling user lists into"
    assert ev.turn_index == 1


def test_salvage_never_crosses_turns_nor_uses_the_interviewer():
    stitched = ("so we went back to the spreadsheet. We have never had a real outage from a leaked "
                "credential")
    ev = salvage(stitched, T)
    assert ev is not None and ev.turn_index in (3, 4)
    turn = T.turns[ev.turn_index]
    assert turn.char_start <= ev.char_start and ev.char_end <= turn.char_end
    assert salvage("Could you walk me through how the access review works today", T) is None


def test_salvage_refuses_a_run_that_drops_a_negation():
    assert salvage("we did not spend about 40 hours pulling user lists into a spreadsheet", T) is None


def test_short_runs_are_not_salvaged():
    assert salvage("we pay fifty thousand dollars a year for Vault and it is great", T) is None
