"""Hypotheses: the file, the statistics, offline related evidence, the LLM path over HTTP (hand-written
replies, labelled in their fixture file), and the ICP's criteria as hypotheses."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import make_transcript

from synth.hypotheses import (
    FILE_NAME,
    HypothesesError,
    Hypothesis,
    HypothesisOptions,
    check_hypotheses,
    estimate_hypotheses,
    find_hypotheses_file,
    load_hypotheses,
    store_run,
    stored,
    wilson,
)
from synth.hypotheses.model import HypothesisResult, InterviewStance
from synth.hypotheses.stats import summarize
from synth.models import AccountRow, Alternative, Evidence, Extraction
from synth.workspace import Workspace
from tests.llm_replay import provider
from tests.support.fakeopenai import FakeOpenAI, json_completion, tool_call_completion

REPLIES = json.loads((Path(__file__).parent / "fixtures" / "llm" / "hypotheses" / "replies.json").read_text())
HYPS = [Hypothesis(id="H1", text="Spreadsheets are the alternative we replace", category="alternative"),
        Hypothesis(id="H2", text="A new funding round makes teams start looking", category="trigger")]

# (file, outcome, interviewee lines); the interviewer asks about spreadsheets in every interview
STUDY = [
    ("01_acme.txt", "won", ["We raised our Series B in March and the board wants a real system.",
                            "Right now we track every renewal in a spreadsheet.",
                            "The spreadsheet breaks every month and nobody trusts the numbers."]),
    ("02_beta.txt", "won", ["Our finance lead keeps a big Excel workbook for all of it.",
                            "We closed a Series A round last quarter, so there is budget now."]),
    ("03_gamma.txt", "lost", ["Spreadsheets are not really an issue for us, we moved off them years ago.",
                              "The office coffee machine broke again on Monday.",
                              "A spreadsheet is not a problem for us any more."]),
    ("04_delta.txt", "lost", ["We have a homegrown tool that a contractor maintains.",
                              "The weather in Denver has been lovely this spring."]),
    ("05_eps.txt", "open", ["Honestly our main concern is hiring enough support engineers.",
                            "Our support queue doubled after the launch in May."]),
]


def build(root: Path) -> Workspace:
    ws = Workspace(root)
    rows = {}
    for i, (file, outcome, said) in enumerate(STUDY):
        lines = [("Ines", True, "Do you keep it all in a spreadsheet? So you keep it all in a spreadsheet?")]
        lines += [("Pat", False, s) for s in said]
        t = make_transcript(lines, file_name=file)
        ws.put_transcript(t)
        ex = Extraction(file=file, transcript_hash=t.content_hash, extractor="test")
        for turn in t.turns[1:]:
            if "spreadsheet" in turn.text.lower() or "workbook" in turn.text.lower():
                ev = Evidence(quote=turn.text, file=file, transcript_hash=t.content_hash, speaker="Pat",
                              turn_index=turn.index, char_start=turn.char_start, char_end=turn.char_end)
                a = Alternative(statement="Tracks it in a spreadsheet", evidence=[ev], name="spreadsheet",
                                kind="spreadsheet", dismissed="not really" in turn.text)
                a.id = a.stable_id("alternative", t.content_hash)
                ex.alternatives.append(a)
        ws.put_extraction(ex, "k")
        rows[file] = AccountRow(file=file, company=file[3:-4].title(), outcome=outcome)
    ws.put_accounts(rows)
    return ws


@pytest.fixture
def ws(tmp_path):
    w = build(tmp_path / "ws")
    yield w
    w.close()


# ------------------------------------------------------------------ the file

def test_hypotheses_file_is_read_and_found(tmp_path):
    p = tmp_path / FILE_NAME
    p.write_text("- id: H1\n  text: Spreadsheets are the alternative we replace\n  category: alternative\n"
                 "- A plain string becomes H2\n", encoding="utf-8")
    hs = load_hypotheses(p)
    assert [(h.id, h.category) for h in hs] == [("H1", "alternative"), ("H2", None)]
    assert find_hypotheses_file(tmp_path / "ws", [str(tmp_path / "x" / "t" / "a.txt")]) is None
    assert find_hypotheses_file(tmp_path / "ws", [str(tmp_path / "a.txt")]) == p
    assert find_hypotheses_file(tmp_path / "ws", [str(tmp_path / "transcripts" / "a.txt")]) == p  # the study folder


@pytest.mark.parametrize("text, problem", [
    ("- id: H1\n  text: [unclosed\n", "not valid YAML at line"),
    ("- id: H1\n  text: one claim here\n- id: H1\n  text: the same id\n", "duplicate id 'H1'"),
    ("- id: H1\n  text: a claim here\n  category: pricing\n", "category 'pricing' is not one of"),
    ("- id: H1\n  text: a claim here\n  owner: me\n", "unknown key(s) owner"),
    ("- id: 'H 1'\n  text: a claim here\n", "may use only letters"),
    ("id: H1\n", "must be a list"),
    ("- id: H1\n  text: ''\n", "entry 1 (H1): text"),
])
def test_a_bad_hypotheses_file_names_the_file_and_the_problem(tmp_path, text, problem):
    p = tmp_path / "h.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(HypothesesError) as exc:
        load_hypotheses(p)
    assert str(exc.value).startswith(str(p)) and problem in str(exc.value)


def test_binary_hypotheses_file_is_a_clear_error(tmp_path):
    p = tmp_path / "h.yaml"
    p.write_bytes(b"\xff\xfe\x00\x01garbage")
    with pytest.raises(HypothesesError, match="not UTF-8"):
        load_hypotheses(p)


# ------------------------------------------------------------------ the numbers

def _result(stances: list[tuple[str, str]]) -> HypothesisResult:
    rows = [InterviewStance(file=f"{i}.txt", account=f"A{i}", outcome=o, stance=s) for i, (o, s) in enumerate(stances)]
    return summarize(HypothesisResult(hypothesis=HYPS[0], method="related", interviews=rows))


def test_wilson_interval_matches_the_formula():
    lo, hi = wilson(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.2775, abs=1e-4)
    lo, hi = wilson(5, 10)
    assert (lo, hi) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))
    assert wilson(0, 0) == (None, None)


def test_split_uses_fishers_exact_test_and_the_verdict_says_so():
    r = _result([("won", "supports")] * 5 + [("lost", "silent")] * 5 + [("open", "supports")])
    assert (r.split.won, r.split.won_total, r.split.lost, r.split.lost_total, r.split.open) == (5, 5, 0, 5, 1)
    assert r.split.p_value == pytest.approx(0.00794, abs=1e-4)
    assert "more common in won accounts" in r.verdict and "Fisher p = 0.0079" in r.verdict
    r = _result([("won", "supports"), ("won", "silent"), ("lost", "supports"), ("lost", "silent")] * 2)
    assert "no won/lost difference this sample can show" in r.verdict


def test_the_verdict_says_when_numbers_are_too_few():
    assert _result([("won", "supports")] * 3).verdict.startswith("Too few interviews to tell")
    r = _result([("won", "supports")] * 4 + [("open", "silent")] * 2)
    assert "too few won (4) or lost (0) interviews" in r.verdict
    r = _result([("won", "contradicts")] * 4 + [("lost", "supports")] + [("lost", "silent")] * 2)
    assert r.verdict.startswith("Contradicted more often than supported")


# ------------------------------------------------------------------ offline related evidence

def _verbatim_interviewee(ws, run):
    ts = {t.file_name: t for t in ws.transcripts()}
    for r in run.results:
        for row in r.interviews:
            for q in row.quotes:
                t = ts[q.file]
                turn = t.turn_at(q.char_start)
                assert t.text[q.char_start:q.char_end] == q.quote
                assert not turn.is_interviewer and q.char_end <= turn.char_end


def test_offline_related_evidence_quotes_interviewees_and_flags_clear_dismissals(ws, embed_model):
    run = check_hypotheses(ws, HYPS)
    assert run.method == "related" and "related evidence" in run.method_text
    h1 = {row.file: row for row in run.results[0].interviews}
    assert h1["01_acme.txt"].stance == "supports"
    assert h1["03_gamma.txt"].stance == "contradicts"       # "not really an issue for us"
    assert h1["05_eps.txt"].stance == "silent"
    assert all("So you keep it" not in q.quote for row in h1.values() for q in row.quotes)
    _verbatim_interviewee(ws, run)
    assert run.results[0].verdict and run.results[0].ci_low is not None


# ------------------------------------------------------------------ the LLM path, over HTTP

def _responder(body: dict) -> dict:
    user = "\n".join(m["content"] for m in body["messages"] if m["role"] == "user")
    file = user.split("Interview file: ", 1)[1].split(",", 1)[0]
    args = REPLIES.get(file, {"findings": []})
    if body.get("tools"):
        return tool_call_completion(body["tools"][0]["function"]["name"], args)
    return json_completion(args)


@pytest.mark.parametrize("mode", ["tools", "json"])
def test_llm_path_keeps_only_verbatim_interviewee_quotes_about_the_hypothesis(ws, embed_model, mode):
    with FakeOpenAI(_responder) as srv:
        cfg = provider(srv.base_url, mode=mode)
        est = estimate_hypotheses(ws, HYPS, cfg)
        assert (est.chunks, est.cached, est.calls) == (5, 0, 5) and est.tokens_in > 0
        run = check_hypotheses(ws, HYPS, provider=cfg)
        assert len(srv.chat_requests()) == 5 and run.calls == 5
        h1 = {row.file: row for row in run.results[0].interviews}
        h2 = {row.file: row for row in run.results[1].interviews}
        assert h1["01_acme.txt"].stance == "supports"
        assert h1["02_beta.txt"].stance == "silent"            # the interviewer's words: not evidence
        assert h1["03_gamma.txt"].stance == "contradicts"
        assert h2["01_acme.txt"].stance == "supports"
        assert h2["02_beta.txt"].stance == "silent"            # invented quote
        assert h2["03_gamma.txt"].stance == "silent"           # verbatim, but about coffee
        assert run.quotes_proposed == 6 and run.quotes_grounded == 4 and run.quotes_off_topic == 1
        _verbatim_interviewee(ws, run)
        again = check_hypotheses(ws, HYPS, provider=cfg)       # cached: nothing sent, same answer
        assert len(srv.chat_requests()) == 5 and again.cache_hits == 5 and again.calls == 0
        assert again.results == run.results
        assert estimate_hypotheses(ws, HYPS, cfg).calls == 0
    log = [r for r in ws.call_log() if r["purpose"] == "hypotheses"]
    assert len(log) == 5 and all(r["status"] == "ok" for r in log)


def test_results_are_stored_per_kind(ws, embed_model):
    run = check_hypotheses(ws, HYPS[:1])
    store_run(ws, run, "file")
    icp = run.model_copy(update={"method": "items", "source": "icp.yaml"})
    store_run(ws, icp, "icp")
    got = stored(ws)
    assert got.file == run and got.icp.source == "icp.yaml" and len(got.runs()) == 2
    (ws.root / "hypotheses.json").write_text("{not json", encoding="utf-8")
    assert stored(ws).runs() == []


def test_no_hypotheses_no_run(ws):
    run = check_hypotheses(ws, [], options=HypothesisOptions(source="x"))
    assert run.results == [] and run.interviews == len(STUDY)


def test_a_reply_cut_off_at_the_token_cap_loses_that_chunk_not_the_run(ws, embed_model):
    """gemma-3-270m in JSON mode echoes the schema until max_tokens (seen recording evals/recorded/): the
    reply for 01_acme is cut off (finish_reason "length", hand-written here); the other chunks are decided."""
    def cut_for_acme(body: dict) -> dict:
        user = "\n".join(m["content"] for m in body["messages"] if m["role"] == "user")
        if "Interview file: 01_acme.txt" in user:
            return json_completion('{"type": "object", "properties": {"findings": {"type": "array", "items"',
                                   finish_reason="length")
        return _responder(body)

    with FakeOpenAI(cut_for_acme) as srv:
        run = check_hypotheses(ws, HYPS, provider=provider(srv.base_url, mode="json"))
    assert run.failed_chunks == 1 and any(n.startswith("01_acme.txt chunk 1:") and "token cap" in n
                                          for n in run.notes)
    h1 = {row.file: row for row in run.results[0].interviews}
    assert h1["03_gamma.txt"].stance == "contradicts"  # the others are decided as without the cut


def test_dry_run_counts_re_asks_from_the_call_log(ws, embed_model):
    """Every first answer invalid (hand-written): each chunk costs two requests, and the next dry run of a
    hypothesis set not yet asked counts them, as `synth extract --dry-run` does."""
    seen: set[str] = set()

    def invalid_first(body: dict) -> dict:
        user = "\n".join(m["content"] for m in body["messages"] if m["role"] == "user")
        if user not in seen:
            seen.add(user)
            args = {"findings": [{"hypothesis_id": "H1", "stance": "maybe", "quotes": []}]}   # not a stance
            return (tool_call_completion(body["tools"][0]["function"]["name"], args) if body.get("tools")
                    else json_completion(args))
        return _responder(body)

    with FakeOpenAI(invalid_first) as srv:
        cfg = provider(srv.base_url, mode="tools")
        before = estimate_hypotheses(ws, HYPS, cfg)
        assert before.calls == before.first_requests == 5 and "not included" in before.reask_note
        check_hypotheses(ws, HYPS, provider=cfg)
        assert len(srv.chat_requests()) == 10
        other = [Hypothesis(id="H3", text="Hiring support engineers is the main concern", category="pain")]
        est = estimate_hypotheses(ws, other, cfg)
    assert est.first_requests == 5 and est.calls == 10
    assert "hypotheses calls" in est.reask_note and est.tokens_in > 0


def test_offline_evidence_skips_turns_ingest_only_guessed(tmp_path):
    """Related evidence follows the items' evidence rule (Turn.evidence_ok): a turn whose side ingest
    guessed unsurely is never quoted as the interviewee's."""
    from synth.hypotheses.offline import units_of
    from synth.hypotheses.study import Interview
    from synth.ingest import load_transcript

    f = tmp_path / "call.txt"
    f.write_text("Ann: How do you close the books each month?\n"
                 "Bo: We export everything to a spreadsheet and it takes three long days.\n"
                 "Bo: Our auditors keep asking for the same reconciliations every quarter.\n", encoding="utf-8")
    t = load_transcript(f)
    said = [u.evidence.quote for u in units_of(Interview("call.txt", "call", None, None, t))]
    assert any("spreadsheet" in q for q in said) and any("auditors" in q for q in said)
    guessed = t.model_copy(update={"turns": [u.model_copy(update={"role_guessed": "auditors" in u.text})
                                             for u in t.turns]})
    said = [u.evidence.quote for u in units_of(Interview("call.txt", "call", None, None, guessed))]
    assert any("spreadsheet" in q for q in said) and not any("auditors" in q for q in said)


