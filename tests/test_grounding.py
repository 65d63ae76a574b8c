from conftest import make_transcript

from synth.extract.grounding import locate

T = make_transcript([
    ("Priya", True, "So tell me, do you spend a lot of time on access reviews?"),
    ("Dana", False, "Yeah, every quarter two engineers lose a week to “access reviews” and it’s awful."),
    ("Dana", False, "We broke   prod twice last year\nrotating the database password."),
])


def test_exact_match_gives_span_speaker_and_turn():
    ev = locate("two engineers lose a week", T)
    assert ev.match == "exact"
    assert T.text[ev.char_start:ev.char_end] == "two engineers lose a week"
    assert ev.speaker == "Dana" and ev.turn_index == 1


def test_normalized_match_folds_quotes_whitespace_and_case():
    ev = locate('Lose a week to "access reviews" and it\'s awful', T)
    assert ev.match == "normalized"
    assert T.text[ev.char_start:ev.char_end] == "lose a week to “access reviews” and it’s awful"
    ev2 = locate("we broke prod twice last year rotating the database password", T)
    assert ev2.match == "normalized" and ev2.turn_index == 2


def test_fuzzy_match_tolerates_a_small_slip():
    ev = locate("every quarter two engineer lose a week to access reviews", T)
    assert ev is not None and ev.match == "fuzzy" and ev.turn_index == 1


def test_hallucinated_quote_is_not_evidence():
    assert locate("we pay fifty thousand dollars a year for Vault", T) is None


def test_interviewer_words_are_never_evidence():
    assert locate("do you spend a lot of time on access reviews", T) is None
