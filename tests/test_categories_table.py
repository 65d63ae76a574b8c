"""Per-category display facts come from the categories table (synth.models.CATEGORIES): the themes'
heading and short code, in the CLI, the report and the browser alike. Changing the table entry
changes all of them; before, headings were spelled per surface ("Pain themes", "Pains")."""
from __future__ import annotations

from synth import models
from synth.models import CATEGORIES, THEME_SECTIONS, ThemeSet
from synth.render import themes_table
from synth.report.model import ReportData, StudySummary


def test_codes_and_headings_are_the_tables(monkeypatch):
    from synth.report import data
    from synth.web import views

    assert {c: data.theme_code(c, 3) for c in models.CLUSTERED_CATEGORIES} == {
        c: f"{CATEGORIES[c].code}3" for c in models.CLUSTERED_CATEGORIES}
    assert views.theme_sections() == [(c, CATEGORIES[c].themes_title) for c in THEME_SECTIONS]
    assert len({s.code for s in CATEGORIES.values()}) == len(CATEGORIES)


def test_a_renamed_heading_shows_in_the_cli_markdown_and_html(monkeypatch):
    from synth.report.html import render_html
    from synth.report.markdown import render_markdown

    monkeypatch.setitem(CATEGORIES, "pain", CATEGORIES["pain"].model_copy(update={"themes_title": "Problems heard"}))
    assert themes_table(ThemeSet(), "pain").title == "Problems heard"
    d = ReportData(summary=StudySummary())
    md = render_markdown(d)
    assert "## Problems heard" in md.splitlines() and "[Problems heard](#problems-heard)" in md
    html = render_html(d, chart_svgs={})
    assert html.count("Problems heard") >= 2 and "Pain themes" not in html  # the contents line and the heading


def test_one_quote_time_format_in_the_cli_and_the_report():
    from synth.models import Evidence
    from synth.render import quote_ref as cli_quote
    from synth.report.data import quote_ref

    ev = Evidence(quote="We lose a week every quarter", file="a.vtt", transcript_hash="h", speaker="Ana",
                  turn_index=3, char_start=0, char_end=28, start=192.4)
    # one citation: was "@3:12" in `synth themes`, "@192s" in `synth review THEME`, "Ana · a.vtt" in the browser
    assert "a.vtt · Ana · 00:03:12" in cli_quote(ev)
    assert quote_ref(ev).timestamp == "00:03:12"  # the report, the browser (its quotes) and themes.json
    assert quote_ref(ev).cite == "a.vtt · Ana · 00:03:12"
