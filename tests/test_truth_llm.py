"""Truth under real model output: the LLM path against answers that get things wrong the way models do.

Served over HTTP by the fake OpenAI server to the real openai client and instructor. Two sources:
- tests/fixtures/llm/truth_cases.json: hand-written adversarial answers (labelled so in the file),
  one kind of mistake each, on the special-cases interview;
- the hand-written perfect sample answers (sample_extract.json) with mistakes injected by the
  deterministic transformations below: words inserted mid-quote in every other quote, or every
  other quantity misread tenfold.
Each test asserts what is shown: every quote is the transcript's own words at its span, in an
interviewee turn, and every quantity is a number its quotes say.
"""
from __future__ import annotations

import copy
import json
import re

import pytest
from conftest import SAMPLE as SAMPLE_DIR
from conftest import make_transcript
from llm_replay import FIXTURES, SAMPLE, SPECIAL, provider, responder

from synth.extract import ExtractOptions, extract
from synth.ingest import load_transcript
from synth.numbers import says_number
from synth.workspace import Workspace
from tests.support.fakeopenai import FakeOpenAI, tool_call_completion

TRUTH = json.loads((FIXTURES / "truth_cases.json").read_text())
OPTS = ExtractOptions(concurrency=4)
_LISTED = re.compile(r"^(\d+)\. (\".*\")$", re.M)


def reasked(body: dict) -> bool:
    return bool(body.get("tools")) and body["tools"][0]["function"]["name"] == "QuoteFixes"


def restated(body: dict) -> bool:
    """A statement re-ask (synth/extract/restate.py)."""
    return bool(body.get("tools")) and body["tools"][0]["function"]["name"] == "StatementFixes"


def failing_quotes(body: dict) -> dict[int, str]:
    """The numbered quotes a re-ask names, read from its last user message."""
    last = [m["content"] for m in body["messages"] if m["role"] == "user"][-1]
    return {int(n): json.loads(q) for n, q in _LISTED.findall(last)}


def with_reask(first, fix=None):
    """`first` answers extraction requests; re-asks get `fix(quote) -> exact words | None` per quote."""
    def respond(body: dict) -> dict:
        if not reasked(body):
            return first(body)
        fixes = [{"n": n, "quote": fix(q) if fix else None} for n, q in failing_quotes(body).items()]
        return tool_call_completion("QuoteFixes", {"fixes": fixes}, usage=(500, 50))
    return respond


def shown_truthfully(run, transcripts) -> int:
    """Assert every shown quote and quantity is said; returns the number of items checked."""
    by_hash = {t.content_hash: t for t in transcripts}
    n = 0
    for e in run.extractions:
        t = by_hash[e.transcript_hash]
        for it in e.items():
            n += 1
            assert it.evidence
            for ev in it.evidence:
                assert t.text[ev.char_start:ev.char_end] == ev.quote
                turn = t.turns[ev.turn_index]
                assert not turn.is_interviewer and turn.char_start <= ev.char_start <= ev.char_end <= turn.char_end
        for p in e.pains:
            if p.quantity is not None:
                assert any(says_number(ev.quote, p.quantity.value, p.quantity.unit) for ev in p.evidence)
    return n


# --------------------------------------------------------------------------- one mistake at a time

@pytest.fixture
def special(tmp_path):
    ws = Workspace(tmp_path / "ws")
    t = make_transcript([tuple(x) for x in SPECIAL["transcript"]], file_name="alderbrook.txt")
    other = make_transcript([tuple(x) for x in TRUTH["other_transcript"]], file_name="birchwood.txt")
    ws.put_transcript(t)
    ws.put_transcript(other)
    yield ws, t
    ws.close()


def run_case(ws, t, case: str, fix=None):
    answer = responder({"alderbrook.txt": TRUTH["responses"][case],
                        "birchwood.txt": {"pains": [], "triggers": [], "alternatives": [], "dmu": [], "traits": []}})
    with FakeOpenAI(with_reask(answer, fix)) as srv:
        run = extract([t], ws, {}, provider(srv.base_url), OPTS)
        bodies = [r.body for r in srv.chat_requests()]
    assert run.failures == [] and run.fatal is None
    shown_truthfully(run, [t])
    return run.extractions[0], bodies


def _quotes(ex) -> list[str]:
    return [ev.quote for it in ex.items() for ev in it.evidence]


