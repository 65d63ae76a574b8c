"""The offline local extractor: segmentation, quantities, dismissal, classification, caps.

The sentences here are written for these tests (no evaluation study's lines), so a change that only
makes the evals better on one study cannot pass them by accident.
"""
from __future__ import annotations

import numpy as np
import pytest
from conftest import make_transcript

from synth.embed import Embedder
from synth.extract import local, local_model
from synth.extract import local_cues as cues


def _texts(text: str) -> list[str]:
    return [text[a:b] for a, b in cues.sentences(text)]


# ------------------------------------------------------------------------------------ segmentation

def test_sentences_keep_abbreviations_and_decimals_inside_one_sentence():
    text = "Our COO, Dr. Okafor, signs off on it. It took 2.5 days, e.g. last week. Yes. We pay $1.2M a year for it."
    assert _texts(text) == ["Our COO, Dr. Okafor, signs off on it.", "It took 2.5 days, e.g. last week.",
                            "We pay $1.2M a year for it."]  # "Yes." is too short to be a claim


def test_a_spoken_run_on_is_split_at_clause_boundaries():
    run_on = ("we export the tickets every morning into a shared folder and somebody on the night shift checks "
              "them one by one against the carrier portal; then the team lead copies the exceptions into an "
              "email for the account managers who call the customers back before lunch")
    parts = _texts(run_on)
    assert len(parts) == 2
    assert parts[0].endswith("carrier portal") and parts[1].startswith("then the team lead")
    assert all(p in run_on for p in parts)


def test_spans_index_the_turn_text_exactly():
    text = "  Well. The renewal came up in June and the price doubled!  Nobody saw it coming. "
    for a, b in cues.sentences(text):
        assert text[a:b] == text[a:b].strip() and len(text[a:b].split()) >= cues.MIN_WORDS


# ------------------------------------------------------------------------------------ quantities

@pytest.mark.parametrize("sentence, value, unit, period, text", [
    ("It takes us twenty hours a week to do this by hand.", 20, "hours", "week", "twenty hours a week"),
    ("We waste about $40K a year on rush fees.", 40000, "usd", "year", "$40K a year"),
    ("Reconciling takes eight to ten hours a month.", 9, "hours", "month", "eight to ten hours a month"),
    ("The last migration took two and a half days.", 2.5, "days", None, "two and a half days"),
    ("Between 10 and 20 percent of orders need a manual fix.", 15, "percent", None, "10 and 20 percent"),
    ("The carrier portal went down twice last quarter.", 2, "times", "quarter", "twice last quarter"),
    ("We spend roughly forty-five minutes on each request.", 45, "minutes", None, "forty-five minutes"),
])
def test_find_quantity_reads_numbers_in_words_and_digits(sentence, value, unit, period, text):
    q = local.find_quantity(sentence)
    assert q is not None
    assert (q.value, q.unit, q.period, q.text) == (value, unit, period, text)
    assert q.text in sentence  # the words as said: a substring of the quote


@pytest.mark.parametrize("sentence", [
    "We're about 140 people, mostly engineers.",
    "Back in 2019 we moved everything to the cloud.",
    "A few of us look at it now and then.",  # vague: not a number
    "One of the things I like is the dashboard.",
])
def test_no_quantity_from_headcounts_years_or_vague_words(sentence):
    assert local.find_quantity(sentence) is None


def test_money_outranks_time_when_a_sentence_says_both():
    q = local.find_quantity("Two people spend three days on it, which costs us $12,000 a quarter.")
    assert (q.value, q.unit, q.period) == (12000, "usd", "quarter")


# ------------------------------------------------------------------------------------ dismissal

@pytest.mark.parametrize("sentence, dismissed", [
    ("Vendor security review? Honestly not a concern for us.", True),
    ("Data migration isn't really an issue, we have clean exports.", True),
    ("Price is not a big deal at this stage.", True),
    ("We're fine with the current hosting region.", True),
    ("The biggest problem is the manual matching every morning.", False),
    ("It's not just a problem for finance, support feels it too.", False),
    ("Nobody trusts the report, so we check every line.", False),
])
def test_dismissal_cue(sentence, dismissed):
    assert cues.dismisses(sentence) is dismissed


# ------------------------------------------------------------------------------------ classification

@pytest.fixture(scope="module")
def embedder(embed_model):
    return Embedder()


@pytest.mark.parametrize("sentence, category", [
    ("Our dispatchers lose about two hours every day re-keying orders from email into the system.", "pain"),
    ("We closed a Series B in March, so for the first time there is budget for tooling.", "trigger"),
    ("Right now the whole team tracks it in a shared spreadsheet.", "alternative"),
    ("Our CFO has to sign off on any contract above twenty thousand.", "dmu"),
    ("Thanks, happy to be here, go ahead.", None),
])
def test_classify_puts_plain_sentences_in_their_category(embedder, sentence, category):
    vec = embedder.encode([sentence])
    cats = local.classify([sentence], vec, None)[0]
    if category is None:
        assert cats == {}
    else:
        assert max(cats, key=cats.get) == category, cats


