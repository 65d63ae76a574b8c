"""Model-written text that is shown (theme labels, the ICP narrative) is checked first (synth/llm/shown.py).

The garbage replies below are HAND-WRITTEN after what SmolLM2-135M and Gemma-3-270M returned on
llama-cpp-python 0.3.36 when the issue was filed (`ICP narrative (llm): ][`, a made-up
`https://www.youtube.com/embed/...` link) plus an invented company: served in the OpenAI wire format
by the local fake server to the real openai client and instructor. None of it may reach the screen,
report.html or report.md; the deterministic text is shown instead and the fallback is counted.
"""
from __future__ import annotations

import pytest
from test_llm_endpoints import invoke
from test_themes import _study

from synth.llm.shown import why_not_shown
from synth.workspace import Workspace
from tests.support.fakeopenai import FakeOpenAI, tool_call_completion

EVIDENCE = ["Quarterly access reviews take two engineers a whole week", "We keep secrets in GitHub and 1Password"]


@pytest.mark.parametrize("text,why", [
    ("][", "too short"),
    ("Watch https://www.youtube.com/embed/dQw4w9WgXcQ for more", "web address"),
    ("Access reviews, see youtube.com/watch", "web address"),
    ('{"label": "Access reviews"}', "markup"),
    ("<b>Access</b> reviews", "markup"),
    ("Access reviews cost Initech two engineers", "Initech"),
    ("Access reviews take 40 hours a week", "40"),
    ("Secrets live in AWS and GitHub", "AWS"),
])
def test_what_may_not_be_shown(text, why):
    got = why_not_shown(text, EVIDENCE)
    assert got is not None and why in got, got


@pytest.mark.parametrize("text", [
    "Quarterly access reviews eat engineer weeks",
    "Secrets scattered across GitHub and 1Password",
    "Manual Access Reviews Every Quarter",  # Title Case: only numbers and product-shaped names are claims
    "Access reviews take two engineers a week. Secrets sit in 1Password.",
])
def test_what_may_be_shown(text):
    assert why_not_shown(text, EVIDENCE) is None


GARBAGE_LABELS = [  # HAND-WRITTEN, one per theme, in the order the themes ask
    {"label": "][", "definition": "]["},
    {"label": "Secrets at https://www.youtube.com/embed/x", "definition": "Statements about secrets."},
]
GARBAGE_NARRATIVE = {"paragraph": "The ideal customer is Initech, a 400-person bank that switched from "
                                  "Globex after an audit; see https://www.youtube.com/embed/abc."}


def _garbage(body):
    name = body["tools"][0]["function"]["name"]
    if name == "IcpNarrative":
        return tool_call_completion(name, GARBAGE_NARRATIVE)
    members = body["messages"][-1]["content"].split("<members>")[1].split("</members>")[0].lower()
    return tool_call_completion(name, GARBAGE_LABELS[0 if "access" in members else 1])


def test_garbage_labels_and_narrative_never_reach_screen_or_report(tmp_path, embed_model):
    with Workspace(tmp_path / "ws") as ws:
        _study(ws)
    with FakeOpenAI(_garbage) as srv:
        env = {"OPENAI_API_KEY": "sk-test-0123456789", "OPENAI_BASE_URL": srv.base_url}
        flags = ["-w", tmp_path / "ws", "--mode", "tools"]
        themes = invoke("themes", *flags, "--min-cluster-size", 2, env=env)
        icp = invoke("icp", *flags, env=env)
        report = invoke("report", *flags, env=env)
        asked = {r.body["tools"][0]["function"]["name"] for r in srv.completed()}
    assert asked == {"ThemeLabel", "IcpNarrative"}  # the model was asked, and answered garbage
    assert themes.exit_code == 0 and icp.exit_code == 0 and report.exit_code == 0, themes.said + icp.said
    shown = themes.stdout + icp.stdout + report.stdout
    files = [(tmp_path / "ws" / "report" / f).read_text(encoding="utf-8") for f in ("report.html", "report.md")]
    for out in [shown, *files]:
        for bad in ("][", "youtube", "Initech", "Globex"):
            assert bad not in out
    # the fallbacks are counted and say why
    assert "2 LLM theme labels not shown" in themes.said and "web address" in themes.said
    assert "the LLM's narrative was not shown" in icp.said and "ICP narrative (template)" in icp.said
    with Workspace(tmp_path / "ws") as ws:
        ts = ws.latest_themes()
    assert len(ts.labels_not_shown) == 2 and all(t.label_source != "llm" for t in ts.themes)


@pytest.mark.parametrize("label,invented", [
    ("Acme Cost Reporting Delays", "Acme"),     # a Title Case label naming a company nobody mentioned
    ("Globex Migration Pain", "Globex"),
    ("Manual Cost Reporting", None),            # everyday words, said in the evidence or not
    ("Slow Onboarding Friction", None),
])
def test_a_title_case_label_may_not_invent_a_name(label, invented):
    evidence = ["Month-end close takes us three days of manual cost reporting", "Onboarding new hires is slow"]
    why = why_not_shown(label, evidence)
    assert (why is None) if invented is None else (why is not None and invented in why), why