def test_an_unrelated_hypothesis_leaves_the_others_stances_alone(ws, embed_model):
    """Related evidence is relative to the set (a unit counts for the hypothesis it is most about), but a
    claim about none of the interviews' subjects takes no unit from the others: the generic "about nothing
    in particular" sentences, not the set, are what an off-subject unit goes to. (A sibling left out of the
    set is another matter: its evidence can count for its nearest hypothesis; evals/README.md measures it.)"""
    before = check_hypotheses(ws, HYPS)
    after = check_hypotheses(ws, HYPS + [Hypothesis(id="X1", category="pain", text="Security questionnaires stall "
                                                    "enterprise deals: procurement asks for SOC 2 and pen tests.")])
    assert [h.hypothesis.id for h in after.results] == ["H1", "H2", "X1"]
    for a, b in zip(before.results, after.results):
        assert [(row.file, row.stance) for row in a.interviews] == [(row.file, row.stance) for row in b.interviews]
        assert [q.quote for row in a.interviews for q in row.quotes] == [q.quote for row in b.interviews for q in row.quotes]
    assert all(row.stance == "silent" for row in after.results[2].interviews)


def test_set_stability_draws_are_seeded_and_without_replacement():
    from evals.hypotheses import subset_draws

    ids = [f"H{i}" for i in range(13)]
    draws = subset_draws(ids)
    assert draws == subset_draws(ids) and sorted(draws) == [5, 7, 10]
    assert all(len(set(d)) == k and set(d) <= set(ids) for k, ds in draws.items() for d in ds)
    assert len({tuple(d) for d in draws[5]}) > 1 and subset_draws(ids, seed=1) != draws
    assert sorted(subset_draws(ids[:6])) == [5]        # a size the set cannot fill is skipped


