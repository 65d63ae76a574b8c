"""Offline extraction of the sample and the gold study: every stored fact is something its evidence
says. The walk covers every extracted item; there are no exceptions to allow for."""
from __future__ import annotations

import pytest
from conftest import GOLD, SAMPLE, make_transcript

from synth.extract import extract
from synth.extract.grounding import normalize
from synth.extract.verify import KIND_LABELS, NAMED_KINDS, verify_extraction
from synth.ingest import load_transcript
from synth.models import Evidence, Extraction, PainPoint, Quantity
from synth.numbers import says_number
from synth.vocab.products import canonical_name
from synth.vocab.titles import canonical_title
from synth.workspace import Workspace


@pytest.fixture(scope="module")
def studies(embed_model, tmp_path_factory):
    ts = [load_transcript(str(p)) for d in (SAMPLE, GOLD / "transcripts") for p in sorted(d.iterdir())
          if p.name[:2].isdigit()]
    ws = Workspace(tmp_path_factory.mktemp("truth") / "ws")
    run = extract(ts, ws, {})
    yield {t.file_name: t for t in ts}, run
    ws.close()


def test_every_stored_quantity_is_a_number_its_quote_says(studies):
    by_file, run = studies
    assert run.failures == [] and len(run.extractions) == len(by_file) >= 20
    quantities = 0
    for e in run.extractions:
        t = by_file[e.file]
        for it in e.items():
            assert it.evidence
            for ev in it.evidence:
                assert t.text[ev.char_start:ev.char_end] == ev.quote
                assert not t.turns[ev.turn_index].is_interviewer
        for p in e.pains:
            if p.quantity is None:
                continue
            quantities += 1
            quotes = [ev.quote for ev in p.evidence]
            assert any(says_number(q, p.quantity.value, p.quantity.unit) for q in quotes), (e.file, p.quantity)
            assert any(normalize(p.quantity.text) in normalize(q) for q in quotes), (e.file, p.quantity)
    assert quantities >= 30  # the walk saw real quantities, not an empty study


def test_every_when_name_and_title_is_said(studies):
    by_file, run = studies
    for e in run.extractions:
        t = by_file[e.file]
        said = normalize(" ".join(x.text for x in t.turns if not x.is_interviewer))
        for g in e.triggers:
            if g.when:
                ctx = " ".join([ev.quote for ev in g.evidence] + [t.turns[ev.turn_index].text for ev in g.evidence])
                assert normalize(g.when) in normalize(ctx)
        for a in e.alternatives:
            if a.name != KIND_LABELS[a.kind]:
                assert (canonical_name(a.name) in canonical_name(said)) if a.kind in NAMED_KINDS \
                    else normalize(a.name) in said
        for d in e.dmu:
            if d.title:
                assert normalize(d.title) in normalize(t.text) or canonical_title(d.title) != d.title.title()


def test_the_offline_extractor_reports_what_it_corrected(studies):
    _, run = studies
    tot = run.totals
    assert tot.quotes_grounded_first == tot.quotes_grounded == tot.quotes_proposed
    assert tot.quotes_salvaged == tot.quotes_dropped == tot.reask_calls == 0
    # the measured misreadings ("thirty-two" as 2, "a few" as 3) are corrected or emptied
    assert tot.fields_corrected + tot.fields_nulled >= 1


def _pain(quote: str, value: float, unit: str, text: str) -> tuple[Extraction, object]:
    t = make_transcript([("Priya", True, "How long does it take?"), ("Dana", False, quote)])
    ev = Evidence(quote=quote, file=t.file_name, transcript_hash=t.content_hash, speaker="Dana", turn_index=1,
                  char_start=t.turns[1].char_start, char_end=t.turns[1].char_end)
    ex = Extraction(file=t.file_name, transcript_hash=t.content_hash, extractor="local",
                    pains=[PainPoint(statement="Slow", quantity=Quantity(value=value, unit=unit, text=text),
                                     evidence=[ev])])
    return ex, t


@pytest.mark.parametrize("quote,claimed,unit,shown", [
    ("We lose thirty-two hours a week to it.", 2, "hours", 32),                 # compound parsed whole
    ("That is eighty-five percent of tickets.", 5, "percent", 85),
    ("Roughly forty-five hours, every month.", 5, "hours", 45),
    ("We have eleven hundred customers on it.", 100, "customers", 1100),
    ("It touches four hundred and twenty people.", 20, "people", 420),
    ("It breaks for a few customers every week.", 3, "customers", None),       # vague: no number said
    ("About 40 hours, and two of us on it.", 400, "hours", 40),                 # unit names the number
    ("Two of us spend 40 hours and 12 days on it.", 400, "hours", 40),
    ("Two of us and three contractors spend days.", 5, "hours", None),          # two candidates: emptied
])
def test_a_quantity_its_quote_does_not_say_is_corrected_or_emptied(quote, claimed, unit, shown):
    ex, t = _pain(quote, claimed, unit, f"{claimed} {unit}")
    verify_extraction(ex, t)
    q = ex.pains[0].quantity
    if shown is None:
        assert q is None and ex.stats.fields_nulled == 1
    else:
        assert q is not None and q.value == shown and ex.stats.fields_corrected == 1
        assert normalize(q.text) in normalize(quote)
    again = ex.model_copy(deep=True)
    verify_extraction(again, t)  # verifying a verified extraction changes nothing more
    assert again.pains == ex.pains and again.stats == ex.stats