def test_paraphrased_quotes_are_recovered(special):
    ws, t = special
    exact = "We tried HashiCorp Vault, but nobody on the team had time to run it"
    ex, bodies = run_case(ws, t, "paraphrased", lambda q: exact if q.startswith("We tried") else None)
    # two paraphrases are within a word alignment that cannot change meaning; the third is re-asked
    assert ex.stats.quotes_grounded_first == ex.stats.quotes_proposed - 1
    assert sum(reasked(b) for b in bodies) == 1
    last_reask = [b for b in bodies if reasked(b)][-1]
    assert list(failing_quotes(last_reask).values()) == [TRUTH["responses"]["paraphrased"]["alternatives"][0]["quotes"][0]]
    assert (len(ex.pains), len(ex.triggers), len(ex.alternatives)) == (2, 1, 2)
    assert ex.stats.quotes_reasked == 1 and ex.stats.quotes_dropped == 0 and ex.stats.reask_calls == 1
    assert ex.pains[0].quantity is not None and ex.pains[0].quantity.value == 40
    assert [ev.match for ev in ex.triggers[0].evidence] == ["fuzzy"]


def test_a_reordered_quote_is_salvaged_when_the_model_insists(special):
    ws, t = special
    ex, bodies = run_case(ws, t, "reordered", lambda q: q)  # re-asked, the model repeats its words
    assert sum(reasked(b) for b in bodies) == 1  # a re-ask that fixed nothing is not repeated
    assert (len(ex.pains), len(ex.triggers), len(ex.alternatives)) == (2, 1, 2)
    assert ex.stats.quotes_salvaged == 1 and ex.stats.quotes_dropped == 0
    (ev,) = ex.pains[0].evidence
    assert ev.match == "salvaged"
    assert ev.quote == "Every quarter my team spends about 40 hours pulling user lists into a spreadsheet"
    assert ex.pains[0].quantity is not None and ex.pains[0].quantity.value == 40


def test_a_changed_number_is_never_shown_as_said(special):
    ws, t = special
    ex, _ = run_case(ws, t, "number_changed", lambda q: q)  # re-asked, the model repeats its misreading
    assert all("400" not in q for q in _quotes(ex))
    pain = next(p for p in ex.pains if "access review" in p.statement.lower() or "user lists" in p.evidence[0].quote)
    assert pain.quantity is None or pain.quantity.value == 40
    assert "400" not in pain.statement  # the paraphrase carried the misread number: the quote is shown
    assert ex.stats.fields_nulled + ex.stats.fields_corrected >= 1


def test_a_misread_quantity_beside_a_verbatim_quote_is_corrected(special):
    ws, t = special
    ex, bodies = run_case(ws, t, "quantity_misread")
    assert not any(reasked(b) for b in bodies)  # every quote grounded: nothing to re-ask
    q = ex.pains[0].quantity
    assert q is not None and q.value == 40 and "40 hours" in q.text and ex.stats.fields_corrected == 1


def test_a_quote_from_the_interviewer_is_refused(special):
    ws, t = special
    ex, _ = run_case(ws, t, "interviewer_quote", lambda q: q)
    assert len(ex.pains) == 2 and all("Could you start" not in q for q in _quotes(ex))
    assert ex.stats.items_dropped == 1 and ex.stats.quotes_dropped == 1


def test_a_quote_stitched_from_two_turns_keeps_only_one_turns_words(special):
    ws, t = special
    ex, _ = run_case(ws, t, "stitched")
    vault = next(a for a in ex.alternatives if "Vault" in a.name)
    (ev,) = vault.evidence
    assert ev.match == "salvaged" and ev.quote.startswith("We tried HashiCorp Vault")
    assert "cofounder" not in ev.quote


def test_a_quote_from_another_interview_is_not_evidence_here(special):
    ws, t = special
    ex, _ = run_case(ws, t, "other_transcript")
    assert len(ex.pains) == 2 and all("Jenkins" not in q for q in _quotes(ex))
    assert ex.stats.items_dropped == 1


def test_an_invented_quote_is_dropped_and_counted(special):
    ws, t = special
    ex, bodies = run_case(ws, t, "invented")
    assert sum(reasked(b) for b in bodies) == 1
    assert len(ex.pains) == 2 and ex.stats.items_dropped == 1 and ex.stats.quotes_dropped == 1
    assert ex.stats.quotes_grounded == ex.stats.quotes_proposed - 1


def test_an_item_with_no_quote_is_dropped_and_the_chunk_stands(special):
    ws, t = special
    ex, bodies = run_case(ws, t, "empty_quotes")
    # no instructor re-ask of the whole chunk, no quote re-ask (the one other request re-asks the
    # spreadsheet's shortfall, which its quote does not say)
    assert sum(not restated(b) for b in bodies) == 1
    assert len(ex.pains) == 2 and ex.stats.items_dropped == 1 and len(ex.alternatives) == 2


