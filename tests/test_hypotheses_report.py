"""Hypotheses and saturation in the report (Markdown + HTML), the CLI, `synth icp` and the browser review."""
from __future__ import annotations

import json
import re

import pytest
from test_report import build_study
from typer.testing import CliRunner

from synth import pipeline
from synth.cli import app
from synth.hypotheses import Hypothesis, check_hypotheses, store_run, stored
from synth.report import build_report_data, render_html, render_markdown

HOSTILE = 'Audit <script>alert("h")</script> | *drives* [buying](http://x)'


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    root = tmp_path_factory.mktemp("hyp-report") / "ws"
    ws = build_study(root)
    (root / "hypotheses.yaml").write_text(
        "- id: H1\n  text: Spreadsheets are the alternative we replace\n"
        f"- id: H2\n  text: '{HOSTILE}'\n  category: pain\n", encoding="utf-8")
    yield ws
    ws.close()


def test_icp_turns_its_interview_criteria_into_hypotheses_with_the_same_items(study):
    res = pipeline.icp(study)
    run = stored(study).icp
    assert run is not None and run.method == "items" and run.source == "icp.yaml"
    ids = {c.id for c in [*res.rules.criteria, *res.rules.disqualifiers]}
    assert run.results and {r.hypothesis.id for r in run.results} <= ids
    traits = [*res.profile.positive(), *res.profile.negative]
    items = {it.id: e.file for e in study.latest_extractions() for it in e.items()}
    for r in run.results:
        c = next(c for c in [*res.rules.criteria, *res.rules.disqualifiers] if c.id == r.hypothesis.id)
        t = next(t for t in traits if t.field == c.field and t.value == c.value)
        assert {row.file for row in r.interviews if row.stance == "supports"} == {items[i] for i in t.item_ids}


def test_cli_hypotheses_json_and_errors(study, embed_model):
    runner = CliRunner()
    out = runner.invoke(app, ["hypotheses", "-w", str(study.root), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["method"] == "related" and [r["hypothesis"]["id"] for r in data["results"]] == ["H1", "H2"]
    assert stored(study).file is not None
    bad = study.root / "bad.yaml"
    bad.write_text("- id: H1\n  text: x y z\n  category: nope\n", encoding="utf-8")
    out = runner.invoke(app, ["hypotheses", "-w", str(study.root), "--file", str(bad)])
    assert out.exit_code == 2 and "bad.yaml" in out.output and "Traceback" not in out.output
    out = runner.invoke(app, ["hypotheses", "-w", str(study.root), "--dry-run"])
    assert out.exit_code == 0 and "$0" in out.output
    out = runner.invoke(app, ["saturation", "-w", str(study.root), "--json"])
    assert out.exit_code == 0
    sat = json.loads(out.stdout)
    assert {c["category"] for c in sat["curves"]} == {"pain", "trigger", "alternative"}
    assert all(len(c["cumulative"]) == sat["interviews"] for c in sat["curves"])


def test_report_has_hypotheses_and_saturation_escaped(study, embed_model):
    store_run(study, check_hypotheses(study, [Hypothesis(id="H1", text="Spreadsheets are what we replace"),
                                              Hypothesis(id="H2", text=HOSTILE)]), "file")
    d = build_report_data(study)
    assert [r.method for r in d.hypotheses][0] == "related" and d.saturation is not None
    md = render_markdown(d)
    assert "## Hypotheses" in md and "## Saturation" in md and "related evidence" in md
    assert "<script>" not in md and "&lt;script&gt;" in md and r"\[buying\]" in md
    html = render_html(d)
    assert 'id="hypotheses"' in html and 'id="saturation"' in html and "<script>" not in html
    assert re.search(r'<svg class="chart"[^>]*>.*?distinct themes', html, re.S)
    assert "Share of interviews supporting each hypothesis" in html
    assert "&lt;script&gt;alert(&#34;h&#34;)" in html
    assert html == render_html(build_report_data(study))   # deterministic


def test_report_shows_why_a_row_counts_escaped(study, embed_model):
    """A row's note (offline: "names Excel" when the interviewee names the product) says why it counts;
    it is text from the transcript, so it is escaped like the quotes."""
    run = check_hypotheses(study, [Hypothesis(id="H1", text="Spreadsheets are what we replace")])
    row = run.results[0].interviews[0]
    item = next(it for e in study.latest_extractions() if e.file == row.file for it in e.items())
    row.stance, row.quotes, row.note = "supports", item.evidence[:1], "names <b>Excel</b> *now*"
    store_run(study, run, "file")
    d = build_report_data(study)
    assert "(names &lt;b&gt;Excel&lt;/b&gt; \\*now\\*)" in render_markdown(d)
    assert "(names &lt;b&gt;Excel&lt;/b&gt; *now*)</span>" in render_html(d)


def test_browser_review_shows_hypotheses_and_the_chart(study):
    from starlette.testclient import TestClient

    from synth.web import create_app

    app_ = create_app(study.root, ["testserver"])
    with TestClient(app_.asgi) as c:
        page = c.get("/findings")
        assert page.status_code == 200
        assert "Hypotheses" in page.text and "Saturation" in page.text and "/findings/saturation.png" in page.text
        assert "<script>alert" not in page.text
        png = c.get("/findings/saturation.png")
        assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
        assert 'href="/findings"' in c.get("/").text
        assert c.get("/findings/hypotheses-0.png").content[:4] == b"\x89PNG"
        assert c.get("/findings/hypotheses-9.png").status_code == 404
        assert c.get("/findings/nothing.png").status_code == 404


def test_browser_computes_saturation_once_per_state_of_the_study(study, monkeypatch):
    """The Findings page and its chart share one computation until a decision or reload replaces the themes."""
    from synth.web import findings
    from synth.web.study import Study

    calls = []
    real = findings.theme_saturation
    monkeypatch.setattr(findings, "theme_saturation", lambda *a, **k: calls.append(1) or real(*a, **k))
    s = Study(study.root)
    try:
        first = findings.study_saturation(s)
        assert findings.study_saturation(s) is first and len(calls) == 1
        s._set_themes(s.ts.model_copy())                 # what a review decision does
        again = findings.study_saturation(s)
        assert len(calls) == 2 and again is not first and again.model_dump() == first.model_dump()
    finally:
        s.close()
