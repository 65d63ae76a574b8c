"""What leaves the machine (issue 22 #4, #5): `--redact` checked on the exact request bodies a FakeOpenAI
receives, and credentials in a base URL never printed or stored.

The replies here are hand-written (labelled as such): one pain quoting the redacted text, so the test
also sees the placeholders mapped back to the original words before grounding.
"""
from __future__ import annotations

import json
import os
import sqlite3

import pytest
from typer.testing import CliRunner

from synth.cli import app
from synth.extract.redact import Redactor
from tests.support.fakeopenai import FakeOpenAI, json_completion

SECRETS = {
    "phone at a full stop": "415-555-0142",
    "phone with country code and brackets": "(212) 555-0187",
    "email": "dana.w@ridgeline.io",
    "SSN": "123-45-6789",
    "card": "4111 1111 1111 1111",
    "mentioned colleague": "Priya Raman",
    "mentioned by honorific": "Okafor",
    "speaker": "Whitfield",
}
TRANSCRIPT = (
    "Interviewer: How do people reach you when it breaks?\n\n"
    "Dana Whitfield: Call me at 415-555-0142. Or the desk line, +1 (212) 555-0187.\n\n"
    "Dana Whitfield: Email dana.w@ridgeline.io if it is not urgent.\n\n"
    "Interviewer: Who else is involved?\n\n"
    "Dana Whitfield: My manager Priya Raman signs off, and Dr. Okafor from security reviews it.\n\n"
    "Dana Whitfield: Once a vendor form asked for my SSN, 123-45-6789, and the company card 4111 1111 1111 1111.\n\n"
    "Dana Whitfield: Will it scale? We lose 20 hours a week on this.\n"
)


def invoke(*args, env=None):
    res = CliRunner().invoke(app, [str(a) for a in args], env=env)
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise res.exception
    return res


