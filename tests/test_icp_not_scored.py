"""A study with nothing to score an ICP on says so (issue 21): no fit scores or tiers, exit 0."""
from __future__ import annotations

import re
import shutil

from conftest import SAMPLE
from typer.testing import CliRunner

from synth.cli import app
from synth.icp.accountdata import NO_ACCOUNT_DATA, ONLY_ALTERNATIVES, interview_companies, not_scored_reason
from synth.models import AccountRow


class _Crit:
    def __init__(self, field, points=10):
        self.field, self.points = field, points


class _Rules:
    def __init__(self, *fields):
        self.criteria = [_Crit(f) for f in fields]


def test_accounts_without_firmographics_or_outcomes_are_not_scored():
    bare = {"a.txt": AccountRow(file="a.txt", company="Acme"), "b.txt": AccountRow(file="b.txt", company="Bolt")}
    assert not_scored_reason({}) == NO_ACCOUNT_DATA
    assert not_scored_reason(bare) == NO_ACCOUNT_DATA
    assert not_scored_reason({"a.txt": AccountRow(file="a.txt", company="Acme", employees=40)}) is None
    assert not_scored_reason({"a.txt": AccountRow(file="a.txt", company="Acme", outcome="won")}) is None


def test_scores_never_rest_only_on_extracted_alternatives():
    rows = {"a.txt": AccountRow(file="a.txt", company="Acme", outcome="won")}
    assert not_scored_reason(rows, _Rules("alternatives", "alternatives")) == ONLY_ALTERNATIVES
    assert not_scored_reason(rows, _Rules("alternatives", "employees")) is None


def test_an_interview_is_an_account_only_when_it_names_a_company():
    from conftest import make_transcript

    t1, t2 = make_transcript([("A", False, "hello there")], "x.txt"), make_transcript([("A", False, "hi")], "y.txt")
    t2.meta.company = "Front Matter Inc"
    assert interview_companies({}, [t1, t2]) == {"y.txt": "Front Matter Inc"}
    # accounts.csv first, then front matter, then what the interviewee says
    t3 = make_transcript([("Q", True, "Tell me about you."), ("A", False, "I'm head of Engineering at Acme Corp.")],
                         "z.txt")
    rows = {"y.txt": AccountRow(file="y.txt", company="From The CSV")}
    assert interview_companies(rows, [t1, t2, t3]) == {"y.txt": "From The CSV", "z.txt": "Acme Corp"}


def test_a_company_is_what_the_interviewee_names_as_theirs():
    from conftest import make_transcript

    from synth.vocab.companies import named_company

    def said(*answers, question="Tell me about your role."):
        return named_company(make_transcript([("Q", True, question)] + [("A", False, a) for a in answers]))

    assert said("I work for Kestrel Maps and run finance.") == "Kestrel Maps"
    assert said("Sure. I'm the CTO at Brightloop, we do observability.") == "Brightloop"
    assert said("I'm a co-founder of Pipewrench.") == "Pipewrench"
    assert said("We rebuilt it here at Orchardly last year.") == "Orchardly"
    # a department, a weekday, a place or the interviewer's words are not the interviewee's company
    assert said("I'm head of Engineering, so billing is mine.") is None
    assert said("I started Monday, actually.") is None
    assert said("I'm at Home right now, sorry about the noise.") is None
    assert named_company(make_transcript([("Q", True, "I work at Tallyho, thanks for joining."),
                                          ("A", False, "Happy to help.")])) is None


def test_report_and_browser_count_accounts_by_the_one_rule(tmp_path, embed_model):
    """An interview with no accounts row, no front matter company and no company said is no account:
    the report's summary and the browser's accounts tile both say 2 of 3 interviews are accounts."""
    from conftest import make_transcript

    from synth.report import build_report_data
    from synth.web.study import Study
    from synth.web.views import Filters, study_page
    from synth.workspace import Workspace

    ws = Workspace(tmp_path / "ws")
    lines = {"a.txt": "We chase invoices by hand every month and it takes two days.",
             "b.txt": "I work at Bolt Freight. We chase invoices by hand every month.",
             "c.txt": "Honestly we chase invoices by hand, it is painful."}
    for f, answer in lines.items():
        t = make_transcript([("Q", True, "What is hard?"), ("A", False, answer)], f)
        ws.put_transcript(t)
    ws.put_accounts({"a.txt": AccountRow(file="a.txt", company="Acme", outcome="won")})
    from synth.pipeline import extract

    extract(ws)
    try:
        assert build_report_data(ws).summary.accounts == 2
        study = Study(ws.root)
        try:
            tiles = {t.label: t for t in study_page(study, Filters())["tiles"]}
            assert (tiles["interviews"].value, tiles["accounts"].value) == ("3", "2")
            assert tiles["accounts"].note == "1 won · 0 lost · 1 open"
        finally:
            study.close()
    finally:
        ws.close()


def test_a_study_with_no_account_data_prints_and_reports_icp_not_scored(tmp_path):
    src = tmp_path / "study"
    src.mkdir()
    for p in sorted(SAMPLE.glob("0[12]_*")):
        text = p.read_text(encoding="utf-8")
        (src / p.name).write_text(re.sub(r"(?m)^company:.*\n", "", text), encoding="utf-8")
    assert not (src / "accounts.csv").exists()
    r = CliRunner().invoke(app, ["run", str(src), "-w", str(tmp_path / "ws")], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    out = " ".join(r.output.split())
    assert NO_ACCOUNT_DATA in out and "high_touch" not in out
    md = (tmp_path / "ws" / "report" / "report.md").read_text(encoding="utf-8")
    assert NO_ACCOUNT_DATA in md and "(no account data)" in md and "0 won, 0 lost" not in md
    from synth.themes.label import label_problem
    from synth.workspace import Workspace

    ws = Workspace(tmp_path / "ws")
    try:
        labels = [t.label for t in ws.latest_themes().themes]
    finally:
        ws.close()
    assert labels and not [(lab, label_problem(lab)) for lab in labels if label_problem(lab)]
    shutil.rmtree(tmp_path / "ws")


def test_an_interview_with_no_company_gets_no_icp_row(tmp_path, embed_model):
    """In a study that has account data, an interview with no accounts row, no front matter company and
    no company said is not scored as an account (it used to get a row with its file name as company)."""
    from conftest import make_transcript

    from synth.icp.study import build_icp
    from synth.pipeline import extract
    from synth.workspace import Workspace

    ws = Workspace(tmp_path / "ws")
    lines = {"a.txt": "We chase invoices by hand every month and it takes two days.",
             "b.txt": "I work at Bolt Freight. We chase invoices by hand every month.",
             "c.txt": "Honestly we chase invoices by hand, it is painful."}
    for f, answer in lines.items():
        ws.put_transcript(make_transcript([("Q", True, "What is hard?"), ("A", False, answer)], f))
    ws.put_accounts({"a.txt": AccountRow(file="a.txt", company="Acme", employees=40, outcome="won")})
    try:
        extract(ws)
        res = build_icp(ws)
        assert res.not_scored is None
        assert sorted(str(c) for c in res.scores.companies) == ["Acme", "Bolt Freight"]
    finally:
        ws.close()
