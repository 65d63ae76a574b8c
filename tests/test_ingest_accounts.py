"""accounts.csv sidecar: parsing, per-cell warnings, join to transcripts by file name."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from synth.ingest import IngestError, join_accounts, load_accounts, load_transcript

FIX = Path(__file__).parent / "fixtures" / "ingest"


def test_fixture_accounts_parse_with_aliases_and_normalization():
    rows, warnings = load_accounts(FIX / "accounts.csv")
    assert [r.company for r in rows] == ["Northwind Logistics", "Quanta Pay", "Fernway", "Ghost Corp", "Brightline Health"]
    nw = rows[0]
    assert nw.file == "teams_export.vtt" and nw.employees == 1200 and nw.funding_stage == "Series C"
    assert nw.tech_stack == ["jenkins", "kubernetes", "aws"] and nw.outcome == "won"
    assert nw.interview_date == dt.date(2024, 2, 12)
    assert rows[1].outcome == "lost" and rows[2].outcome == "open" and rows[3].tech_stack == []
    bh = rows[4]  # bad cells are left empty, row kept
    assert (bh.employees, bh.outcome, bh.interview_date) == (None, None, None)
    assert bh.tech_stack == ["snowflake", "dbt", "airflow"]
    assert warnings == [
        "accounts.csv:6: column 'employees': bad value 'lots' (expected a whole number such as 120, 1,200 or 51-200); left empty",
        "accounts.csv:6: column 'outcome': bad value 'maybe' (expected won, lost or open (or a CRM stage such as Closed Won)); left empty",
        "accounts.csv:6: column 'interview_date': bad value '03/05/2024' (expected YYYY-MM-DD); left empty",
    ]


def write(tmp_path, text: str, name="accounts.csv", encoding="utf-8") -> Path:
    f = tmp_path / name
    f.write_bytes(text.encode(encoding))
    return f


@pytest.mark.parametrize("raw,expected", [
    ("Closed Won", "won"), ("closed-won", "won"), ("WON", "won"), ("closed lost", "lost"),
    ("Closed-Lost", "lost"), ("Open", "open"),
])
def test_outcome_spellings(tmp_path, raw, expected):
    rows, warnings = load_accounts(write(tmp_path, f"Company,Outcome\nAcme,{raw}\n"))
    assert rows[0].outcome == expected and warnings == []


def test_header_variants_bom_and_cp1252(tmp_path):
    text = "\ufeffFile Name,Company Name,Employee Count,Funding Stage,Tech Stack,Interview Date,Notes\n" \
           "a.txt,Café Olé,\"2,500\",Series B, Go ; Postgres;go ,2024-01-31,likes us\n"
    rows, warnings = load_accounts(write(tmp_path, text, encoding="utf-8"))
    r = rows[0]
    assert (r.file, r.company, r.employees, r.funding_stage) == ("a.txt", "Café Olé", 2500, "Series B")
    assert r.tech_stack == ["go", "postgres"] and r.interview_date == dt.date(2024, 1, 31)
    assert warnings == ["accounts.csv: ignored columns: Notes"]
    rows, _ = load_accounts(write(tmp_path, "company,country\nCafé “Olé”,FR\n", encoding="cp1252"))
    assert rows[0].company == "Café “Olé”"


def test_missing_company_column_is_an_error(tmp_path):
    with pytest.raises(IngestError) as exc:
        load_accounts(write(tmp_path, "file,employees\na.txt,10\n"))
    assert "accounts.csv" in str(exc.value)
    assert exc.value.problem == "missing required column 'company' (columns found: file, employees)"


def test_empty_company_and_duplicate_file_rows(tmp_path):
    rows, warnings = load_accounts(write(tmp_path, "file,company,employees\na.txt,,5\na.txt,Acme,-3\nA.TXT,Other,4\n\n"))
    assert [r.company for r in rows] == ["Acme"] and rows[0].employees is None
    assert warnings == [
        "accounts.csv:2: column 'company' is empty; row skipped",
        "accounts.csv:3: column 'employees': bad value '-3' (expected a whole number such as 120, 1,200 or 51-200); left empty",
        "accounts.csv:4: file 'A.TXT' already has a row (line 3); row skipped",
    ]


def test_join_by_name_stem_and_company(tmp_path):
    for name, body in [("acme.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\n<v A>Hi?\n"),
                       ("globex.txt", "A: Why?\nB: Cost.\n"),
                       ("initech.md", "---\ncompany: Initech\n---\nA: Why?\nB: Cost.\n"),
                       ("orphan.txt", "A: Why?\nB: Cost.\n")]:
        (tmp_path / name).write_text(body)
    ts = [load_transcript(tmp_path / n) for n in ("acme.vtt", "globex.txt", "initech.md", "orphan.txt")]
    csv_file = write(tmp_path, "file,company,outcome\nACME.vtt,Acme,won\nglobex,Globex,lost\n,Initech,open\n"
                               "gone.txt,Gone Inc,won\n,Hooli,lost\n")
    rows, _ = load_accounts(csv_file)
    joined, warnings = join_accounts(ts, rows)
    assert {k: v.company for k, v in joined.items()} == {"acme.vtt": "Acme", "globex.txt": "Globex", "initech.md": "Initech"}
    assert warnings == ["accounts row for 'Gone Inc' names file 'gone.txt', which is not among the transcripts",
                        "orphan.txt: no row in accounts.csv"]


def test_join_fixture_dir():
    names = ["teams_export.vtt", "zoom_export.vtt", "otter_export.txt", "ir_labels.txt", "gong_call.json"]
    ts = [load_transcript(FIX / n) for n in names]
    rows, _ = load_accounts(FIX / "accounts.csv")
    joined, warnings = join_accounts(ts, rows)
    assert joined["otter_export.txt"].company == "Fernway"  # matched by stem
    assert "gong_call.json: no row in accounts.csv" in warnings
    assert any("'missing_call.txt'" in w for w in warnings)


# ----------------------------------------------------------------- CRM exports, one reader for both

HUBSPOT = (
    "Record ID,Company name,Company Domain Name,Number of Employees,Annual Revenue,Industry,"
    "Country/Region,Lifecycle Stage,Web Technologies,Create Date\n"
    "5011,Acme Corp,acme.io,51-200,\"$1,200,000.00\",Computer Software,United States,Customer,"
    "Kubernetes;AWS,2024-01-03 10:00\n"
    "5012,Beta GmbH,beta.de,\"1,001-5,000\",EUR 25M,Logistics,Germany,Churned,Azure,2024-02-11 09:30\n"
    "5013,Gamma Ltd,gamma.co.uk,10001+,,Retail,United Kingdom,Lead,,2024-03-01 12:00\n"
    "5014,Delta Inc,delta.com,unknown,USD 3.5M,Computer Software,Canada,Marketing Qualified Lead,GCP,\n")
SALESFORCE_REPORT = (
    '"Account ID","Account Name","Type","Industry","Employees","Annual Revenue","Billing Country","Account Owner"\n'
    '"0015g00000AbCdE","Acme Corp","Customer - Direct","Technology","250","USD 5,000,000","US","Dana Lee"\n'
    '"0015g00000AbCdF","Beta GmbH","Former Customer","Transportation","1,200","","DE","Dana Lee"\n'
    '"0015g00000AbCdG","Gamma Ltd","Prospect","Retail","11-50","","GB","Sam Ray"\n'
    '\n"Grand Totals (3 records)"\n\n'
    '"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."\n'
    '"Confidential Information - Do Not Distribute"\n"Generated By:  Dana Lee  1/5/2025 9:14 AM"\n')
OPPORTUNITIES = ("Opportunity Name,Account Name,Stage,Amount,Close Date\n"
                 "Acme renewal,Acme Corp,Closed Won,\"$48,000.00\",2025-01-05\n"
                 "Beta pilot,Beta GmbH,Closed Lost,\"$12,000.00\",2025-01-09\n"
                 "Gamma new,Gamma Ltd,Negotiation/Review,\"$30,000.00\",2025-02-01\n")


def _same_values(path):
    """ingest's rows and the scorer's table read the same cells the same way."""
    from synth.icp import read_accounts_csv

    rows, warnings = load_accounts(path)
    table = read_accounts_csv(path)
    emp = table.column("employees")
    numbers = emp.numbers()[emp.codes] if emp is not None else [None] * table.n_rows
    names = {"won": 1, "lost": 0, "open": -1, None: -2}
    assert [r.company for r in rows] == table.companies().tolist()
    assert [names[r.outcome] for r in rows] == table.outcomes().tolist()
    assert [r.employees for r in rows] == [None if x is None or x != x else int(x) for x in numbers]
    return rows, warnings, table


def test_hubspot_company_export_as_it_comes(tmp_path):
    rows, warnings, table = _same_values(write(tmp_path, HUBSPOT, encoding="utf-8-sig"))
    assert [r.employees for r in rows] == [125, 3000, 10001, None]      # range midpoints, "10001+"
    assert [r.outcome for r in rows] == ["won", "lost", "open", "open"]
    assert rows[0].tech_stack == ["kubernetes", "aws"] and rows[0].country == "United States"
    revenue = table.column("annual_revenue")
    assert revenue.numbers()[revenue.codes].tolist()[:2] == [1_200_000, 25_000_000]
    assert table.column("record_id").values().tolist() == ["5011", "5012", "5013", "5014"]
    assert warnings == ["accounts.csv: ignored columns: Record ID, Company Domain Name, Annual Revenue, "
                        "Create Date"]


def test_salesforce_report_export_with_footer_and_type_as_outcome(tmp_path):
    rows, warnings, table = _same_values(write(tmp_path, SALESFORCE_REPORT))
    assert [r.company for r in rows] == ["Acme Corp", "Beta GmbH", "Gamma Ltd"]   # footers are not accounts
    assert [r.outcome for r in rows] == ["won", "lost", "open"] and [r.employees for r in rows] == [250, 1200, 30]
    assert any("4 report footer lines" in w for w in warnings)
    assert any("footer" in w for w in table.warnings) and table.n_rows == 3


def test_salesforce_opportunity_export_stage_is_the_outcome(tmp_path):
    rows, _, table = _same_values(write(tmp_path, OPPORTUNITIES))
    assert [r.outcome for r in rows] == ["won", "lost", "open"]
    assert rows[0].funding_stage is None                   # Salesforce's Stage is the deal stage


@pytest.mark.parametrize("raw,expected", [("Customer", "won"), ("Customer - Channel", "won"),
                                          ("Evangelist", "won"), ("Churned", "lost"),
                                          ("Former Customer", "lost"), ("Closed Lost", "lost"),
                                          ("Opportunity", "open"), ("Sales Qualified Lead", "open")])
def test_crm_outcome_values(tmp_path, raw, expected):
    rows, warnings = load_accounts(write(tmp_path, f"Company,Outcome\nAcme,{raw}\n"))
    assert rows[0].outcome == expected and warnings == []