def test_names_titles_and_dates_not_said_are_emptied(special):
    ws, t = special
    ex, _ = run_case(ws, t, "names_not_said")
    names = sorted(a.name for a in ex.alternatives)
    assert "Okta" not in names and "Unnamed competitor" in names
    assert "Vault Enterprise" in names  # "HashiCorp Vault" was said: an edition of it is the same product
    assert all("Okta" not in a.statement for a in ex.alternatives)
    cfo = next(d for d in ex.dmu if d.role == "economic_buyer")
    assert cfo.title is None and cfo.name is None and "Sales" not in cfo.statement
    assert ex.triggers[0].when is None and ex.triggers[0].days_before_interview is None
    # 4, and the spreadsheet's shortfall ("About 40 hours a quarter") its quote does not say
    assert ex.stats.fields_nulled == 5


# --------------------------------------------------------------------------- the sample, with injected faults

def _sample_transcripts():
    return [load_transcript(str(SAMPLE_DIR / name)) for name in sorted(SAMPLE["responses"])]


def _insert_words(quote: str, k: int) -> str:
    """Words inserted mid-quote the way models paraphrase: 'really' early, a filler clause mid-way."""
    w = quote.split()
    fillers = ["basically, honestly,", "you know, really", "I think, actually,"]
    mid = len(w) // 2
    w = w[:mid] + [fillers[k % 3]] + w[mid:]
    if len(w) >= 14:
        w = w[:2] + ["really"] + w[2:]
    return " ".join(w)


def _paraphrase_half(responses: dict) -> tuple[dict, dict[str, str]]:
    out, originals, k = copy.deepcopy(responses), {}, 0
    for name in sorted(out):
        for cat in ("pains", "triggers", "alternatives", "dmu"):
            for it in out[name][cat]:
                for i, q in enumerate(it["quotes"]):
                    k += 1
                    if k % 2 == 0:
                        it["quotes"][i] = _insert_words(q, k)
                        originals[it["quotes"][i]] = q
    return out, originals


def _items(run) -> int:
    return sum(len(e.items()) for e in run.extractions)


@pytest.fixture(scope="module")
def perfect(tmp_path_factory):
    ws = Workspace(tmp_path_factory.mktemp("perfect") / "ws")
    ts = _sample_transcripts()
    for t in ts:
        ws.put_transcript(t)
    with FakeOpenAI(responder(SAMPLE["responses"])) as srv:
        run = extract(ts, ws, {}, provider(srv.base_url), OPTS)
    ws.close()
    return run


@pytest.mark.parametrize("cooperative", [True, False], ids=["model-corrects-on-re-ask", "model-insists"])
def test_half_the_quotes_paraphrased_most_items_are_recovered(tmp_path, perfect, cooperative):
    answers, originals = _paraphrase_half(SAMPLE["responses"])
    ws = Workspace(tmp_path / "ws")
    ts = _sample_transcripts()
    for t in ts:
        ws.put_transcript(t)
    serve = with_reask(responder(answers), originals.get if cooperative else None)
    with FakeOpenAI(serve) as srv:
        run = extract(ts, ws, {}, provider(srv.base_url), OPTS)
        n_calls = len(srv.completed())
        tot = run.totals
        assert run.failures == [] and tot.quotes_proposed == perfect.totals.quotes_proposed
        assert shown_truthfully(run, ts) == _items(run)  # 100% of shown quotes verbatim
        recovered = _items(run) / _items(perfect)
        assert recovered >= 0.9, recovered
        assert tot.items_grounded / tot.items_proposed >= 0.9
        chunks = perfect.totals.calls
        restates = tot.calls - chunks - tot.reask_calls  # a statement re-ask: at most one per file
        assert tot.reask_calls <= chunks and n_calls == tot.calls and 0 <= restates <= len(run.extractions)
        assert tot.quotes_grounded == (tot.quotes_grounded_first + tot.quotes_reasked + tot.quotes_salvaged)
        assert tot.quotes_proposed == tot.quotes_grounded + tot.quotes_dropped
        if cooperative:
            assert tot.quotes_reasked > 0
        else:
            assert tot.quotes_reasked == 0 and tot.quotes_salvaged > 0
        again = extract(ts, ws, {}, provider(srv.base_url), OPTS)  # cached: re-asks included
        assert len(srv.completed()) == n_calls and again.totals.calls == 0
        strip = lambda r: [e.model_dump(exclude={"stats"}) for e in r.extractions]  # noqa: E731
        assert strip(again) == strip(run)
    ws.close()


def _misread_half(responses: dict) -> tuple[dict, set[tuple[str, float]]]:
    out, misread, k = copy.deepcopy(responses), set(), 0
    for name in sorted(out):
        for p in out[name]["pains"]:
            q = p.get("quantity")
            if not q:
                continue
            k += 1
            if k % 2:
                continue
            old = q["value"]
            new = old * 10
            q["value"] = new
            said = f"{old:g}"
            q["text"] = q["text"].replace(said, f"{new:g}")
            p["quotes"] = [x.replace(said, f"{new:g}", 1) for x in p["quotes"]]
            misread.add((name, float(new)))
    return out, misread