def test_the_eval_scores_pairs_by_one_confusion_count():
    from types import SimpleNamespace as NS

    from evals.hypotheses import pairs, precision_recall, score

    split = NS(won=0, lost=0, won_total=0, lost_total=0, p_value=None)
    run = NS(results=[NS(hypothesis=NS(id="H1"), split=split,
                         interviews=[NS(file="a", stance="supports", quotes=[]), NS(file="b", stance="silent", quotes=[]),
                                     NS(file="c", stance="supports", quotes=[])]),
                      NS(hypothesis=NS(id="H2"), split=split,
                         interviews=[NS(file="a", stance="contradicts", quotes=[]),
                                     NS(file="b", stance="supports", quotes=[])])])
    study = NS(theme_files=lambda: {"H1": {"a", "b"}, "H2": {"b"}}, accounts=[], transcripts={})
    s = score(run, study)
    assert (s["pairs"], s["tp"], s["fp"], s["fn"]) == (5, 2, 1, 1)
    assert (s["precision"], s["recall"], s["agreement"]) == (2 / 3, 2 / 3, 3 / 5)
    assert precision_recall(pairs(run.results, study.theme_files())) == (2 / 3, 2 / 3)


def test_names_are_what_the_interviewees_say_capitalized_mid_sentence_and_never_in_lower_case():
    from synth.hypotheses.offline import names_of

    said = ("We moved to Chargebee last year, and honestly Chargebee is fine. We go through Excel too.\n"
            "Our jobs are written in Go, so we go back and forth. Off we go.")
    alt = Hypothesis(id="A", category="alternative", text="Off-the-shelf billing: Chargebee, Orb, Excel or Go scripts")
    assert names_of(alt, said) == ["Chargebee", "Excel"]      # Orb is never said; "go", "off" are words here
    pain = alt.model_copy(update={"category": "pain"})
    assert names_of(pain, said) == []                          # only alternatives are counted by name


