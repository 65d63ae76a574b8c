"""One scoring everywhere: on the sample study, `synth icp` and `synth score accounts.csv` give every
account the same score, and the score CSV imports back into the CRM."""
from __future__ import annotations

import csv

import pytest
from conftest import SAMPLE
from typer.testing import CliRunner

from synth import pipeline
from synth.cli import app
from synth.workspace import Workspace


@pytest.fixture(scope="module")
def study(tmp_path_factory, embed_model):
    root = tmp_path_factory.mktemp("icp") / "ws"
    with Workspace(root) as ws:
        pipeline.ingest([SAMPLE], ws)
        pipeline.extract(ws)                 # offline local extractor; themes are not needed
        res = pipeline.icp(ws)
    return root, res


def test_icp_and_score_give_every_account_the_same_score(study, tmp_path):
    root, res = study
    icp_scores = dict(zip(res.scores.companies.tolist(), res.scores.scores.tolist()))
    table, result, report = pipeline.score(SAMPLE / "accounts.csv", root / "icp.yaml")
    score_scores = dict(zip(result.companies.tolist(), result.scores.tolist()))
    assert len(icp_scores) == 10 and score_scores == icp_scores
    assert dict(zip(result.companies.tolist(), result.tiers().tolist())) == \
        dict(zip(res.scores.companies.tolist(), res.scores.tiers().tolist()))
    # both validate out of sample and print it beside the in-sample numbers
    for rep in (res.validation, report):
        lines = rep.summary_lines()
        assert lines[0].startswith("in sample:") and lines[1].startswith("out of sample:")
        assert "n/ax" not in " ".join(lines)


def test_score_cli_prints_the_same_scores_and_writes_a_crm_import(study, tmp_path):
    root, res = study
    out = tmp_path / "scores.csv"
    r = CliRunner().invoke(app, ["score", str(SAMPLE / "accounts.csv"), "--icp", str(root / "icp.yaml"),
                                 "--out", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.stdout
    assert "out of sample:" in r.stdout and "verdict:" in r.stdout
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0])[:4] == ["company", "ICP score", "ICP tier", "ICP score max"]
    expected = dict(zip(res.scores.companies.tolist(), res.scores.scores.tolist()))
    assert {row["company"]: int(row["ICP score"]) for row in rows} == expected
    assert all(int(row["ICP score max"]) >= int(row["ICP score"]) for row in rows)
