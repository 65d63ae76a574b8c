"""One study-facts object (file -> account -> outcome) for ranking, the report and the browser.

Before it each did the join itself: for a company interviewed twice, one interview marked won and
the other without an outcome, ranking counted it won, the report counted it as no outcome (last row
read) and the browser as open (last file read).
"""
from __future__ import annotations

import pytest
from test_themes import OPTS, _study

from synth.models import AccountRow
from synth.report import build_report_data
from synth.themes.build import build_themes
from synth.themes.facts import StudyFacts
from synth.web.study import Study
from synth.web.views import Filters, study_page, theme_row
from synth.workspace import Workspace

ROWS = {"f0.txt": AccountRow(file="f0.txt", company="Acme", outcome="won"),
        "f1.txt": AccountRow(file="f1.txt", company="Acme", outcome=None),  # same company, no outcome
        "f3.txt": AccountRow(file="f3.txt", company="C3", outcome="lost"),
        "f4.txt": AccountRow(file="f4.txt", company="C4", outcome="open")}  # f2.txt: no accounts row


def test_the_rules_of_the_join():
    facts = StudyFacts.build([f"f{i}.txt" for i in range(5)], ROWS)
    # f2.txt has no company: an interview, not an account (issue 21)
    assert facts.outcome_of_account == {"Acme": "won", "C3": "lost", "C4": "open"}
    assert facts.n_accounts == 3 and facts.n_interviews == 5 and facts.account("f2.txt") is None
    assert facts.won_lost(["f1.txt", "f2.txt", "f3.txt"]) == (["Acme", "C3"], 1, 1)
    # the order rows are read in does not matter
    assert StudyFacts.build(["f1.txt", "f0.txt"], ROWS).outcome("Acme") == "won"


@pytest.fixture
def ws(tmp_path, embed_model):
    w = Workspace(tmp_path / "ws")
    _study(w)
    w.put_accounts(ROWS)
    yield w
    w.close()


def test_ranking_report_and_browser_count_the_same_accounts(ws):
    ts = build_themes(ws, OPTS)
    pains = sorted((t for t in ts.themes if t.category == "pain"), key=lambda t: t.rank)
    assert pains and all(len(t.files) == 5 for t in pains)
    ranked = [(t.won, t.lost) for t in pains]
    assert ranked == [(1, 1)] * len(pains)
    lift = next(c for c in pains[0].breakdown if c.name == "won_lost_lift")
    assert "1/1 won vs 1/1 lost" in lift.note

    data = build_report_data(ws)
    assert [(v.won, v.lost) for v in data.pains] == ranked
    # the report counts an interview as an account only when it has a company (issue 21): f2.txt has none
    assert (data.summary.accounts, data.summary.won, data.summary.lost) == (3, 1, 1)

    study = Study(ws.root)
    try:
        assert [(r.won, r.lost) for r in (theme_row(study, t, None) for t in pains)] == ranked
        tiles = {t.label: t for t in study_page(study, Filters())["tiles"]}
        # the browser's tile and the report's summary count accounts by the one rule: 3, not 4
        assert (tiles["accounts"].value, tiles["accounts"].note) == ("3", "1 won · 1 lost · 1 open")
        assert tiles["interviews"].value == "5"
    finally:
        study.close()
