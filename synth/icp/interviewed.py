"""What the interviews said about each account, as columns of the accounts table.

Trigger, behavioral and DMU criteria read columns a CRM export does not have: `triggers` (trigger
theme labels and kinds), `alternatives` (names and kinds), and `<role>_title` per DMU role
(';'-separated lists). `with_interviews` adds them to any accounts table, joining each row to its
interview by the `file` column (name or stem, case-insensitive) or else by company name, so
`synth icp` (the study's accounts) and `synth score accounts.csv` (the same accounts read from the
CSV) score an account from the same data and give it the same score. A row with no interview stays
unknown for those criteria. A column the table already has is kept as the table has it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np

from ..models import DMU_ROLES, AccountRow, Extraction, ThemeSet
from ..vocab.accounts import norm_text
from .table import AccountsTable, Column

INTERVIEW_COLUMNS = ("triggers", "alternatives", *(f"{r}_title" for r in DMU_ROLES))


def interview_columns(extractions: list[Extraction], themes: Optional[ThemeSet]) -> dict[str, dict[str, str]]:
    """file -> {column: ';'-joined sorted values} for every extraction."""
    theme_of: dict[str, list[str]] = {}
    for th in (themes.themes if themes else []):
        for i in th.item_ids:
            theme_of.setdefault(i, []).append(th.label)
    out: dict[str, dict[str, str]] = {}
    for ex in sorted(extractions, key=lambda e: e.file):
        trig = [lab for t in ex.triggers if not t.dismissed for lab in theme_of.get(t.id, [])]
        trig += [t.kind for t in ex.triggers if not t.dismissed]
        alts = [a.name for a in ex.alternatives if not a.dismissed]
        alts += [a.kind for a in ex.alternatives if not a.dismissed]
        rec = {"triggers": sorted(set(trig)), "alternatives": sorted(set(alts))}
        for role in DMU_ROLES:
            rec[f"{role}_title"] = sorted({m.title for m in ex.dmu if m.role == role and m.title
                                           and not m.dismissed})
        out[ex.file] = {k: ";".join(v) for k, v in rec.items()}
    return out


def _lookup(col: Optional[Column], keys: dict[str, str], stems: bool) -> np.ndarray:
    """Per row, the interview file its cell names (or None)."""
    if col is None:
        return np.full(0, None, dtype=object)
    per_cat = [None]
    for c in col.categories[1:]:
        k = norm_text(c)
        hit = keys.get(k)
        if hit is None and stems:
            hit = keys.get(norm_text(Path(c.replace("\\", "/")).stem))
        per_cat.append(hit)
    return np.array(per_cat, dtype=object)[col.codes]


def interview_files(table: AccountsTable, extractions: list[Extraction],
                    company_by_file: dict[str, str]) -> np.ndarray:
    """Per row, the file of the account's interview, or None: by the `file` column (name or stem),
    else by company name."""
    by_file: dict[str, str] = {}
    for ex in extractions:
        by_file.setdefault(norm_text(ex.file), ex.file)
        by_file.setdefault(norm_text(Path(ex.file).stem), ex.file)
    have = {ex.file for ex in extractions}
    by_company = {norm_text(c): f for f, c in sorted(company_by_file.items()) if f in have}
    out = np.full(table.n_rows, None, dtype=object)
    if table.has("file"):
        out = _lookup(table.column("file"), by_file, stems=True)
    if table.has("company"):
        by_name = _lookup(table.column("company"), by_company, stems=False)
        out = np.where(out == None, by_name, out)  # noqa: E711 (elementwise)
    return out


def with_interviews(table: AccountsTable, extractions: list[Extraction], themes: Optional[ThemeSet],
                    company_by_file: dict[str, str]) -> tuple[AccountsTable, np.ndarray]:
    """(`table` with the interview columns it lacks, per-row interview file or None)."""
    files = interview_files(table, extractions, company_by_file)
    values = interview_columns(extractions, themes)
    columns = dict(table.columns)
    for name in INTERVIEW_COLUMNS:
        if table.has(name):
            continue
        cats, index = [""], {}
        codes = np.zeros(table.n_rows, dtype=np.int32)
        for f in sorted({f for f in files if f is not None}):
            v = values[f][name]
            if not v:
                continue
            if v not in index:
                index[v] = len(cats)
                cats.append(v)
            codes[files == f] = index[v]
        columns[name] = Column.model_construct(name=name, codes=codes, categories=cats)
    out = AccountsTable(n_rows=table.n_rows, columns=columns, headers=dict(table.headers),
                        source=table.source, warnings=list(table.warnings))
    return out, files


def study_table(accounts: dict[str, AccountRow], extractions: list[Extraction], themes: Optional[ThemeSet],
                companies: Optional[dict[str, str]] = None) -> tuple[AccountsTable, np.ndarray]:
    """The interviewed accounts with the interview columns, and the per-row interview file. An interview
    is an account only when it has a company (`synth.vocab.companies`): its accounts.csv row, else the
    company its front matter or its interviewee names (`companies`: file -> company); an interview with
    neither is no row, so it is never scored or tiered as an account."""
    rows = []
    for ex in sorted(extractions, key=lambda e: e.file):
        row = accounts.get(ex.file)
        if row is None and (companies or {}).get(ex.file):
            row = AccountRow(file=ex.file, company=companies[ex.file])
        if row is None:
            continue
        rec = row.model_dump(mode="json")
        rec["file"] = ex.file
        rows.append(rec)
    table = AccountsTable.from_records(rows, "synth")
    return with_interviews(table, extractions, themes, {f: r.company for f, r in accounts.items()})