def test_half_the_numbers_misread_no_misread_quantity_is_shown(tmp_path):
    answers, misread = _misread_half(SAMPLE["responses"])
    assert len(misread) >= 8
    ws = Workspace(tmp_path / "ws")
    ts = _sample_transcripts()
    for t in ts:
        ws.put_transcript(t)
    with FakeOpenAI(with_reask(responder(answers), lambda q: q)) as srv:  # the model repeats its misreading
        run = extract(ts, ws, {}, provider(srv.base_url), OPTS)
    assert run.failures == []
    shown_truthfully(run, ts)
    by_hash = {t.content_hash: t for t in ts}
    for e in run.extractions:
        said = by_hash[e.transcript_hash].text
        for p in e.pains:
            if p.quantity is not None and (e.file, float(p.quantity.value)) in misread:
                assert says_number(said, p.quantity.value)  # only where the interview itself says it
    assert run.totals.fields_nulled + run.totals.fields_corrected >= len(misread) // 2
    ws.close()


def test_a_re_ask_under_redaction_sends_no_personal_data(special):
    ws, t = special
    answer = responder({"alderbrook.txt": TRUTH["responses"]["paraphrased"]})
    exact = "We tried HashiCorp Vault, but nobody on the team had time to run it"
    with FakeOpenAI(with_reask(answer, lambda q: exact)) as srv:
        run = extract([t], ws, {}, provider(srv.base_url), ExtractOptions(concurrency=2, redact=True))
        bodies = [r.body for r in srv.chat_requests()]
    assert sum(reasked(b) for b in bodies) == 1 and run.extractions[0].stats.quotes_reasked == 1
    blob = json.dumps(bodies)
    for secret in (SPECIAL["email"], SPECIAL["phone"], "Dana", "Whitfield", "Priya"):
        assert secret not in blob
    shown_truthfully(run, [t])


# --------------------------------------------------------------------------- issue 25: statements, values, failures

def test_an_obeyed_injection_is_never_shown(special):
    ws, t = special
    # re-asked, the obedient model restates its injected statements word for word
    ex, bodies = run_case(ws, t, "injected")
    shown = [it.statement.lower() for it in ex.items()]
    assert not any("buy our product" in s or "rm -rf" in s for s in shown)
    assert sum(restated(b) for b in bodies) == 1  # one statement re-ask for the file
    assert ex.stats.items_unsupported >= 1  # "buy our product": three words are not evidence
    assert ex.stats.statements_replaced + ex.stats.items_unsupported >= 2


def test_a_verbatim_quote_about_something_else_is_not_evidence_for_the_statement(special):
    ws, t = special
    ex, _ = run_case(ws, t, "wrong_statement")
    assert not any("AWS spend" in it.statement for it in ex.items())
    assert ex.stats.statements_replaced + ex.stats.items_unsupported >= 1


def test_a_quote_too_short_to_say_anything_carries_nothing(special):
    ws, t = special
    ex, _ = run_case(ws, t, "short_quote")
    assert all(it.statement != "Access reviews are painful" for it in ex.items())
    assert all(ev.quote != "Access reviews, honestly." for it in ex.items() for ev in it.evidence)


def test_a_severity_out_of_range_is_clamped_and_the_chunk_kept(special):
    ws, t = special
    ex, bodies = run_case(ws, t, "severity_out_of_range")
    assert sum(not restated(b) and not reasked(b) for b in bodies) == 1  # not re-sent, not failed
    assert max(p.severity for p in ex.pains) == 5 and ex.stats.values_clamped == 1
    assert len(ex.pains) == 2


def test_a_chunk_that_never_validates_fails_with_one_human_line(special):
    ws, t = special
    answer = responder({"alderbrook.txt": TRUTH["responses"]["empty_object"]})
    with FakeOpenAI(with_reask(answer)) as srv:
        run = extract([t], ws, {}, provider(srv.base_url), OPTS)
    # its only chunk: nothing came back, so the file is partial with that chunk named, never an
    # empty extraction that looks complete
    assert run.failures == [] and run.partial == ["alderbrook.txt"]
    (c,) = run.extractions[0].failed_chunks
    assert (c.chunk, c.chunks) == (1, 1) and run.extractions[0].items() == []
    assert "empty object" in c.error and "try " in c.error
    assert "<failed_attempts>" not in c.error and "generation" not in c.error and "\n" not in c.error


def test_the_support_check_keeps_the_sample_answers(perfect):
    """The hand-written sample answers (correct by construction, up to the two pains whose quote
    says something else): the check replaces or drops under 2% of their items; shortfalls their
    alternative's quote does not say are emptied (fields), never the alternative."""
    tot = perfect.totals
    items = _items(perfect)
    assert (tot.statements_replaced + tot.items_unsupported) / items < 0.02, (tot, items)
    assert sum(len(e.alternatives) for e in perfect.extractions) >= 20