def _env(srv, base_url=None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_OPENAI_", "SYNTH_"))}
    env.update(OPENAI_API_KEY="sk-test-0123456789", OPENAI_BASE_URL=base_url or srv.base_url, SYNTH_MODE="json",
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", COLUMNS="200")
    return env


def _reply(body: dict) -> dict:
    """Hand-written reply: one pain quoting the (redacted) line about the phone, as the model saw it."""
    text = "\n".join(m["content"] for m in body["messages"] if m["role"] == "user")
    line = next((ln for ln in text.splitlines() if "Call me at" in ln), "")
    quote = line.split(": ", 1)[-1].strip() if line else "We lose 20 hours a week on this."
    return json_completion({"pains": [{"statement": "Only reachable by phone when it breaks", "severity": 3,
                                       "quantity": None, "quotes": [quote], "dismissed": False}],
                            "triggers": [], "alternatives": [], "dmu": [], "traits": []})


@pytest.fixture
def study(tmp_path):
    d = tmp_path / "study"
    d.mkdir()
    (d / "call.txt").write_text(TRANSCRIPT, encoding="utf-8")
    ws = tmp_path / "ws"
    assert invoke("ingest", d, "-w", ws).exit_code == 0
    return ws


def test_redact_sends_none_of_the_personal_data(study):
    with FakeOpenAI(_reply) as srv:
        r = invoke("extract", "-w", study, "--redact", env=_env(srv))
        bodies = [json.dumps(q.body, ensure_ascii=False) for q in srv.chat_requests()]
    assert r.exit_code == 0, r.output
    assert bodies
    sent = "\n".join(bodies)
    for what, value in SECRETS.items():
        assert value not in sent, what
    for ph in ("[PHONE_1].", "[PHONE_2].", "[EMAIL_1]", "[SSN_1]", "[CARD_1]", "[NAME_"):
        assert ph in sent, ph
    assert "Will it scale? We lose 20 hours a week" in sent   # ordinary words are left alone
    # the answer's placeholders are mapped back: the quote is grounded in the original words
    con = sqlite3.connect(study / "synth.db")
    data = json.loads(con.execute("SELECT data FROM extractions").fetchone()[0])
    con.close()
    assert data["pains"][0]["evidence"][0]["quote"].startswith("Call me at 415-555-0142.")


@pytest.mark.parametrize("text,kept", [
    ("Call me at 415-555-0142.", "Call me at [PHONE_1]."),
    ("Desk: +1 (212) 555-0187.", "Desk: [PHONE_1]."),
    ("ext 020 7946 0958!", "ext [PHONE_1]!"),
    ("SSN 123-45-6789.", "SSN [SSN_1]."),
    ("card 4111-1111-1111-1111.", "card [CARD_1]."),
    ("ask Sarah Connor, or Mr. Smith", "ask [NAME_2], or [NAME_1]"),
    ("Will it scale in May? Mark it, Bill.", "Will it scale in May? Mark it, Bill."),
    ("We grew 20% in 2023 to 1,200 people on version 3.14.2.", "We grew 20% in 2023 to 1,200 people on version 3.14.2."),
])
def test_what_redact_replaces_and_what_it_leaves(text, kept):
    r = Redactor([])
    assert r.redact(text) == kept
    assert r.restore(r.redact(text)) == text


# ------------------------------------------------------------------ credentials in the base URL (#5)

URL_SECRETS = ("sk-userinfo-secret-9876", "sk-query-secret-5432", "svc-user")


def _secret_url(srv, query: bool) -> str:
    url = srv.base_url.replace("http://", f"http://{URL_SECRETS[2]}:{URL_SECRETS[0]}@")
    return url + (f"?api-key={URL_SECRETS[1]}&api-version=2024-10-21" if query else "")


def _nothing_secret(text: str) -> None:
    for s in URL_SECRETS:
        assert s not in text, s


def test_credentials_in_the_base_url_are_never_printed_or_stored(study):
    with FakeOpenAI(_reply) as srv:          # userinfo only: the server answers, the probe is stored
        env = _env(srv, base_url=_secret_url(srv, query=False))
        env.pop("SYNTH_MODE")                 # probe the endpoint: its URL is stored in the workspace
        r = invoke("extract", "-w", study, env=env)
        d = invoke("doctor", "-w", study, env=env)
    assert r.exit_code == 0, r.output
    for res in (r, d):
        _nothing_secret(res.output)
    assert f"at {srv.base_url}" in " ".join(r.output.split()), r.output
    _nothing_secret(b"".join(p.read_bytes() for p in study.glob("synth.db*")).decode("utf-8", "replace"))
    con = sqlite3.connect(study / "synth.db")
    stored = [u for (u,) in con.execute("SELECT base_url FROM llm_modes")]
    con.close()
    assert stored == [srv.base_url]


def test_credentials_in_a_refused_base_url_are_not_in_the_error(study):
    with FakeOpenAI(_reply, valid_keys=["another-key"]) as srv:
        r = invoke("extract", "-w", study, env=_env(srv, base_url=_secret_url(srv, query=True)))
    assert r.exit_code == 1
    msg = " ".join(r.output.split())
    assert "rejected the API key" in msg and "api-key=***&api-version=2024-10-21" in msg, msg
    _nothing_secret(r.output)
    _nothing_secret(b"".join(p.read_bytes() for p in study.glob("synth.db*")).decode("utf-8", "replace"))


# ------------------------------------------------------------------ --redact covers every later LLM step

def _reply_any(body: dict) -> dict:
    """Hand-written replies (labelled as such), one per request kind, told apart by the data block the
    request carries: extraction as `_reply`, a theme label, hypothesis findings, the ICP narrative. The
    narrative echoes a placeholder it was sent, so the test also sees it come back restored."""
    text = "\n".join(m["content"] for m in body["messages"] if m["role"] == "user")
    ph = next((w.strip(".,:;") for w in text.split() if w.startswith("[NAME_")), "")
    if "<profile>" in text:
        return json_completion({"paragraph": f"Teams buy after an outage, as {ph} says."})
    if "<members>" in text:
        return json_completion({"label": "only reachable by phone", "definition": "Only reachable by phone."})
    if "<hypotheses>" in text:
        line = next((ln for ln in text.splitlines() if "My manager" in ln), "")
        return json_completion({"findings": [{"hypothesis_id": "h1", "stance": "supports",
                                              "quotes": [line.split(": ", 1)[-1].strip()]}] if line else []})
    def pain(statement: str, marker: str) -> dict:
        line = next(ln for ln in text.splitlines() if marker in ln)
        return {"statement": statement, "severity": 3, "quantity": None, "quotes": [line.split(": ", 1)[-1].strip()],
                "dismissed": False}
    return json_completion({"pains": [pain("Only reachable by phone when it breaks", "Call me at"),
                                      pain("Vendor forms ask for personal card and SSN numbers", "vendor form"),
                                      pain("We lose 20 hours a week on this", "20 hours")],
                            "triggers": [], "alternatives": [], "dmu": [], "traits": []})


def test_redact_reaches_labels_hypotheses_and_the_narrative(tmp_path):
    d = tmp_path / "study"
    d.mkdir()
    # two interviews with the same pain: it is a theme, so it is labelled
    (d / "call.txt").write_text(TRANSCRIPT, encoding="utf-8")
    for i in range(2, 5):
        (d / f"call{i}.txt").write_text(TRANSCRIPT + "Dana Whitfield: That is all from me.\n" * i, encoding="utf-8")
    (d / "accounts.csv").write_text("file,company,employees,outcome\ncall.txt,Ridgeline,120,won\n"
                                    "call2.txt,Harbor,300,lost\n", encoding="utf-8")
    (d / "hypotheses.yaml").write_text("- id: h1\n  text: A manager signs off on the purchase\n", encoding="utf-8")
    ws = tmp_path / "ws"
    with FakeOpenAI(_reply_any) as srv:
        r = invoke("run", d, "-w", ws, "--redact", env=_env(srv))
        reqs = srv.chat_requests()
    assert r.exit_code == 0, r.output
    con = sqlite3.connect(ws / "synth.db")
    purposes = {p for (p,) in con.execute("SELECT purpose FROM llm_calls WHERE status='ok'")}
    con.close()
    assert {"extract", "label", "hypotheses", "icp_narrative"} <= purposes, (purposes, r.output)
    sent = "\n".join(json.dumps(q.body, ensure_ascii=False) for q in reqs)
    for what, value in SECRETS.items():
        assert value not in sent, what
    assert "Dana" not in sent and "[NAME_" in sent
    # what came back is restored on this machine: the hypothesis quote is grounded in the original words
    hyp = json.loads(invoke("hypotheses", "-w", ws, "--json", env=_env(srv)).output)
    quotes = [q["quote"] for h in hyp["results"] for row in h["interviews"] for q in row["quotes"]]
    assert quotes and all("Priya Raman signs off" in q for q in quotes), quotes
