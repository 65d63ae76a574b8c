"""Adding a category is its table entry, its prompt text and its tests (issue 23, item 3).

This file is all a new category needs: an `objection` entry in the categories table (its item class,
its LLM output class, prompt text for the LLM and example sentences for the offline extractor), and
these tests, which see it extracted offline and through a recorded LLM reply (hand-written, below),
clustered into themes, and rendered in the CLI, the Markdown and HTML report and the browser. No other
file of synth knows the category exists.
"""
from __future__ import annotations

import json
from typing import Literal

import pytest
from conftest import make_transcript
from llm_replay import extraction_requests, provider, responder
from pydantic import Field
from starlette.testclient import TestClient
from typer.testing import CliRunner

from synth import pipeline
from synth.categories import (
    CategorySpec,
    Item,
    ItemContext,
    LocalRule,
    QuotedOut,
    register_category,
    unregister_category,
)
from synth.extract import ExtractOptions
from synth.workspace import Workspace
from tests.support.fakeopenai import FakeOpenAI

# --------------------------------------------------------------------------- the new category


class Objection(Item):
    category: Literal["objection"] = "objection"


class ObjectionOut(QuotedOut):
    statement: str = Field(description="short plain statement of why they hesitated to buy")

    def to_item(self, ctx: ItemContext) -> Item:
        return Objection(statement=ctx.restore(self.statement), dismissed=self.dismissed)


OBJECTION = CategorySpec(
    name="objection", model=Objection, output=ObjectionOut, field="objections", title="Objections",
    grouping="embedding", shown=5, code="O", themes_title="Objection themes", noun="objections",
    colour="#b7791f", blurb="Why accounts hesitated to buy.",
    prompt="objections: why the interviewee hesitated to buy or what made the purchase hard (price, a "
           "security review, legal terms), each with its verbatim quotes.",
    local=LocalRule(threshold=0.45, cap_per_1000_words=10.0, cap_min=2, examples=[
        "The price was far too high for a team of our size.",
        "It was too expensive for our budget this year.",
        "Our security review would take months before we could sign.",
        "Security approval at our company takes forever.",
        "Legal would not accept the contract terms.",
    ]))

# --------------------------------------------------------------------------- a small study

PRICE = ["Honestly the price was just too high for a team of our size.",
         "The pricing felt way too expensive for a small team like ours.",
         "It simply cost too much money for a startup of our size.",
         "The price tag was too steep for the budget we had this year.",
         "Cost was the blocker because it was too pricey for a team this small.",
         "We thought the price was far too high for a company our size."]
SECURITY = ["Our security review would take months before we could sign anything.",
            "Security sign-off was going to take a whole quarter at our company.",
            "The security review alone would take our team many months.",
            "We feared the security review would drag on for months.",
            "Getting through security review would take forever at our company.",
            "Security approval takes months here before anyone can sign."]
FILES = [f"account_{k}.txt" for k in range(len(PRICE))]


def _study(root) -> Workspace:
    ws = Workspace(root)
    for name, price, security in zip(FILES, PRICE, SECURITY):
        ws.put_transcript(make_transcript([
            ("Interviewer", True, "What made you hesitate before buying?"),
            ("Dana", False, price),
            ("Interviewer", True, "Anything else that slowed the purchase down?"),
            ("Dana", False, security),
            ("Interviewer", True, "Thanks, that is all from me."),
            ("Dana", False, "We have about forty engineers on the platform team and we ship every week."),
        ], file_name=name))
    return ws


@pytest.fixture
def objection():
    register_category(OBJECTION)
    try:
        yield OBJECTION
    finally:
        unregister_category("objection")


