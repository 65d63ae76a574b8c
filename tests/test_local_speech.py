"""Conversation structure in the offline extractor (issue 21): what can be an item, statements that keep
every inner word, number answers joined to their problem, and a walk over every study synth ships with.

The sentences in the unit tests are written for these tests (no evaluation study's lines).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import make_transcript

from synth.extract import local
from synth.extract import local_speech as speech

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def embedder(embed_model):
    from synth.embed import Embedder

    return Embedder()


@pytest.mark.parametrize("sentence, why", [
    ("So how do you track that today?", "question"),
    ("Do you know when 20 minutes has passed?", "question"),
    ("Yeah, totally, makes sense.", "backchannel"),
    ("Right, right, exactly.", "backchannel"),
    ("Probably 4 times a week.", "bare quantity"),
    ("Maybe an hour or two a week?", "question"),
    ("Maybe an hour or two a week.", "bare quantity"),
    ("Usually twice a month, I guess.", "bare quantity"),
    ("Me and my friends just do it, so-", "fragment"),
])
def test_questions_backchannels_fragments_and_bare_numbers_are_never_items(sentence, why):
    assert speech.not_an_item(sentence) == why


@pytest.mark.parametrize("sentence", [
    "Reconciling the refunds takes us about six hours every week.",
    "We keep the schedule in a shared spreadsheet that nobody updates.",
    "Our finance lead has to sign off on anything over five thousand.",
    "After the audit in March we had to rebuild the whole process.",
])
def test_claims_can_be_items(sentence):
    assert speech.not_an_item(sentence) is None


@pytest.mark.parametrize("sentence, statement", [
    ("Um, so, we keep the schedule in a shared spreadsheet, you know.", "We keep the schedule in a shared spreadsheet"),
    ("Yeah, do you know when 20 minutes has passed, like?", "Do you know when 20 minutes has passed"),
    ("It was $21 and honestly just okay.", "It was $21 and honestly just okay"),
    ("And I mean it kind of works, but it is slow, right?", "It kind of works, but it is slow"),
])
def test_statements_trim_only_edge_fillers(sentence, statement):
    assert local.clean_statement(sentence) == statement


def _in_order(statement: str, quote: str) -> bool:
    """Every word of the statement appears in the quote, in the same order."""
    qs = iter(speech.words(quote))
    return all(any(w == q for q in qs) for w in speech.words(statement))


def test_a_bare_number_answer_joins_the_sentence_before_it():
    t = make_transcript([
        ("Ada", True, "What's the hardest part of scheduling?"),
        ("Ben", False, "I rebuild the rota by hand whenever someone calls in sick. Maybe three hours a week."),
    ])
    us = speech.units(t)
    assert len(us) == 1 and us[0].text.endswith("Maybe three hours a week.")
    assert us[0].kinds["pain"] and us[0].question == "What's the hardest part of scheduling?"


def test_a_number_answer_to_a_how_long_question_is_the_quantity_of_its_pain(embedder):
    t = make_transcript([
        ("Ada", True, "What's the hardest part of your week?"),
        ("Ben", False, "Matching the carrier invoices to our shipments by hand is a nightmare, it never adds up."),
        ("Ada", True, "How long does matching the carrier invoices take you?"),
        ("Ben", False, "Probably six hours a week."),
    ])
    ex = local.extract_local(t, None, embedder)
    assert not [i for i in ex.items() if any(e.quote == "Probably six hours a week." and len(i.evidence) == 1
                                             for e in i.evidence)]
    pains = [p for p in ex.pains if p.quantity is not None]
    assert pains and pains[0].quantity.value == 6 and pains[0].quantity.period == "week"


# ------------------------------------------------------------------------------------ how many per interview

def test_a_long_interview_keeps_a_handful_of_main_pains():
    cats = [{"pain": 1.0 - i / 1000} for i in range(200)]
    kept = local.select_strongest(cats, words=20_000)  # the per-1,000-words cap alone would allow 220
    assert sum("pain" in k for k in kept) == speech.MOST_PER_INTERVIEW["pain"]
    assert all("pain" in k for k in kept[:speech.MOST_PER_INTERVIEW["pain"]])  # the strongest ones


def test_a_hardware_question_does_not_ask_for_a_pain():
    assert not speech.question_kinds("What hardware do you use?")["pain"]
    assert speech.question_kinds("What's the hardest part of onboarding?")["pain"]


# ------------------------------------------------------------------------------------ every study synth has

CORPUS_MAX_BYTES = 16_000  # the corpus's interview-sized files; its long podcasts would make this test minutes long


def _files() -> list[Path]:
    out = []
    for folder in (ROOT / "transcripts" / "sample", ROOT / "evals" / "gold" / "transcripts",
                   ROOT / "evals" / "heldout" / "transcripts"):
        out += sorted(folder.iterdir()) if folder.is_dir() else []
    for half in ("dev", "heldout"):
        folder = ROOT / "evals" / "real" / half
        out += sorted(p for p in folder.iterdir() if p.stat().st_size <= CORPUS_MAX_BYTES) if folder.is_dir() else []
    return [p for p in out if p.suffix.lower() in (".txt", ".md", ".vtt", ".srt", ".json", ".markdown")
            and p.stem.upper() != "README"]


@pytest.fixture(scope="module")
def all_extractions(embedder):
    from synth.ingest import load_transcript

    out = []
    for path in _files():
        try:
            t = load_transcript(path)
        except Exception:  # noqa: BLE001 - a file ingest refuses is ingest's test, not this one
            continue
        out.append((t, local.extract_local(t, None, embedder)))
    assert len(out) >= 30
    return out


@pytest.mark.timeout(900)  # the fixture extracts every file here once (about a minute on an idle machine)
def test_no_item_anywhere_is_a_question_backchannel_or_bare_number(all_extractions):
    bad = [(t.file_name, e.quote) for t, ex in all_extractions for it in ex.items() for e in it.evidence[:1]
           if speech.not_an_item(e.quote)]
    assert not bad


def test_no_statement_drops_an_inner_word(all_extractions):
    bad = [(t.file_name, it.statement, it.evidence[0].quote) for t, ex in all_extractions for it in ex.items()
           if it.category in ("pain", "trigger", "alternative") and not _in_order(it.statement, it.evidence[0].quote)]
    assert not bad


def test_every_quote_is_the_interviewees_verbatim_words(all_extractions):
    for t, ex in all_extractions:
        for it in ex.items():
            for e in it.evidence:
                assert t.text[e.char_start:e.char_end] == e.quote
                turn = t.turns[e.turn_index]
                assert not turn.is_interviewer and re.sub(r"\s+", " ", e.quote) in re.sub(r"\s+", " ", turn.text)


# ------------------------------------------------------------------------------------ theme labels

@pytest.mark.parametrize("label, ok", [
    ("Manual cost reporting", True),
    ("Board AI mandate", True),
    ("So let's just say, like, imagine the problem you're having with", False),
    ("Do you know when 20 minutes has passed", False),
    ("Maybe an hour or two a week", False),
    ("We rebuild the invoices in a…", False),
    ("Invoices are rebuilt by hand and", False),
    # the demo's label before: a sentence, and how long something took
    ("Last quarter it was probably two full days", False),
    ("We're paying too much", False),
    ("Audit evidence", True),
])
def test_label_problem_refuses_questions_fragments_and_frequencies(label, ok):
    from synth.themes.label import label_problem

    assert (label_problem(label) is None) == ok


def test_offline_label_is_a_short_phrase_in_the_members_words():
    from synth.themes.label import deterministic_label, keyphrases, term_weights

    docs = ["We do the cost reporting manually every month . Manual cost reporting eats two days",
            "Our carrier portal goes down every week . The carrier portal is down again"]
    ph, tw = keyphrases(docs), term_weights(docs)
    stmts = docs[0].split(" . ")
    label = deterministic_label(ph[0], stmts[0], statements=stmts, weights=tw[0])
    assert label.lower() in " ".join(stmts).lower() and len(label.split()) <= 5 and "cost reporting" in label.lower()


def test_an_offline_label_is_a_noun_phrase_not_a_clause_and_amounts_are_named_by_their_kind():
    from synth.themes.label import deterministic_label, quantity_label, term_weights

    # candidates that end on a past verb or an adverb, or start on a verb, give way to a noun phrase
    stmts = ["Auditors want evidence attached to every ticket", "We pull the audit evidence by hand"]
    label = deterministic_label([], stmts[0], statements=stmts, weights=term_weights([" . ".join(stmts), "other"])[0])
    assert label == "Audit evidence"
    # members that mostly say how much: the kind of amount, never one member's number or a sentence
    assert quantity_label(["Last quarter it was probably two full days",
                           "Every quarter, me and one colleague, it takes us about three days each"]) == "Time it takes"
    assert quantity_label(["The bill was around eighteen thousand dollars before we caught it",
                           "We're paying around a hundred and eighty thousand a year today"]) == "Cost and spend"
    # one amount in two members is no majority: the words decide
    assert quantity_label(["We run it when we remember, maybe twice a year", "Nobody owns the rotation"]) is None


def test_every_label_offline_names_a_theme(all_extractions):
    """Each interview's items of one category as a pseudo-theme: its label passes label_problem."""
    from synth.themes.label import deterministic_label, keyphrases, label_problem, term_weights

    bad = []
    for cat in ("pain", "trigger"):
        groups = [[it.statement for it in ex.items() if it.category == cat] for _, ex in all_extractions]
        groups = [g for g in groups if g]
        docs = [" . ".join(g) for g in groups]
        for g, ph, tw in zip(groups, keyphrases(docs), term_weights(docs)):
            label = deterministic_label(ph, g[0], statements=g, weights=tw)
            if label_problem(label):
                bad.append((label, label_problem(label)))
    assert not bad
