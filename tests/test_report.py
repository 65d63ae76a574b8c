"""Report: escaping of hostile transcript text, self-containment, determinism, Markdown parity, exports.

The study is built without the embedding model: statement vectors are put in the workspace cache
first, so the real `assemble_themes` (labels, rank, DMU) and `pipeline.icp` run on it in about a second.
"""
from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from conftest import make_transcript

from synth import pipeline
from synth.embed import DEFAULT_MODEL, text_hash
from synth.models import AccountRow, Alternative, DmuMember, Evidence, Extraction, PainPoint, ThemeSet, Trigger
from synth.report import (
    ItemRow,
    ThemesExport,
    build_report_data,
    exports_schema,
    render_html,
    render_markdown,
    write_exports,
    write_report,
)
from synth.report.charts import clean_label
from synth.report.markdown import md
from synth.report.model import hms
from synth.themes.build import assemble_themes
from synth.themes.review import load_review, review_path, save_review
from synth.workspace import Workspace

XSS_SPEAKER = "<script>alert(1)</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
HOSTILE = (f"We paste audit evidence into {IMG} and <script>window.__pwned=1</script> docs | $5 per $user, "
           "see https://evil.example.com/x.js")
LABEL = '<script>alert("label")</script> $x$ audit'

# (file, company, outcome, interviewee, timed?, [(category, statement, said)])
STUDY = [
    ("01_acme.vtt", "Acme <b>Corp</b>", "won", XSS_SPEAKER, True, [
        ("pain", "Audit evidence is pasted by hand", HOSTILE),
        ("trigger", "Raised a Series B", "We raised our Series B in March."),
        ("alternative", "Spreadsheets", "Right now it is all spreadsheets."),
        ("dmu", "CTO signs", "Our CTO signs anything like this.")]),
    ("02_beta.txt", "Beta Labs", "won", "Bea Ortiz", False, [
        ("pain", "Collecting audit evidence takes a week", "Collecting audit evidence takes us a week."),
        ("pain", "Secrets are spread across CI variables", "Secrets are spread across CI variables and Slack."),
        ("trigger", "Closed a Series B round", "We closed a Series B round last quarter."),
        ("alternative", "Spreadsheets", "We track it in a spreadsheet."),
        ("dmu", "CTO owns budget", "The CTO owns the budget.")]),
    ("03_gamma.srt", "Gamma Inc", "lost", "Gil Chen", True, [
        ("pain", "Auditors ask for screenshots", "Auditors ask for screenshots of every setting."),
        ("trigger", "Vendor renewal is due", "Our vendor renewal is due in June."),
        ("alternative", "Spreadsheets", "Spreadsheets, honestly."),
        ("pain", "The office coffee is bad", "The office coffee is bad.")]),
    ("04_delta.txt", "Delta Co", "lost", "Dee Patel", False, [
        ("pain", "Secrets sprawl over repos", "Secrets sprawl over repos and config files."),
        ("trigger", "Renewal quote went up", "The renewal quote went up forty percent."),
        ("alternative", "Vault", "We run Vault ourselves.")]),
    ("05_eps.md", "Eps | Pipe", "open", "=cmd|' /C calc'!A0 (Eve)", True, [
        ("pain", "Passwords live in too many places", "Passwords live in too many places."),
        ("alternative", "Vault", "Vault, but nobody maintains it."),
        ("pain", "Pricing is not an issue after all", "Pricing is not an issue after all.")]),
]
CLUSTERS = {"pain-1": [0, 1, 3], "pain-2": [2, 5, 6], "trigger-1": [0, 1], "trigger-2": [2, 3],
            "alternative-1": [0, 1, 2], "alternative-2": [3, 4]}


def _vec(seed: int, jitter: int) -> np.ndarray:
    base = np.random.default_rng(seed).normal(size=384)
    v = base + 0.15 * np.random.default_rng(1000 + jitter).normal(size=384)
    return (v / np.linalg.norm(v)).astype(np.float32)