def _sees_it_clustered_and_rendered(ws: Workspace) -> None:
    """Themes of the new category, then the CLI, the report (Markdown and HTML) and the browser show them."""
    from synth.report import build_report_data, render_html, render_markdown
    from synth.web import create_app
    from synth.web.security import allowed_hosts

    ts = pipeline.themes(ws)
    themes = [t for t in ts.themes if t.category == "objection"]
    assert themes, f"no objection theme: {ts.unclustered}"
    assert all(len(t.files) >= 2 for t in themes)
    assert {t.category for t in ts.themes if t.category != "objection"} <= {"pain", "trigger", "alternative"}

    from synth.cli import app

    out = CliRunner().invoke(app, ["themes", "-w", str(ws.root)], catch_exceptions=False, env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    assert "Objection themes" in out.stdout and themes[0].label.split()[0] in out.stdout

    data = build_report_data(ws)
    assert [t.code for t in data.theme_sections["objection"]][:1] == ["O1"]
    md = render_markdown(data)
    assert "## Objection themes" in md.splitlines() and "[Objection themes](#objection-themes)" in md
    assert any(q in md for q in PRICE + SECURITY)  # its quotes, verbatim
    html = render_html(data, chart_svgs={})
    assert 'id="objections"' in html and "Why accounts hesitated to buy." in html

    hosts = allowed_hosts("127.0.0.1", 8765)
    review = create_app(ws.root, hosts)
    try:
        with TestClient(review.asgi, base_url="http://127.0.0.1:8765") as c:
            page = c.get("/").text
            assert "Objection themes" in page and ">O1<" in page.replace(" ", "")
            theme_page = c.get(f"/theme/{themes[0].id}")
            assert theme_page.status_code == 200 and any(q in theme_page.text for q in PRICE + SECURITY)
    finally:
        review.study.close()


def test_a_dummy_category_is_extracted_offline_clustered_and_rendered(objection, tmp_path):
    ws = _study(tmp_path / "ws")
    run = pipeline.extract(ws)
    found = [it for e in run.extractions for it in e.of("objection")]
    assert len({ev.file for it in found for ev in it.evidence}) >= 4, [e.of("objection") for e in run.extractions]
    assert all(isinstance(it, Objection) and it.evidence[0].quote in PRICE + SECURITY for it in found)
    # stored and read back as its own class
    again = ws.latest_extractions()
    assert any(isinstance(it, Objection) for e in again for it in e.items())
    _sees_it_clustered_and_rendered(ws)
    ws.close()


def _llm_reply(name: str) -> dict:
    """Hand-written reply (labelled: not a model's output) in the chunk schema the table builds."""
    k = FILES.index(name)
    return {"pains": [], "triggers": [], "alternatives": [], "dmu": [], "traits": [],
            "objections": [{"statement": "the price was too high for a team their size", "quotes": [PRICE[k]]},
                           {"statement": "the security review would take months", "quotes": [SECURITY[k]]}]}


def test_a_dummy_category_is_extracted_through_a_recorded_llm_reply(objection, tmp_path):
    ws = _study(tmp_path / "ws")
    with FakeOpenAI(responder({n: _llm_reply(n) for n in FILES})) as srv:
        run = pipeline.extract(ws, provider(srv.base_url), ExtractOptions(concurrency=2))
        sent = extraction_requests(srv.completed())
    assert run.fatal is None and run.failures == []
    body = sent[0].body
    # the chunk schema and the prompt came from the table entry
    assert "objections" in json.dumps(body["tools"]) and "ObjectionOut" in json.dumps(body["tools"])
    assert "objections: why the interviewee hesitated" in body["messages"][0]["content"]
    found = [it for e in run.extractions for it in e.of("objection")]
    assert len(found) == 2 * len(FILES) and all(isinstance(it, Objection) for it in found)
    for it in found:
        assert it.evidence and it.evidence[0].quote in PRICE + SECURITY and it.evidence[0].speaker == "Dana"
    _sees_it_clustered_and_rendered(ws)
    ws.close()


def test_without_the_entry_nothing_knows_the_category(tmp_path):
    from synth.extract.schema import chunk_schema
    from synth.models import CATEGORIES, THEME_SECTIONS

    assert "objection" not in CATEGORIES and "objection" not in THEME_SECTIONS
    assert "objections" not in chunk_schema().model_fields
