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