def build_study(root: Path) -> Workspace:
    ws = Workspace(root)
    items: dict[str, list] = {"pain": [], "trigger": [], "alternative": [], "dmu": []}
    rows = {}
    for fi, (file, company, outcome, who, timed, said) in enumerate(STUDY):
        lines = [("Interviewer", True, "Tell me about how this works today?", 0.0 if timed else None)]
        lines += [(who, False, text, (60.0 * (k + 1) + 12.5) if timed else None) for k, (_, _, text) in enumerate(said)]
        t = make_transcript(lines, file_name=file)
        ws.put_transcript(t)
        ex = Extraction(file=file, transcript_hash=t.content_hash, extractor="test", model="fixture-model",
                        prompt_version="v-test")
        for k, (cat, stmt, _) in enumerate(said):
            turn = t.turns[k + 1]
            ev = Evidence(quote=turn.text, file=file, transcript_hash=t.content_hash, speaker=who,
                          turn_index=turn.index, char_start=turn.char_start, char_end=turn.char_end, start=turn.start)
            if cat == "pain":
                it = PainPoint(statement=stmt, evidence=[ev], severity=4, dismissed="after all" in stmt)
                ex.pains.append(it)
            elif cat == "trigger":
                it = Trigger(statement=stmt, evidence=[ev], kind="funding" if "Series" in stmt else "vendor_renewal")
                ex.triggers.append(it)
            elif cat == "alternative":
                it = Alternative(statement=stmt, evidence=[ev], name=stmt, kind="spreadsheet" if "Spread" in stmt
                                 else "homegrown", shortfall="nobody maintains it" if "nobody" in turn.text else None)
                ex.alternatives.append(it)
            else:
                it = DmuMember(statement=stmt, evidence=[ev], role="economic_buyer", title="CTO")
                ex.dmu.append(it)
            it.id = it.stable_id(cat, t.content_hash)
            items[cat].append(it)
        ex.stats.quotes_proposed = ex.stats.quotes_grounded = len(said)
        ws.put_extraction(ex, "k")
        rows[file] = AccountRow(file=file, company=company, employees=50 * (fi + 1), industry="fintech",
                                country="US", funding_stage="series-b" if outcome == "won" else "seed",
                                tech_stack=["aws", "kubernetes"], outcome=outcome)
    ws.put_accounts(rows)
    vectors = {}
    for cat in ("pain", "trigger", "alternative"):  # every clustered statement: no model load
        for seed, (tid, idx) in enumerate(CLUSTERS.items()):
            if tid.startswith(cat):
                for j in idx:
                    vectors[text_hash(items[cat][j].statement)] = _vec(seed, j)
        for j, it in enumerate(items[cat]):
            vectors.setdefault(text_hash(it.statement), _vec(500 + j, j))
    ws.put_vectors(DEFAULT_MODEL, vectors)
    raw = {tid: sorted(items[tid.split("-")[0]][j].id for j in idx) for tid, idx in CLUSTERS.items()}
    clustered = {i for v in raw.values() for i in v}
    unclustered = {c: sorted(it.id for it in items[c] if it.id not in clustered and not it.dismissed)
                   for c in ("pain", "trigger", "alternative")}
    rv = load_review(review_path(ws.root))
    rv.rename["pain-2"] = LABEL
    save_review(rv, review_path(ws.root))
    ts = ThemeSet(raw_clusters=raw, unclustered=unclustered, n_interviews=len(STUDY),
                  dismissed=sorted(it.id for c in items.values() for it in c if it.dismissed))
    ws.put_themes(assemble_themes(ws, ts))
    return ws


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    ws = build_study(tmp_path_factory.mktemp("report") / "ws")
    icp = pipeline.icp(ws, None)
    data = build_report_data(ws, icp)
    html = render_html(data)
    yield ws, icp, data, html
    ws.close()


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    p.close()
    return p


def test_every_transcript_string_is_escaped(study):
    _, _, data, html = study
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html          # the speaker, as text
    assert "&lt;img src=x onerror=" in html                          # the quote, as text
    assert "Acme &lt;b&gt;Corp&lt;/b&gt;" in html                    # an accounts.csv value
    assert "&lt;script&gt;alert(&#34;label&#34;)" in html or "&lt;script&gt;alert(&quot;label&quot;)" in html
    assert 'P2  &lt;script&gt;alert("label")&lt;/script&gt; $x$' in html     # chart label: text, no TeX
    text = "".join(_parse(html).text)
    assert XSS_SPEAKER in text and IMG in text and LABEL in text     # shown verbatim to the reader
    tags = {t for t, _ in _parse(html).tags}
    assert not tags & {"script", "img", "iframe", "object", "embed", "link", "base", "form", "input"}


