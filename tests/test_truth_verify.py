"""synth.extract.verify on hand-built extractions: each fact-claiming field against its evidence."""
from __future__ import annotations

from conftest import make_transcript

from synth.extract.verify import verify_extraction
from synth.models import AccountTraits, Alternative, DmuMember, Evidence, Extraction, Trait, Transcript, Trigger

T = make_transcript([
    ("Priya Nair", True, "Who else is involved?"),
    ("Helen Zhou", False, "I own the budget, so I sign. Rahul has to approve anything that touches secrets."),
    ("Helen Zhou", False, "We're about a hundred and fifty people. We looked at Vault in March, it was too heavy."),
])


def ev(t: Transcript, turn: int, quote: str) -> Evidence:
    tr = t.turns[turn]
    a = tr.text.index(quote)
    return Evidence(quote=quote, file=t.file_name, transcript_hash=t.content_hash, speaker=tr.speaker,
                    turn_index=turn, char_start=tr.char_start + a, char_end=tr.char_start + a + len(quote))


def extraction(**lists) -> Extraction:
    return Extraction(file=T.file_name, transcript_hash=T.content_hash, extractor="llm", **lists)


def test_a_person_is_named_as_the_transcript_names_them():
    e1 = ev(T, 1, "I own the budget, so I sign.")
    e2 = ev(T, 1, "Rahul has to approve anything that touches secrets.")
    ex = extraction(dmu=[
        DmuMember(statement="CFO economic buyer", name="Helen Zhou", title="CFO", role="economic_buyer", evidence=[e1]),
        DmuMember(statement="Security blocker", name="Rahul Menon", role="blocker", evidence=[e2]),
    ])
    verify_extraction(ex, T)
    helen, rahul = ex.dmu
    assert helen.name == "Helen Zhou"  # a speaker label is part of the transcript
    assert helen.title is None and helen.statement == "economic buyer"  # nobody said CFO
    assert rahul.name == "Rahul"  # the surname was never said: the part that was
    assert (ex.stats.fields_nulled, ex.stats.fields_corrected) == (1, 1)


def test_employees_said_in_words_become_digits_and_a_wrong_count_is_corrected():
    e = ev(T, 2, "We're about a hundred and fifty people.")
    ok = extraction(traits=AccountTraits(employees=Trait(value="a hundred and fifty", source="transcript", evidence=e)))
    verify_extraction(ok, T)
    assert ok.traits.employees.value == "150" and ok.stats.fields_corrected == 0  # same number, digits for the ICP
    wrong = extraction(traits=AccountTraits(employees=Trait(value="15", source="transcript", evidence=e)))
    verify_extraction(wrong, T)
    assert wrong.traits.employees.value == "150" and wrong.stats.fields_corrected == 1


def test_when_and_product_names_must_be_said():
    e = ev(T, 2, "We looked at Vault in March, it was too heavy.")
    ex = extraction(triggers=[Trigger(statement="Evaluated Vault", kind="other", when="in March", evidence=[e]),
                              Trigger(statement="Evaluated Vault again", kind="incident", when="last May",
                                      days_before_interview=200, evidence=[e])],
                    alternatives=[Alternative(statement="HashiCorp Vault: too heavy", name="HashiCorp Vault",
                                              kind="competitor", evidence=[e])])
    verify_extraction(ex, T)
    assert ex.triggers[0].when == "in March"
    assert ex.triggers[1].when is None and ex.triggers[1].days_before_interview is None
    assert ex.alternatives[0].name == "Vault" and ex.alternatives[0].statement == "Vault: too heavy"


def test_evidence_that_is_not_the_transcripts_own_text_is_removed():
    bad = ev(T, 1, "I own the budget, so I sign.").model_copy(update={"quote": "I own the whole budget"})
    interviewer = Evidence(quote="Who else is involved?", file=T.file_name, transcript_hash=T.content_hash,
                           speaker="Priya Nair", turn_index=0, char_start=0, char_end=21)
    ex = extraction(dmu=[DmuMember(statement="buyer", role="economic_buyer", evidence=[bad, interviewer])])
    ex.stats.items_grounded, ex.stats.quotes_grounded = 1, 2
    verify_extraction(ex, T)
    assert ex.dmu == [] and ex.stats.items_dropped == 1 and ex.stats.quotes_dropped == 2
    assert ex.stats.items_grounded == ex.stats.quotes_grounded == 0


def test_a_number_said_only_in_a_guarded_turn_is_not_the_interviewees():
    # ingest guessed the second turn's side and guarded it (role_guessed): it is not the interviewee's
    # evidence, so its "40 hours" cannot back a statement's number either
    from synth.models import PainPoint

    t = make_transcript([("Unknown", True, "So you spend 40 hours a month on it?"),
                         ("Unknown", False, "So you spend 40 hours on exports?"),
                         ("Unknown", False, "Exports eat most of my week, every single month.")])
    t.turns[1] = t.turns[1].model_copy(update={"role_guessed": True})
    quote = "Exports eat most of my week, every single month."
    pain = PainPoint(statement="Exports take 40 hours a month", evidence=[ev(t, 2, quote)])
    ex = Extraction(file=t.file_name, transcript_hash=t.content_hash, extractor="llm", pains=[pain])
    verify_extraction(ex, t)
    assert ex.pains[0].statement == quote and ex.stats.fields_corrected == 1
