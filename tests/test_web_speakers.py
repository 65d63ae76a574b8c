"""The review app's transcript page: who is speaking, and the same role toggle as `synth speakers`."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from synth import pipeline
from synth.web.app import create_app
from synth.workspace import Workspace

SAMPLE = Path(__file__).resolve().parents[1] / "transcripts" / "sample"
BASE = "http://127.0.0.1:8765"
FILE = "09_quillfeather_legal.md"


@pytest.fixture
def client(tmp_path):
    d = tmp_path / "t"
    d.mkdir()
    shutil.copy(SAMPLE / FILE, d / FILE)
    root = tmp_path / "ws"
    with Workspace(root) as ws:
        pipeline.ingest([d], ws)
    c = TestClient(create_app(root, {"127.0.0.1:8765"}).asgi, base_url=BASE)
    yield c, root


def _form(page: str) -> dict[str, str]:
    form = page[page.index('id="speakers"'):]
    return {k: re.search(rf'name="{k}" value="([^"]*)"', form).group(1)
            for k in ("csrf", "version", "back", "file", "label", "role")}


def test_toggle_stores_the_correction_and_needs_the_session_token(client):
    c, root = client
    page = c.get(f"/transcript/{FILE}").text
    assert "Who is speaking" in page and "Mark as interviewee" in page
    f = _form(page)
    assert f["label"] == "Tom Becker" and f["role"] == "interviewee"
    r = c.post("/act", data={**f, "csrf": "forged", "op": "speaker"}, follow_redirects=False)
    assert r.status_code == 403
    with Workspace(root) as ws:
        assert ws.speaker_corrections() == {}
    r = c.post("/act", data={**f, "op": "speaker"}, follow_redirects=False)
    assert r.status_code == 303
    with Workspace(root) as ws:
        assert ws.speaker_corrections() == {FILE: {"Tom Becker": "interviewee"}}
        t = ws.transcripts()[0]
        assert t.interviewer_source == "correction" and "Tom Becker" not in t.interviewers
        assert not any(u.is_interviewer for u in t.turns if u.speaker == "Tom Becker")
    r = c.post("/act", data={**f, "op": "speaker", "label": "Nobody"}, follow_redirects=False)
    assert r.status_code == 400 and "no speaker label" in r.text