def test_html_is_self_contained(study):
    html = study[3]
    p = _parse(html)
    for tag, attrs in p.tags:
        for name, value in attrs.items():
            if name in ("src", "href", "xlink:href", "action", "poster", "srcset"):
                assert (value or "").startswith("#"), (tag, name, value)
            assert "://" not in (value or "") and not (value or "").startswith("//"), (tag, name, value)
    # the only URL in the page is the one a transcript said, shown as escaped text
    assert html.count("://") == "".join(p.text).count("://") == 1
    assert "https://evil.example.com/x.js" in "".join(p.text)
    assert not re.search(r"url\((?!#)", html) and "@import" not in html
    assert "default-src 'none'" in html                               # CSP: nothing may load or run
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "duplicate element ids (charts must not clash)"
    for ref in re.findall(r'href="#([^"]+)"', html) + re.findall(r"url\(#([^)]+)\)", html):
        assert ref in ids, ref


def test_report_content(study):
    _, _, data, html = study
    s = data.summary
    assert (s.interviews, s.accounts, s.won, s.lost, s.open) == (5, 5, 2, 2, 1)
    assert s.grounding_rate == 1.0 and s.extractors == {"test": 5} and s.models == ["fixture-model"]
    assert [t.code for t in data.pains] == ["P1", "P2"] and [t.code for t in data.triggers] == ["T1", "T2"]
    for t in data.themes:
        assert t.quotes and t.breakdown and abs(sum(c.points for c in t.breakdown) - t.score) < 0.05
    q = next(q for t in data.pains for q in t.quotes if q.speaker == XSS_SPEAKER)
    assert q.timestamp == "00:01:12" and q.cite == f"01_acme.vtt · {XSS_SPEAKER} · 00:01:12"
    assert "01_acme.vtt · &lt;script&gt;alert(1)&lt;/script&gt; · 00:01:12" in html
    assert [a.name for a in data.alternatives][:2] == ["Spreadsheets", "Vault"]
    assert data.dmu and data.dmu[0].titles == [("CTO", 2)]
    assert len(data.dismissed) == 1 and data.unclustered["pain"] == 1
    assert len(data.item_map) == 11 and data.map_note is None
    assert data.icp and data.icp.rules and data.icp.accounts and data.icp.validation is not None
    for sid in ("summary", "triggers", "pains", "map", "alternatives", "dmu", "icp", "validation", "accounts"):
        assert f'id="{sid}"' in html and f'href="#{sid}"' in html
    # two theme charts, the map, saturation, the ICP criteria as hypotheses (plus small interval bars)
    assert html.count('<svg class="chart"') == 5 and "<details" in html and "Score breakdown" in html


def test_markdown_has_the_same_themes_and_no_live_html(study):
    _, _, data, _ = study
    text = render_markdown(data)
    for t in data.themes:
        assert f"{t.code} · {md(t.label)}" in text
        for q in t.quotes:
            assert md(q.quote) in text
    assert "<script" not in text and "<img" not in text and "<b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "Eps \\| Pipe" in text                                     # `|` cannot break a table row
    for line in text.splitlines():
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line)
            assert len(cells) >= 3


def test_two_renders_are_byte_identical(study, tmp_path):
    ws, icp, data, html = study
    again = build_report_data(ws, icp)
    assert again == data
    a = write_report(ws, tmp_path / "a", icp)              # a second, independent build and render
    assert a.html.read_bytes() == html.encode("utf-8") and a.html_bytes == len(a.html.read_bytes())
    assert a.markdown.read_text(encoding="utf-8") == render_markdown(data) == render_markdown(again)
    tj, ic = write_exports(ws, tmp_path / "b")
    assert tj.read_bytes() == a.themes_json.read_bytes() and ic.read_bytes() == a.items_csv.read_bytes()


