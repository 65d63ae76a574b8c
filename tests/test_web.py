"""The review web app through Starlette's TestClient: refusals change nothing, hostile text stays text,
decisions made in the browser are the CLI's decisions.

The study is test_report's hostile one (a `<script>` speaker, an `<img onerror=...>` quote, a theme label
with markup), built without the embedding model, once per module and copied per test.
"""
from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from test_report import HOSTILE, LABEL, XSS_SPEAKER, build_study
from typer.testing import CliRunner

from synth.cli import app as cli_app
from synth.themes.review import load_review, review_path
from synth.web import create_app
from synth.web.security import allowed_hosts
from synth.workspace import Workspace

BASE = "http://127.0.0.1:8765"
HOSTS = allowed_hosts("127.0.0.1", 8765)


@pytest.fixture(scope="module")
def template_ws(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("webstudy") / "ws"
    build_study(root).close()
    return root


@pytest.fixture
def ws_root(template_ws, tmp_path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(template_ws, root)
    return root


@pytest.fixture
def client(ws_root):
    review = create_app(ws_root, HOSTS)
    with TestClient(review.asgi, base_url=BASE) as c:
        c.review = review  # type: ignore[attr-defined]
        yield c
    review.study.close()


class Tags(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    @property
    def body(self) -> str:
        return "".join(self.text)


def assert_inert(html: str) -> Tags:
    """No inline script, no event-handler attribute, no element from transcript text."""
    page = Tags(html)
    scripts = [a for t, a in page.tags if t == "script"]
    assert scripts == [{"src": "/static/app.js", "defer": None}], scripts
    handlers = [(t, k) for t, a in page.tags for k in a if k.lower().startswith("on")]
    assert handlers == [], handlers
    assert not [t for t, _ in page.tags if t in ("img", "iframe", "object", "embed", "style", "base")]
    return page


def fields(html: str, form_id: str | None = None) -> dict[str, str]:
    """The hidden guard fields (csrf, version, back) of the page's first form (or of form `form_id`)."""
    if form_id:
        html = html[html.index(f'id="{form_id}"'):]
    return {k: re.search(rf'name="{k}" value="([^"]*)"', html).group(1) for k in ("csrf", "version", "back")}


def state(root: Path) -> tuple[bytes, int]:
    """review.yaml's bytes and the number of stored theme runs: what a refused write must not change."""
    path = review_path(root)
    ws = Workspace(root)
    try:
        runs = ws.db.execute("SELECT COUNT(*) FROM theme_runs").fetchone()[0]
    finally:
        ws.close()
    return (path.read_bytes() if path.exists() else b""), runs


def themes_of(root: Path) -> dict:
    ws = Workspace(root)
    try:
        return {t.id: t for t in ws.latest_themes().themes}
    finally:
        ws.close()


# ------------------------------------------------------------------ pages, headers, escaping

def test_every_page_renders_with_a_strict_csp_and_nothing_inline(client):
    for url in ("/", "/?outcome=won", "/theme/pain-1", "/theme/trigger-1", "/transcript/01_acme.vtt",
                "/search?q=audit", "/theme/no-such-theme"):
        r = client.get(url)
        assert r.status_code in (200, 404), url
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
        assert_inert(r.text)
    js = client.get("/static/app.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]


def test_a_transcript_line_with_script_and_onerror_renders_as_text(client):
    r = client.get("/transcript/01_acme.vtt")
    page = assert_inert(r.text)
    assert HOSTILE in page.body and XSS_SPEAKER in page.body      # shown verbatim, as text
    assert "<script>window.__pwned" not in r.text and "<img src=x" not in r.text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in r.text
    # the hostile quote is an item: highlighted, and linked to its theme
    marks = [a for t, a in page.tags if t == "a" and "hl" in a.get("class", "")]
    assert any(a["href"] == "/theme/pain-1" for a in marks)
    # the theme label with markup, on the study page and the search page
    study = assert_inert(client.get("/").text)
    assert LABEL in study.body and '<script>alert("label")' not in client.get("/").text
    hits = client.get("/search", params={"q": "pwned"})
    found = assert_inert(hits.text)
    assert "window.__pwned=1" in found.body and "01_acme.vtt" in found.body


def test_filters_recount_coverage(client):
    won = client.get("/", params={"outcome": "won"}).text
    lost = client.get("/", params={"outcome": "lost"}).text
    assert "2 of 2 interviews (100%)" in won.split('id="theme-pain-1"')[1].split("</article>")[0]
    assert "1 of 2 interviews (50%)" in lost.split('id="theme-pain-1"')[1].split("</article>")[0]
    # an unknown filter value (or markup) is ignored, not reflected
    r = client.get("/", params={"outcome": "<b>x</b>"})
    assert r.status_code == 200 and "&lt;b&gt;x" not in r.text
    assert "3 of 5 interviews (60%)" in r.text.split('id="theme-pain-1"')[1].split("</article>")[0]


# ------------------------------------------------------------------ refusals change nothing

def test_a_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(client, ws_root):
    page = client.get("/theme/pain-1").text
    f = fields(page, "rename-form")
    before = state(ws_root)
    for token in (None, "", "forged-token"):
        data = {"op": "rename", "theme": "pain-1", "label": "hijacked", "version": f["version"], "back": f["back"]}
        if token is not None:
            data["csrf"] = token
        r = client.post("/act", data=data, follow_redirects=False)
        assert r.status_code == 403 and "no valid session token" in r.text
    # a valid token without its session cookie (another browser) is refused too
    other = TestClient(client.review.asgi, base_url=BASE)
    r = other.post("/act", data={**f, "op": "rename", "theme": "pain-1", "label": "hijacked"}, follow_redirects=False)
    assert r.status_code == 403
    assert state(ws_root) == before
    assert "hijacked" not in client.get("/theme/pain-1").text


def test_a_foreign_host_header_is_refused_and_changes_nothing(client, ws_root):
    f = fields(client.get("/theme/pain-1").text, "rename-form")
    before = state(ws_root)
    r = client.get("/", headers={"host": "evil.example:8765"})
    assert r.status_code == 400 and "evil.example" in r.text and "Host" in r.text
    r = client.post("/act", data={**f, "op": "rename", "theme": "pain-1", "label": "rebound"},
                    headers={"host": "attacker.test"}, follow_redirects=False)
    assert r.status_code == 400
    r = client.post("/act", data={**f, "op": "rename", "theme": "pain-1", "label": "cross-site"},
                    headers={"origin": "http://evil.example"}, follow_redirects=False)
    assert r.status_code == 403
    assert client.get("/act").status_code == 405                     # writes are POST only
    assert state(ws_root) == before


def test_a_stale_version_is_refused_with_a_message_and_changes_nothing(client, ws_root):
    tab1 = client.get("/theme/pain-1").text
    tab2 = client.get("/theme/pain-2").text                           # a second tab, same version
    f1, f2 = fields(tab1, "rename-form"), fields(tab2, "rename-form")
    r = client.post("/act", data={**f1, "op": "rename", "theme": "pain-1", "label": "From tab one"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/theme/pain-1"
    after_first = state(ws_root)
    r = client.post("/act", data={**f2, "op": "rename", "theme": "pain-2", "label": "From tab two"},
                    follow_redirects=False)
    assert r.status_code == 409
    assert f"showed version {f2['version']}" in r.text and "Nothing was saved" in r.text
    assert 'http-equiv="refresh"' in r.text and "url=/theme/pain-2" in r.text   # the page reloads
    assert state(ws_root) == after_first
    rv = load_review(review_path(ws_root))
    assert rv.rename["pain-1"] == "From tab one" and "From tab two" not in rv.rename.values()
    undo = fields(client.get("/").text)                                # undo with a stale version: refused too
    r = client.post("/act", data={**undo, "version": f2["version"], "op": "undo"}, follow_redirects=False)
    assert r.status_code == 409 and state(ws_root) == after_first


def test_back_never_redirects_off_the_app(client):
    f = fields(client.get("/theme/pain-1").text, "rename-form")
    r = client.post("/act", data={**f, "back": "//evil.example/x", "op": "pin", "theme": "pain-1"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"


# ------------------------------------------------------------------ decisions: re-ranked, and the CLI's

def _post(client, url: str, form_id: str, **data) -> str:
    page = client.get(url).text
    r = client.post("/act", data={**fields(page, form_id), **data}, follow_redirects=True)
    assert r.status_code == 200, r.text
    return r.text


def test_browser_decisions_are_written_exactly_as_the_cli_writes_them(client, ws_root, tmp_path, template_ws):
    th = themes_of(ws_root)
    p1, p2 = th["pain-1"], th["pain-2"]
    moving = p1.item_ids[:2]
    page = _post(client, "/theme/pain-1", "rename-form", op="rename", theme="pain-1", label="Audit evidence by hand")
    assert "renamed pain-1" in page and "Audit evidence by hand" in page
    _post(client, "/theme/pain-1", "define-form", op="define", theme="pain-1", text="Evidence gathered manually")
    _post(client, "/theme/pain-1", "items-form", op="move", theme="pain-1", items=moving, to="pain-2")
    assert set(moving) <= set(themes_of(ws_root)["pain-2"].item_ids)
    _post(client, "/theme/pain-2", "items-form", op="reject", theme="pain-2", items=[p2.item_ids[0]], reason="")
    _post(client, "/theme/pain-2", "merge-form", op="merge", theme="pain-2", sources="pain-1")
    page = _post(client, "/theme/pain-2", "rename-form", op="pin", theme="pain-2")
    assert "pinned pain-2" in page
    now = themes_of(ws_root)
    assert "pain-1" not in now and now["pain-2"].pinned and now["pain-2"].rank == 1
    assert p2.item_ids[0] not in now["pain-2"].item_ids                # rejected: out of the theme ...
    assert f"{len(now['pain-2'].item_ids)} of" in next(c.note for c in now["pain-2"].breakdown if c.name == "share")
    web_yaml = review_path(ws_root).read_text()

    cli_root = tmp_path / "cli"
    shutil.copytree(template_ws, cli_root)
    run = CliRunner()
    for args in (["rename", "pain-1", "Audit evidence by hand"], ["define", "pain-1", "Evidence gathered manually"],
                 ["move", *moving, "--to", "pain-2"], ["reject", p2.item_ids[0]], ["merge", "pain-2", "pain-1"],
                 ["pin", "pain-2"]):
        r = run.invoke(cli_app, ["review", *args, "-w", str(cli_root)], catch_exceptions=False)
        assert r.exit_code == 0, r.stdout + r.stderr
    assert review_path(cli_root).read_text() == web_yaml
    shown = run.invoke(cli_app, ["review", "-w", str(cli_root)], catch_exceptions=False).stdout
    assert "review.yaml version 7" in shown and "rejected" in shown and "takes back: pinned pain-2" in shown
    r = run.invoke(cli_app, ["review", "undo", "-w", str(cli_root)], catch_exceptions=False)
    assert r.exit_code == 0 and "undid: pinned pain-2" in r.stdout and "version 8" in r.stdout
    assert load_review(review_path(cli_root)).pin == []


def test_split_undo_and_a_dropped_theme_page(client, ws_root):
    th = themes_of(ws_root)["pain-1"]
    page = _post(client, "/theme/pain-1", "items-form", op="split", theme="pain-1", items=[th.item_ids[0]],
                 label="Split <b>off</b>")
    assert "split 1 item(s) off pain-1" in page
    assert themes_of(ws_root)["pain-1.s1"].label == "Split <b>off</b>"
    assert "Split &lt;b&gt;off&lt;/b&gt;" in client.get("/theme/pain-1.s1").text
    page = _post(client, "/", "undo-form", op="undo")
    assert "undid: split 1 item(s) off pain-1" in page and "pain-1.s1" not in themes_of(ws_root)
    page = _post(client, "/theme/pain-2", "rename-form", op="drop", theme="pain-2")
    assert "dropped pain-2" in page and "pain-2" not in themes_of(ws_root)
    gone = client.get("/theme/pain-2")
    assert gone.status_code == 404 and "was dropped" in gone.text
    _post(client, "/theme/pain-2", "undrop-form", op="undrop", theme="pain-2")
    assert "pain-2" in themes_of(ws_root)


def test_an_invalid_decision_is_explained_and_nothing_is_written(client, ws_root):
    before = state(ws_root)
    page = _post(client, "/theme/pain-1", "merge-form", op="merge", theme="pain-1", sources="trigger-1")
    assert "cannot merge trigger-1 (trigger) into pain-1 (pain)" in page
    page = _post(client, "/theme/pain-1", "items-form", op="move", theme="pain-1", items=[], to="pain-2")
    assert "select at least one item" in page
    assert state(ws_root) == before


def test_a_review_yaml_broken_by_hand_is_named_on_the_page_and_blocks_writes(client, ws_root):
    path = review_path(ws_root)
    f = fields(client.get("/theme/pain-1").text, "rename-form")
    path.write_text("rename: [unclosed\n")
    page = client.get("/")
    assert page.status_code == 200 and "review.yaml: line 2, column 1: not valid YAML" in page.text
    r = client.post("/act", data={**f, "op": "rename", "theme": "pain-1", "label": "x"}, follow_redirects=True)
    assert "not valid YAML" in r.text and path.read_text() == "rename: [unclosed\n"
