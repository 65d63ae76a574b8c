"""Damaged state, hostile files, two runs at once (issue 22): every case asserts the message, the exit code
and that no finished work is lost. The CLI runs in-process (typer's CliRunner); LLM calls go to the
FakeOpenAI of tests/support, whose hooks (a responder that acts after the N-th request, a barrier) make
every interleaving deterministic: nothing here waits on a clock.
"""
from __future__ import annotations

import csv

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