def test_exports_match_their_schema(study, tmp_path):
    ws, _, data, _ = study
    themes_json, items_csv = write_exports(ws, tmp_path)
    exp = ThemesExport.model_validate_json(themes_json.read_text(encoding="utf-8"))
    assert [t.id for t in exp.themes][:2] == [data.triggers[0].id, data.triggers[1].id]
    assert all(t.items and t.items[0].quotes for t in exp.themes)
    assert any(q.quote == HOSTILE for t in exp.themes for it in t.items for q in it.quotes)  # verbatim
    rows = list(csv.DictReader(io.StringIO(items_csv.read_text(encoding="utf-8"))))
    assert list(rows[0]) == list(ItemRow.model_fields)
    n_items = sum(len(e.items()) for e in ws.latest_extractions())
    assert len(rows) == n_items == 19
    for r in rows:
        ItemRow.model_validate({k: (v if v != "" else None) for k, v in r.items()})
    by_stmt = {r["statement"]: r for r in rows}
    assert by_stmt["Audit evidence is pasted by hand"]["theme_id"] == "pain-1"
    assert by_stmt["The office coffee is bad"]["theme_id"] == ""
    assert by_stmt["Audit evidence is pasted by hand"]["quote"] == HOSTILE
    assert by_stmt["Audit evidence is pasted by hand"]["start"] == "72.5"
    assert by_stmt["CTO signs"]["role"] == "economic_buyer" and by_stmt["CTO signs"]["title"] == "CTO"
    assert by_stmt["Passwords live in too many places"]["speaker"].startswith("'=")  # no formula in a spreadsheet
    schema = exports_schema()
    json.dumps(schema)
    assert set(schema["definitions"]) == {"ThemesExport", "ItemRow"}
    assert schema["definitions"]["ItemRow"]["x-csv-columns"] == list(ItemRow.model_fields)


def test_chart_labels_are_clean_text():
    assert clean_label("a\x00b\u202ec\n  d  " * 3, 12) == "a b c d a b…"
    assert hms(None) is None and hms(3723.9) == "01:02:03"


def test_report_without_themes_or_outcomes(tmp_path):
    ws = Workspace(tmp_path / "ws")
    t = make_transcript([("I", True, "Hi?"), ("R", False, "We use a spreadsheet.")], file_name="x.txt")
    ws.put_transcript(t)
    ev = Evidence(quote=t.turns[1].text, file="x.txt", transcript_hash=t.content_hash, speaker="R", turn_index=1,
                  char_start=t.turns[1].char_start, char_end=t.turns[1].char_end)
    ws.put_extraction(Extraction(file="x.txt", transcript_hash=t.content_hash, extractor="local", alternatives=[
        Alternative(id="a1", statement="Spreadsheet", name="Spreadsheet", kind="spreadsheet", evidence=[ev])]), "k")
    data = build_report_data(ws)
    html, text = render_html(data), render_markdown(data)
    assert "No theme recurs" in html and "No ICP draft" in html and "<svg" not in html
    assert "No theme recurs" in text and "Spreadsheet" in text
    p = write_report(ws, tmp_path / "out")
    assert p.items_csv.read_text().count("\n") == 2
    ws.close()


@pytest.mark.parametrize("costs,shown", [
    ([None, None], "unknown (model not in prices.yaml)"),     # a hosted model prices.yaml does not list
    ([0.0125, None], "$0.01 + 1 calls unpriced"),
    ([0.0125, 0.0], "$0.01"),                                   # a local server: priced at $0, and known
])
def test_report_never_shows_an_unknown_price_as_zero(tmp_path, costs, shown):
    ws = Workspace(tmp_path / "ws")
    for c in costs:
        ws.log_call(key=None, purpose="extract", model="acme-llm-9", tokens_in=900, tokens_out=120, cost_usd=c)
    data = build_report_data(ws)
    assert data.summary.cost_text() == shown
    assert f"LLM cost {shown}" in render_markdown(data)
    assert shown.replace("$", "&#36;") in render_html(data) or shown in render_html(data)
    ws.close()


def test_cli_writes_the_report(study, tmp_path):
    from typer.testing import CliRunner

    from synth.cli import app

    ws = study[0]
    res = CliRunner().invoke(app, ["report", "-w", str(ws.root), "--out", str(tmp_path / "r"), "--offline"])
    assert res.exit_code == 0, res.output
    missing = CliRunner().invoke(app, ["report", "-w", str(tmp_path / "nowhere")])
    assert missing.exit_code == 1 and not (tmp_path / "nowhere").exists()
    assert "report.html" in res.output and "KB" in res.output
    assert {p.name for p in (tmp_path / "r").iterdir()} == {"report.html", "report.md", "themes.json", "items.csv"}
