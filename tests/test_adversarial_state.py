"""Damaged state, hostile files, two runs at once (issue 22): every case asserts the message, the exit code
and that no finished work is lost. The CLI runs in-process (typer's CliRunner); LLM calls go to the
FakeOpenAI of tests/support, whose hooks (a responder that acts after the N-th request, a barrier) make
every interleaving deterministic: nothing here waits on a clock.
"""
from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from synth.cli import app


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