def test_a_hypothetical_is_not_a_trigger(embedder):
    real = "After the outage in May the board made this the top priority."
    hypo = "If we had an outage like that, the board would probably make it a priority."
    cats = local.classify([real, hypo], embedder.encode([real, hypo]), None)
    assert "trigger" in cats[0]
    assert "trigger" not in cats[1]


# ------------------------------------------------------------------------------------ caps

def test_select_strongest_keeps_the_cap_of_the_best_per_category():
    cats = [{"pain": 0.01 * i} for i in range(30)] + [{"dmu": 0.5}]
    keep = local.select_strongest(cats, words=1000)
    cap = round(local.CAP_PER_1000_WORDS["pain"])
    kept = [i for i, k in enumerate(keep) if "pain" in k]
    assert kept == list(range(30 - cap, 30))  # the strongest, not the first
    assert keep[30] == ["dmu"]
    short = local.select_strongest(cats, words=50)  # a short interview still keeps CAP_MIN
    assert sum("pain" in k for k in short) == local.CAP_MIN["pain"]


# ------------------------------------------------------------------------------------ end to end

def test_extract_local_on_a_small_interview(embedder):
    t = make_transcript([
        ("Ada", True, "How do you handle returns today?"),
        ("Ben", False, "Our agents spend about fifteen hours a week matching returns to refunds by hand. "
                       "It is a nightmare every single Monday."),
        ("Ada", True, "What about compliance?"),
        ("Ben", False, "A vendor security review could slow things down. Honestly, not a concern for us."),
        ("Ada", True, "And who decides?"),
        ("Ben", False, "Our CFO has to sign off on anything above ten thousand dollars."),
    ])
    ex = local.extract_local(t, None, embedder)
    pains = [p for p in ex.pains if not p.dismissed]
    assert any(p.quantity is not None and p.quantity.value == 15 and p.quantity.period == "week" for p in pains)
    assert all("security review" not in p.evidence[0].quote for p in pains)  # waved off: never a real pain
    assert any(d.role == "economic_buyer" and (d.title or "").upper() == "CFO" for d in ex.dmu)
    for it in ex.items():
        for e in it.evidence:
            assert t.text[e.char_start:e.char_end] == e.quote
            assert e.speaker == "Ben"
    assert ex.prompt_version == "local-examples-v2+local-classifier-v1.1+speech-v8"


def test_examples_are_embedded_by_the_model_that_embeds_the_transcript(monkeypatch):
    built: list = []

    class RecordingEmbedder:
        def __init__(self, workspace=None, model_path=None):
            built.append(model_path)

        def encode(self, texts):
            return np.zeros((len(texts), 8), dtype=np.float32)

    monkeypatch.setattr(local_model, "Embedder", RecordingEmbedder)
    local_model.examples.cache_clear()
    try:
        ex, _ = local_model.examples("/models/my-multilingual-model")
        assert built == ["/models/my-multilingual-model"]
        assert {v.shape[1] for v in ex.values()} == {8}
        local_model.examples(None)
        assert built == ["/models/my-multilingual-model", None]
    finally:
        local_model.examples.cache_clear()  # the real model's examples are rebuilt on next use


@pytest.mark.parametrize("sentence, role", [
    ("My boss signs off on anything like this.", "economic_buyer"),
    ("Our CFO owns the budget, she makes the final call.", "economic_buyer"),
    ("Procurement has to approve every new vendor.", "blocker"),
    ("Anything over fifty thousand needs three quotes and a security review.", "blocker"),
    ("Our CISO is going to be the hard one.", "blocker"),
    ("I brought it in, and I'm the one pushing for it.", "champion"),
    ("I'm doing the technical evaluation.", "champion"),
    ("Our controller is the one who'd use it day to day.", "user"),
    ("Our RevOps lead will have opinions about the Salesforce sync.", "influencer"),
])
def test_dmu_roles_come_from_what_people_say_about_deciding(sentence, role):
    assert cues.dmu_role(sentence) == role


def test_a_bare_name_takes_its_role_from_the_next_sentence_or_the_question():
    # the next sentence is about the same person only when it opens with a pronoun
    assert cues.dmu_role("Our CFO, Rachel Kim.", after="She'd sign it.") == "economic_buyer"
    assert cues.dmu_role("Our CFO, Rachel Kim.", after="Our CTO signs the rest.") == "influencer"
    # the interviewer asked who decides: the answer's first sentence names that person
    assert cues.dmu_role("Our CEO, Antoine.", question="Who made the final call?", first_in_turn=True) == \
        "economic_buyer"
    assert cues.dmu_role("Declan, a bit.", question="Anyone who'd be against it?", first_in_turn=True) == "blocker"
    assert cues.dmu_role("Our CEO, Antoine.", question="Who made the final call?", first_in_turn=False) == \
        "influencer"


def test_the_extractor_gives_a_named_person_the_role_said_about_them(embedder):
    t = make_transcript([
        ("Priya", True, "If you were to buy something here, who is involved?"),
        ("Dana", False, "Our CFO, Rachel Kim. She'd sign it. I'm the one pushing for it, I put it on the roadmap."),
    ])
    roles = {d.evidence[0].quote: d.role for d in local.extract_local(t, None, embedder).dmu}
    assert roles.get("Our CFO, Rachel Kim.") == "economic_buyer"
    assert "champion" in roles.values()
