"""The `accounts.csv` sidecar: one row per account, joined to transcripts by file name.

Columns (header row, case and spacing ignored): company (required), file, employees, industry,
country, funding_stage (or stage), tech_stack (";"-separated), outcome (won|lost|open; "closed-won"
and "closed lost" are understood), interview_date (YYYY-MM-DD). A bad value leaves that field empty
and adds a warning naming the file, line and column; the row is kept.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any, Optional, Sequence

from ..models import AccountRow, Transcript
from .encoding import decode
from .errors import IngestError

ALIASES = {
    "stage": "funding_stage", "funding": "funding_stage", "stack": "tech_stack",
    "technologies": "tech_stack", "filename": "file", "file_name": "file", "transcript": "file",
    "company_name": "company", "account": "company", "employee_count": "employees",
    "headcount": "employees", "date": "interview_date", "geo": "country", "region": "country",
}
COLUMNS = tuple(AccountRow.model_fields)
OUTCOMES = {"won": "won", "win": "won", "closed-won": "won", "closed won": "won", "closed_won": "won",
            "closedwon": "won", "lost": "lost", "loss": "lost", "closed-lost": "lost",
            "closed lost": "lost", "closed_lost": "lost", "closedlost": "lost", "open": "open",
            "pending": "open", "in progress": "open", "in-progress": "open"}
_INT = re.compile(r"^~?\s*(\d{1,3}(?:[,_ ]\d{3})+|\d+)(?:\.0+)?\s*\+?$")
_K = re.compile(r"^~?\s*(\d+(?:\.\d+)?)\s*([kKmM])\+?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _column(name: str) -> str:
    key = re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").lower())
    return ALIASES.get(key, key)


def _employees(v: str) -> Optional[int]:
    m = _INT.match(v)
    if m:
        return int(re.sub(r"[,_ ]", "", m.group(1)))
    m = _K.match(v)
    if m:
        return int(round(float(m.group(1)) * (1000 if m.group(2) in "kK" else 1_000_000)))
    return None


def _stack(v: str) -> list[str]:
    out: list[str] = []
    for part in re.split(r"[;,|]", v):
        p = " ".join(part.split()).lower()
        if p and p not in out:
            out.append(p)
    return out


def load_accounts(path: str | Path) -> tuple[list[AccountRow], list[str]]:
    """Parse an accounts CSV. Returns (rows, warnings); raises IngestError when unusable."""
    path = Path(path)
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise IngestError(path, f"cannot read accounts file: {e.strerror or e}") from None
    text, _ = decode(raw, path)
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as e:
        raise IngestError(path, f"no CSV header row ({e})") from None
    cols = [_column(h) for h in header]
    if "company" not in cols:
        found = ", ".join(h.strip() for h in header if h.strip()) or "none"
        raise IngestError(path, f"missing required column 'company' (columns found: {found})")
    warnings: list[str] = []
    unknown = [h.strip() for h, c in zip(header, cols) if c not in COLUMNS and h.strip()]
    if unknown:
        warnings.append(f"{name}: ignored columns: {', '.join(unknown)}")
    rows: list[AccountRow] = []
    seen_files: dict[str, int] = {}
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            warnings.append(f"{name}:{reader.line_num}: unreadable CSV row ({e}); skipped")
            continue
        line = reader.line_num
        if not any(c.strip() for c in record):
            continue
        vals: dict[str, str] = {}
        for c, v in zip(cols, record):
            if c in COLUMNS and c not in vals:
                vals[c] = v.strip()
        if len(record) > len(cols):
            warnings.append(f"{name}:{line}: {len(record)} values for {len(cols)} columns; extra values ignored")
        row = _row(vals, name, line, warnings)
        if row is None:
            continue
        if row.file:
            key = row.file.lower()
            if key in seen_files:
                warnings.append(f"{name}:{line}: file {row.file!r} already has a row (line {seen_files[key]}); row skipped")
                continue
            seen_files[key] = line
        rows.append(row)
    return rows, warnings


def _row(vals: dict[str, str], name: str, line: int, warnings: list[str]) -> Optional[AccountRow]:
    def bad(col: str, value: str, expected: str) -> None:
        warnings.append(f"{name}:{line}: column '{col}': bad value {value!r} ({expected}); left empty")

    company = " ".join(vals.get("company", "").split())
    if not company:
        warnings.append(f"{name}:{line}: column 'company' is empty; row skipped")
        return None
    out: dict[str, Any] = {"company": company}
    for col in ("industry", "country", "funding_stage"):
        if vals.get(col):
            out[col] = " ".join(vals[col].split())
    if vals.get("file"):
        out["file"] = Path(vals["file"].replace("\\", "/")).name
    if vals.get("employees"):
        n = _employees(vals["employees"])
        if n is None:
            bad("employees", vals["employees"], "expected a whole number such as 120 or 1,200")
        else:
            out["employees"] = n
    if vals.get("tech_stack"):
        out["tech_stack"] = _stack(vals["tech_stack"])
    if vals.get("outcome"):
        o = OUTCOMES.get(" ".join(vals["outcome"].lower().split()))
        if o is None:
            bad("outcome", vals["outcome"], "expected won, lost or open")
        else:
            out["outcome"] = o
    if vals.get("interview_date"):
        v = vals["interview_date"]
        d = None
        if _DATE.match(v):
            try:
                d = dt.date.fromisoformat(v)
            except ValueError:
                d = None
        if d is None:
            bad("interview_date", v, "expected YYYY-MM-DD")
        else:
            out["interview_date"] = d
    return AccountRow(**out)


def join_accounts(transcripts: Sequence[Transcript], rows: Sequence[AccountRow]
                  ) -> tuple[dict[str, AccountRow], list[str]]:
    """Map transcript file_name -> account row. A row's `file` matches a transcript's file name
    (case-insensitive) or its stem; a row with no `file` matches a transcript whose front matter
    names the same company. Warns about rows naming a missing file and transcripts with no row."""
    by_name = {t.file_name.lower(): t.file_name for t in transcripts}
    by_stem: dict[str, list[str]] = {}
    for t in transcripts:
        by_stem.setdefault(Path(t.file_name).stem.lower(), []).append(t.file_name)
    joined: dict[str, AccountRow] = {}
    warnings: list[str] = []
    for row in rows:
        if not row.file:
            continue
        key = row.file.lower()
        hits = [by_name[key]] if key in by_name else by_stem.get(key) or by_stem.get(Path(key).stem, [])
        if not hits:
            warnings.append(f"accounts row for {row.company!r} names file {row.file!r}, which is not among the transcripts")
        elif len(hits) > 1:
            warnings.append(f"accounts row for {row.company!r}: file {row.file!r} matches {', '.join(hits)}; not joined")
        elif hits[0] in joined:
            warnings.append(f"accounts rows for {joined[hits[0]].company!r} and {row.company!r} both name {hits[0]}; first kept")
        else:
            joined[hits[0]] = row
    for row in rows:
        if row.file:
            continue
        matches = [t.file_name for t in transcripts if t.file_name not in joined and t.meta.company
                   and t.meta.company.casefold() == row.company.casefold()]
        if len(matches) == 1:
            joined[matches[0]] = row
    for t in transcripts:
        if t.file_name not in joined:
            warnings.append(f"{t.file_name}: no row in accounts.csv")
    return joined, warnings