def test_an_interview_that_names_the_alternative_supports_it_with_that_sentence(tmp_path, embed_model):
    """MiniLM puts "So we're on Chargebee." far from "Named billing vendors"; the name decides. The
    interviewer saying the name is not evidence, and a dismissal that names it contradicts."""
    from synth.embed import Embedder
    from synth.hypotheses.offline import related_evidence
    from synth.hypotheses.study import Interview

    said = {"a.txt": ("Which billing system do you run on Chargebee or something else?",
                      "So we're on Chargebee. The invoices go out on the first of the month."),
            "b.txt": ("Have you looked at Chargebee?", "Not that I know of. Our interns run the month-end close."),
            "c.txt": ("And the invoicing?", "We tried Chargebee once, honestly it was not a big deal for us either way."),
            "d.txt": ("How do you invoice?", "My cousin in accounting types them up, and we mail them.")}
    ivs = [Interview(f, f[0], None, None, make_transcript([("Ines", True, q), ("Pat", False, a)], file_name=f))
           for f, (q, a) in said.items()]
    h = Hypothesis(id="A3", category="alternative",
                   text="Named billing vendors: off-the-shelf billing products in use or evaluated: Chargebee, Orb.")
    rows = {r.file: r for r in related_evidence([h], ivs, Embedder(None))["A3"]}
    assert rows["a.txt"].stance == "supports" and rows["a.txt"].note == "names Chargebee"
    assert rows["a.txt"].quotes[0].quote == "So we're on Chargebee." and rows["a.txt"].quotes[0].speaker == "Pat"
    assert rows["b.txt"].stance == "silent"                    # only the interviewer named it
    assert rows["c.txt"].stance == "contradicts"               # "not a big deal": a clear dismissal
    assert rows["d.txt"].stance == "silent"


def test_a_threshold_of_zero_is_a_threshold_not_the_default(ws, monkeypatch):
    """`HypothesisOptions.threshold` None means the default; 0.0 is a threshold a user can ask for."""
    from synth.hypotheses import offline

    seen = []
    monkeypatch.setattr(offline, "related_evidence", lambda hyps, ivs, emb, threshold: seen.append(threshold) or {
        h.id: [] for h in hyps})
    class NoModel:
        model_name = "none"

    check_hypotheses(ws, HYPS, embedder=NoModel(), options=HypothesisOptions(method="related", threshold=0.0))
    check_hypotheses(ws, HYPS, embedder=NoModel(), options=HypothesisOptions(method="related"))
    assert seen == [0.0, offline.RELATED_THRESHOLD]
