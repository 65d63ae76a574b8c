"""Damaged state, hostile files, two runs at once (issue 22): every case asserts the message, the exit code
and that no finished work is lost. The CLI runs in-process (typer's CliRunner); LLM calls go to the
FakeOpenAI of tests/support, whose hooks (a responder that acts after the N-th request, a barrier) make
every interleaving deterministic: nothing here waits on a clock.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from conftest import SAMPLE as SAMPLE_DIR
from llm_replay import SAMPLE, responder
from test_report import build_study
from typer.testing import CliRunner

from synth import pipeline
from synth.cli import app
from synth.extract import ExtractOptions
from synth.llm.provider import resolve_provider
from synth.workspace import Workspace
from tests.support.fakeopenai import FakeOpenAI


def invoke(*args, env: dict | None = None):
    res = CliRunner().invoke(app, [str(a) for a in args], env=env)
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise res.exception
    return res


def flat(text: str) -> str:
    """rich wraps long lines: compare with whitespace collapsed."""
    return " ".join(text.split())


ICP = "criteria:\n- {id: e, attribute: firmographic, field: employees, op: gte, value: 5, points: 10}\n"


# ------------------------------------------------------------------ accounts CSV limits (#11)

def test_score_a_csv_with_a_field_over_128kb_names_the_file_and_row(tmp_path):
    p = tmp_path / "big.csv"
    p.write_text('company,employees\nAcme,10\nBig,"' + "x" * 200_000 + '"\nC,3\n', encoding="utf-8")
    (tmp_path / "icp.yaml").write_text(ICP, encoding="utf-8")
    r = invoke("score", p, "--icp", tmp_path / "icp.yaml")
    assert r.exit_code == 1, r.output
    msg = flat(r.stderr)
    assert f"error {p}:" in msg and "line 3" in msg and "128 KB" in msg, msg
    assert "Traceback" not in r.output


def test_accounts_sidecar_with_a_huge_field_skips_that_row_only(tmp_path):
    from synth.ingest import load_accounts
    p = tmp_path / "accounts.csv"
    p.write_text('company,employees\nAcme,10\nBig,"' + "x" * 200_000 + '"\nC,3\n', encoding="utf-8")
    rows, warnings = load_accounts(p)
    assert [r.company for r in rows] == ["Acme", "C"]
    assert any("accounts.csv:3" in w and "128 KB" in w for w in warnings), warnings


def test_a_utf16_accounts_csv_over_64kb_is_read(tmp_path):
    rows = ["company,employees,industry"] + [f"Co{i},{i},Software" for i in range(6000)]
    for enc in ("utf-16", "utf-16-be"):
        p = tmp_path / f"{enc}.csv"
        bom = b"\xfe\xff" if enc.endswith("be") else b""
        p.write_bytes(bom + ("\n".join(rows) + "\n").encode(enc))
        assert p.stat().st_size > 65536
        (tmp_path / "icp.yaml").write_text(ICP, encoding="utf-8")
        out = tmp_path / f"{enc}-scores.csv"
        r = invoke("score", p, "--icp", tmp_path / "icp.yaml", "--out", out)
        assert r.exit_code == 0, r.output
        got = list(csv.DictReader(out.open(encoding="utf-8")))
        assert len(got) == 6000 and got[0]["company"] == "Co0"


# ------------------------------------------------------------------ symlinks and FIFOs in the study folder (#3)

INTERVIEW = ("Interviewer: What slows you down?\n\n"
             "Dana: We lose about 20 hours a week reconciling invoices by hand.\n")
SECRET = "root:$6$s3cr3t-hash-never-leaves:19000:0:99999:7:::"


def _study(tmp_path: Path) -> Path:
    d = tmp_path / "study"
    d.mkdir()
    (d / "a.txt").write_text(INTERVIEW, encoding="utf-8")
    return d


def _db_text(ws: Path) -> str:
    return b"".join(p.read_bytes() for p in ws.glob("synth.db*")).decode("utf-8", "replace")


def test_a_symlink_leaving_the_study_folder_is_not_followed(tmp_path):
    d = _study(tmp_path)
    secret = tmp_path / "shadow"
    secret.write_text(SECRET, encoding="utf-8")
    (d / "shadow.txt").symlink_to(secret)
    (d / "inside.txt").symlink_to(d / "a.txt")          # a link inside the study is the study's own file
    ws = tmp_path / "ws"
    r = invoke("ingest", d, "-w", ws)
    assert r.exit_code == 1, r.output
    msg = flat(r.stderr)
    assert f"error {d / 'shadow.txt'}: symbolic link to {secret}, outside the study folder: not followed" in msg
    assert "--follow-links" in msg
    assert "s3cr3t" not in _db_text(ws) and "s3cr3t" not in r.output
    assert "20 hours a week" in _db_text(ws)              # the good file is kept
    # asked for explicitly, the link is read
    r = invoke("ingest", d, "-w", ws, "--follow-links")
    assert r.exit_code == 0, r.output
    assert "s3cr3t" in _db_text(ws)


def test_a_named_file_that_links_out_of_its_folder_is_refused_too(tmp_path):
    d = _study(tmp_path)
    secret = tmp_path / "shadow"
    secret.write_text(SECRET, encoding="utf-8")
    (d / "shadow.txt").symlink_to(secret)
    r = invoke("ingest", d / "shadow.txt", d / "a.txt", "-w", tmp_path / "ws")
    assert r.exit_code == 1 and "outside the study folder: not followed" in flat(r.stderr)
    assert "s3cr3t" not in _db_text(tmp_path / "ws")


def test_a_fifo_is_refused_not_read(tmp_path):
    import os
    import threading
    d = _study(tmp_path)
    fifo = d / "pipe.txt"
    os.mkfifo(fifo)
    (d / "accounts.csv").unlink(missing_ok=True)
    os.mkfifo(d / "accounts.csv")
    out: dict = {}
    t = threading.Thread(target=lambda: out.setdefault("r", invoke("ingest", d, "-w", tmp_path / "ws")),
                         daemon=True)
    t.start()
    t.join(timeout=30)  # a safety net only: a fixed ingest never blocks
    if t.is_alive():     # unblock the reader the old code left hanging, then fail
        for f in (fifo, d / "accounts.csv"):
            os.close(os.open(f, os.O_RDWR))  # a writer that closes at once: the reader sees EOF
        t.join(timeout=5)
        raise AssertionError("ingest blocked reading a FIFO")
    r = out["r"]
    assert r.exit_code == 1, r.output
    msg = flat(r.stderr)
    assert f"error {fifo}: not a regular file (a FIFO): not read" in msg, msg
    assert f"error {d / 'accounts.csv'}: not a regular file (a FIFO): not read" in msg, msg
    assert "20 hours a week" in _db_text(tmp_path / "ws")


# ------------------------------------------------------------------ the LLM path: a fake server with hooks

def _llm_env(srv) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_OPENAI_", "SYNTH_"))}
    env.update(OPENAI_API_KEY="sk-test-0123456789", OPENAI_BASE_URL=srv.base_url, SYNTH_MODE="json",
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", COLUMNS="200", PYTHONUNBUFFERED="1")
    return env


def _ingested(ws: Path) -> None:
    with Workspace(ws) as w:
        assert pipeline.ingest([SAMPLE_DIR], w).failed == 0


def _cached(ws: Path) -> int:
    con = sqlite3.connect(ws / "synth.db")
    try:
        return con.execute("SELECT COUNT(*) FROM llm_cache").fetchone()[0]
    finally:
        con.close()


class _AfterN:
    """A responder that runs `hook()` while answering the n-th chat request (before the answer leaves)."""

    def __init__(self, n: int, hook):
        self.n, self.hook, self.seen = n, hook, 0
        self.respond = responder(SAMPLE["responses"])
        self.lock = threading.Lock()

    def __call__(self, body: dict) -> dict:
        with self.lock:
            self.seen += 1
            if self.seen == self.n:
                self.hook()
        return self.respond(body)


# ------------------------------------------------------------------ workspace deleted mid-run (#1)

def test_workspace_deleted_mid_run_stops_and_keeps_every_finished_call(tmp_path):
    ws = tmp_path / "ws"
    _ingested(ws)

    def delete():
        for p in ws.glob("synth.db*"):
            p.unlink()

    with FakeOpenAI(_AfterN(3, delete)) as srv:
        env = _llm_env(srv)
        r = invoke("extract", "-w", ws, "--concurrency", "1", env=env)
        assert r.exit_code == 1, r.output
        msg = flat(r.stderr)
        assert f"error {ws / 'synth.db'}: was deleted while this run was using it" in msg, msg
        assert "3 finished LLM calls" in msg and "run again to resume" in msg
        assert "Extraction" not in r.stdout          # no success table
        assert len(srv.chat_requests()) == 3          # stopped before the 4th call
        assert _cached(ws) == 3                       # the paid calls are back on disk
        r2 = invoke("extract", "-w", ws, "--concurrency", "1", env=env)
        assert r2.exit_code == 0, r2.output
        assert len(srv.chat_requests()) == 10         # the re-run paid only for the 7 others
    with Workspace(ws) as w:
        assert len(w.latest_extractions()) == 10


def test_workspace_replaced_mid_run_stops_without_touching_the_new_file(tmp_path):
    ws = tmp_path / "ws"
    _ingested(ws)
    other = tmp_path / "other.db"
    sqlite3.connect(other).close()

    def replace():
        for p in ws.glob("synth.db-*"):
            p.unlink()
        shutil.copy(other, ws / "synth.db.new")
        os.replace(ws / "synth.db.new", ws / "synth.db")

    with FakeOpenAI(_AfterN(2, replace)) as srv:
        r = invoke("extract", "-w", ws, "--concurrency", "1", env=_llm_env(srv))
        assert r.exit_code == 1, r.output
        assert "was replaced by another file while this run was using it" in flat(r.stderr)
        assert len(srv.chat_requests()) == 2
    assert (ws / "synth.db").read_bytes() == other.read_bytes()


# ------------------------------------------------------------------ two runs at once (#2)

def test_a_second_run_waits_for_the_first_and_pays_for_nothing_twice(tmp_path, monkeypatch):
    """Run 1 (a thread, through the same lock the CLI takes) is held at the server on its first request
    until run 2 (`synth extract` in this thread) says it is waiting; then run 1 finishes and run 2
    finds every call cached."""
    from synth import render

    ws = tmp_path / "ws"
    _ingested(ws)
    release, said = threading.Event(), []

    real_print = render.err.print

    def spy(*a, **k):  # the CLI's stderr console: its "waiting" line releases run 1
        said.append(" ".join(map(str, a)))
        if "waiting" in said[-1]:
            release.set()
        return real_print(*a, **k)

    monkeypatch.setattr(render.err, "print", spy)
    with FakeOpenAI(_AfterN(1, lambda: release.wait(60))) as srv:
        env = _llm_env(srv)
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        cfg = resolve_provider()     # as the CLI resolves it: the same cache keys
        first: dict = {}

        def run_first():
            with Workspace(ws) as w:
                w.lock_runs("extract")
                first["run"] = pipeline.extract(w, cfg, ExtractOptions(concurrency=1))

        t = threading.Thread(target=run_first, daemon=True)
        t.start()
        while not srv.chat_requests():   # run 1 holds the lock once its first request is at the server
            assert t.is_alive()
            time.sleep(0.005)
        r = invoke("extract", "-w", ws, "--concurrency", "1", env=env)
        t.join(timeout=60)
        assert r.exit_code == 0, r.output
        assert len(first["run"].extractions) == 10 and not first["run"].failures
        assert len(srv.chat_requests()) == 10          # 10 chunks, each paid once
    msg = flat(" ".join(said))
    assert f"{ws} is in use by another synth run (pid {os.getpid()}, synth extract): waiting" in msg, msg
    assert "reused, not paid again" in msg
    assert _cached(ws) == 10


def test_the_lock_of_a_killed_run_is_taken_over(tmp_path):
    ws = tmp_path / "ws"
    _ingested(ws)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from pathlib import Path; from synth.workspace_state import RunLock; "
         f"RunLock(Path({str(ws / 'synth.lock')!r})).acquire('extract'); print('locked', flush=True); "
         "sys.stdin.read()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        pid = holder.pid
        holder.kill()                                   # kill -9: the lock file keeps its pid
        holder.wait(timeout=10)
    finally:
        if holder.poll() is None:
            holder.kill()
    with FakeOpenAI(responder(SAMPLE["responses"])) as srv:
        r = invoke("extract", "-w", ws, env=_llm_env(srv))
        assert r.exit_code == 0, r.output
        assert (f"took over the lock of a run that stopped without releasing it (pid {pid}, synth extract)"
                in flat(r.stderr))
        assert len(srv.chat_requests()) == 10
    assert (ws / "synth.lock").read_text() == ""        # released cleanly this time


# ------------------------------------------------------------------ a damaged synth.db (#8)

def _not_a_database(ws: Path) -> None:
    ws.mkdir(parents=True, exist_ok=True)
    (ws / "synth.db").write_bytes(bytes(range(256)) * 40)


def _malformed(ws: Path) -> None:
    _ingested(ws)
    con = sqlite3.connect(ws / "synth.db")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    raw = bytearray((ws / "synth.db").read_bytes())
    for off in range(4096, len(raw), 3 * 4096):          # scribble over pages, keep the header
        raw[off:off + 200] = b"\xff" * 200
    (ws / "synth.db").write_bytes(bytes(raw))


def _commands(ws: Path) -> list[list]:
    return [["ingest", SAMPLE_DIR, "-w", ws], ["extract", "--offline", "-w", ws], ["themes", "-w", ws],
            ["icp", "-w", ws], ["report", "-w", ws], ["review", "-w", ws], ["run", SAMPLE_DIR, "-w", ws],
            ["score", SAMPLE_DIR / "accounts.csv", "--icp", ws / "icp.yaml"]]


@pytest.mark.parametrize("damage", [_not_a_database, _malformed])
def test_a_damaged_database_is_one_clear_error_in_every_command(tmp_path, damage):
    ws = tmp_path / "ws"
    damage(ws)
    (ws / "icp.yaml").write_text(ICP, encoding="utf-8")
    before = (ws / "synth.db").read_bytes()
    for args in _commands(ws):
        r = invoke(*args)
        msg = flat(r.stderr)
        assert r.exit_code == 1, (args, r.output)
        assert f"error {ws / 'synth.db'}: the workspace database is damaged" in msg, (args, msg)
        assert "Restore it from a backup, or use --workspace with a new folder" in msg
        assert "Traceback" not in r.output
    assert (ws / "synth.db").read_bytes() == before     # the damaged file is left for a recovery tool


# ------------------------------------------------------------------ a read-only workspace or report folder (#9)

def _without_write_permission(fn):
    """Run `fn()` where the kernel refuses writes to read-only files. Root ignores permission bits, so as
    root `fn` runs in a forked child that dropped to uid/gid 65534 (nobody); otherwise in this process."""
    if os.geteuid() != 0:
        return fn()
    rd, wr = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            os.close(rd)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            data = json.dumps(fn()).encode()
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            data, code = json.dumps({"child_error": repr(exc)}).encode(), 1
        with os.fdopen(wr, "wb") as f:
            f.write(data)
        os._exit(code)
    os.close(wr)
    with os.fdopen(rd, "rb") as f:
        data = f.read()
    os.waitpid(pid, 0)
    out = json.loads(data)
    assert not (isinstance(out, dict) and "child_error" in out), out
    return out


def _read_only_tree(root: Path) -> None:
    for p in sorted(root.rglob("*"), reverse=True) + [root]:
        p.chmod(0o555 if p.is_dir() else 0o444)


@pytest.fixture
def shared_tmp():
    """A folder user nobody can reach (pytest's tmp_path is root-only)."""
    d = Path(tempfile.mkdtemp(prefix="synth-ro-"))
    d.chmod(0o755)
    yield d
    for p in [d, *d.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    shutil.rmtree(d)


def test_a_read_only_workspace_is_one_clear_error_in_every_command(shared_tmp):
    ws = shared_tmp / "ws"
    _ingested(ws)
    (ws / "review.yaml").write_text("version: 1\n", encoding="utf-8")
    with sqlite3.connect(ws / "synth.db") as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for p in ws.glob("synth.db-*"):
        p.unlink()
    _read_only_tree(ws)
    before = {p.name: p.read_bytes() for p in ws.iterdir()}

    def attempt():
        out = []
        for args in [["extract", "--offline", "-w", ws], ["themes", "-w", ws], ["icp", "-w", ws],
                     ["report", "-w", ws], ["review", "-w", ws], ["run", SAMPLE_DIR, "-w", ws]]:
            r = invoke(*args)
            out.append([str(args[0]), r.exit_code, flat(r.stderr), r.output])
        return out

    for cmd, code, msg, output in _without_write_permission(attempt):
        assert code == 1, (cmd, output)
        assert f"error {ws}" in msg and "cannot write" in msg, (cmd, msg)
        assert "use --workspace with a writable folder" in msg or "choose another folder" in msg, (cmd, msg)
        assert "Traceback" not in output
    assert {p.name: p.read_bytes() for p in ws.iterdir()} == before


def test_a_read_only_report_folder_is_a_clear_error(shared_tmp):
    ws = shared_tmp / "ws"
    build_study(ws).close()
    out = shared_tmp / "out"
    out.mkdir()
    _read_only_tree(out)
    shared_tmp.chmod(0o777)       # the workspace itself stays writable for nobody
    for p in ws.rglob("*"):
        p.chmod(0o777 if p.is_dir() else 0o666)
    ws.chmod(0o777)

    def attempt():
        r = invoke("report", "-w", ws, "--out", out)
        return [r.exit_code, flat(r.stderr), r.output]

    code, msg, output = _without_write_permission(attempt)
    assert code == 1, output
    assert f"error {out}" in msg and "cannot write (Permission denied)" in msg, msg
    assert "Traceback" not in output
    assert list(out.iterdir()) == []


# ------------------------------------------------------------------ an invalid review.yaml (#10)

BAD_REVIEWS = {
    "bad YAML": (b"version: 3\nrename:\n  pain-1: [unclosed\npin: [pain-2]\n", "line 4", "not valid YAML"),
    "not UTF-8": (b"version: 3\nrename:\n  pain-1: Caf\xe9 latte\n", "line 3", "not UTF-8 (byte 0xe9)"),
    "not a mapping": (b"- pain-1\n", "line 1", "expected decisions"),
}


@pytest.mark.parametrize("case", sorted(BAD_REVIEWS))
def test_an_invalid_review_yaml_names_file_and_line_and_exits_2(tmp_path, case):
    raw, line, what = BAD_REVIEWS[case]
    ws = tmp_path / "ws"
    _ingested(ws)
    (ws / "review.yaml").write_bytes(raw)
    for args in (["review", "-w", ws], ["themes", "-w", ws], ["report", "-w", ws], ["run", SAMPLE_DIR, "-w", ws]):
        r = invoke(*args)
        msg = flat(r.stderr)
        assert r.exit_code == 2, (args, r.output)
        assert f"error {ws / 'review.yaml'}: {line}" in msg and what in msg, (args, msg)
        assert "Traceback" not in r.output
    assert (ws / "review.yaml").read_bytes() == raw      # the reviewer's file is never rewritten
    assert not (ws / "report").exists()                   # no report silently ignoring the decisions


def test_the_browser_shows_a_non_utf8_review_yaml_on_every_page(tmp_path):
    from starlette.testclient import TestClient

    from synth.web import create_app
    from synth.web.security import allowed_hosts

    ws = tmp_path / "ws"
    build_study(ws).close()
    (ws / "review.yaml").write_bytes(BAD_REVIEWS["not UTF-8"][0])
    review = create_app(ws, allowed_hosts("127.0.0.1", 8765))
    try:
        with TestClient(review.asgi, base_url="http://127.0.0.1:8765") as c:
            for page in ("/", "/theme/pain-1"):
                r = c.get(page)
                assert r.status_code == 200, (page, r.status_code)
                assert "review.yaml: line 3: not UTF-8" in r.text
    finally:
        review.study.close()


# ------------------------------------------------------------------ browser review sessions under load (#12)

def test_cookieless_requests_do_not_log_the_reviewer_out(tmp_path):
    import re

    from starlette.testclient import TestClient

    from synth.web import create_app
    from synth.web.security import MAX_SESSIONS, allowed_hosts

    ws = tmp_path / "ws"
    build_study(ws).close()
    review = create_app(ws, allowed_hosts("127.0.0.1", 8765))
    base = "http://127.0.0.1:8765"
    try:
        with TestClient(review.asgi, base_url=base) as reviewer, TestClient(review.asgi, base_url=base) as flood:
            page = reviewer.get("/theme/pain-1").text
            reviewer.get("/")                          # the cookie comes back: now the session is kept
            form = page[page.index('id="rename-form"'):]
            guard = {k: re.search(rf'name="{k}" value="([^"]*)"', form).group(1) for k in ("csrf", "version", "back")}
            for i in range(MAX_SESSIONS + 44):         # image tags on another page: no cookie, ever
                flood.cookies.clear()
                assert flood.get("/" if i % 2 else "/theme/pain-2").status_code == 200
            assert len(review.sessions._by_id) == 1    # none of them stored a session
            r = reviewer.post("/act", data={**guard, "op": "rename", "theme": "pain-1", "label": "Still here"},
                              follow_redirects=True)
            assert r.status_code == 200 and "renamed pain-1" in r.text, r.text[:500]
    finally:
        review.study.close()
    assert "Still here" in (ws / "review.yaml").read_text(encoding="utf-8")


def test_past_the_limit_the_least_recently_used_session_goes():
    from synth.web.security import COOKIE, MAX_SESSIONS, Sessions

    class Req:
        def __init__(self, sid):
            self.cookies = {COOKIE: sid} if sid else {}

    s = Sessions()
    reviewer, _ = s.new()
    s.get(Req(reviewer))[1].flash.append(("ok", "saved"))
    others = [s.new()[0] for _ in range(MAX_SESSIONS + 10)]
    for i, sid in enumerate(others):
        s.get(Req(sid))
        if i % 50 == 0:
            s.get(Req(reviewer))                         # the reviewer keeps using the app
    assert s.get(Req(reviewer))[1].flash == [("ok", "saved")]
    assert len(s._by_id) == MAX_SESSIONS
    assert s.get(Req("forged.0000"))[1] is None          # a made-up cookie is no session
