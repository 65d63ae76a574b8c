"""Accounts table: column-oriented, dictionary-encoded, read from a CSV in one streaming pass.

Every column keeps `codes` (int32, one per row) into `categories` (distinct cell texts, whitespace
collapsed, first spelling kept). Code 0 is "missing": an empty cell or one of NULL_TOKENS. Numbers,
case-folded texts and list items are derived once per category, so evaluating a rule over a million
rows is one table lookup (`lut[codes]`). Headers and cells mean what `synth.vocab.accounts` says, to
ingest as to the scorer: a cell means the same to `synth ingest` and to `synth score`.
"""
from __future__ import annotations

import array
import csv
import gc
import itertools
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from ..ingest.accounts import csv_problem, is_footer, open_csv
from ..ingest.errors import IngestError
from ..models import AccountRow
from ..vocab.accounts import (
    NULL_TOKENS,
    cell_number,
    column_map_for,
    norm_text,
    normalize_name,
    normalize_outcome,
    outcome_column,
    parse_whole,
    split_list,
)

CHUNK = 512      # small chunks: a chunk's cells are still in the CPU cache when encoded


class Column(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    name: str
    codes: np.ndarray = Field(description="int32 per row; 0 = missing")
    categories: list[str] = Field(description="categories[0] is '' (missing)")
    _numbers: Optional[np.ndarray] = PrivateAttr(None)
    _norm: Optional[list[str]] = PrivateAttr(None)
    _items: Optional[list[frozenset]] = PrivateAttr(None)

    def numbers(self) -> np.ndarray:
        """float64 per category (NaN where missing or not a number)."""
        if self._numbers is None:
            self._numbers = np.array([np.nan] + [cell_number(c) for c in self.categories[1:]])
        return self._numbers

    def normalized(self) -> list[str]:
        if self._norm is None:
            self._norm = [norm_text(c) for c in self.categories]
        return self._norm

    def items(self) -> list[frozenset]:
        """Per category, the set of normalized list items (split on ';', '|' or ',')."""
        if self._items is None:
            self._items = [frozenset(split_list(c)) for c in self.categories]
        return self._items

    def values(self) -> np.ndarray:
        """Cell text per row (object array; None where missing)."""
        cats = np.array([None] + self.categories[1:], dtype=object)
        return cats[self.codes]

    def take(self, rows: np.ndarray) -> "Column":
        return Column(name=self.name, codes=self.codes[rows], categories=self.categories)


class AccountsTable(BaseModel):
    """Accounts, column by column. Field names are the mapped names (see `rules.COLUMN_PRESETS`)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    n_rows: int
    columns: dict[str, Column]
    headers: dict[str, str] = Field(default_factory=dict, description="field -> original header")
    source: Optional[str] = None
    warnings: list[str] = Field(default_factory=list)

    def __len__(self) -> int:
        return self.n_rows

    def has(self, field: str) -> bool:
        return normalize_name(field) in self.columns

    def column(self, field: str) -> Optional[Column]:
        return self.columns.get(normalize_name(field))

    def companies(self) -> np.ndarray:
        col = self.column("company")
        if col is None:
            return np.array([f"row {i + 1}" for i in range(self.n_rows)], dtype=object)
        vals = col.values()
        missing = col.codes == 0
        if missing.any():
            vals[missing] = [f"row {i + 1}" for i in np.flatnonzero(missing)]
        return vals

    def outcome_field(self) -> Optional[str]:
        """"outcome", else a CRM "Type" column (account_type), else None."""
        return outcome_column(list(self.columns))

    def outcomes(self, field: Optional[str] = None) -> np.ndarray:
        """int8 per row: 1 won, 0 lost, -1 open, -2 missing or not an outcome (no column: all -2)."""
        col = self.column(field or self.outcome_field() or "outcome")
        if col is None:
            return np.full(self.n_rows, -2, dtype=np.int8)
        code = {"won": 1, "lost": 0, "open": -1, None: -2}
        lut = np.array([code[normalize_outcome(c if i else None)] for i, c in enumerate(col.categories)],
                       dtype=np.int8)
        return lut[col.codes]

    def outcome_warnings(self, field: Optional[str] = None) -> list[str]:
        """Cells of the outcome column that are not an outcome (counted as missing)."""
        col = self.column(field or self.outcome_field() or "outcome")
        if col is None:
            return []
        bad = [k for k, c in enumerate(col.categories) if k and normalize_outcome(c) is None]
        if not bad:
            return []
        n = int(np.isin(col.codes, bad).sum())
        shown = ", ".join(repr(col.categories[k]) for k in bad[:3])
        return [f"{n} accounts have an {col.name} that is not won, lost or open (e.g. {shown}): "
                "counted as missing"]

    def take(self, rows: Sequence[int] | np.ndarray) -> "AccountsTable":
        idx = np.asarray(rows, dtype=np.int64)
        return AccountsTable(n_rows=len(idx), columns={k: c.take(idx) for k, c in self.columns.items()},
                             headers=dict(self.headers), source=self.source)

    def to_account_rows(self, rows: Optional[Iterable[int]] = None) -> list[AccountRow]:
        """Rows as `AccountRow` (the synth fields only; values that do not parse are left empty).
        Cells are parsed once per distinct value, not once per row."""
        idx = range(self.n_rows) if rows is None else rows
        comp = self.companies()
        parse = {"tech_stack": split_list, "employees": parse_whole, "outcome": normalize_outcome}
        cols = {f: self.column(f) for f in ("file", "industry", "country", "funding_stage",
                                              "tech_stack", "employees", "interview_date")}
        cols["outcome"] = self.column(self.outcome_field() or "outcome")
        per_cat = {f: (col.codes, [None] + [parse.get(f, str)(c) for c in col.categories[1:]])
                   for f, col in cols.items() if col is not None}
        out = []
        for i in idx:
            rec: dict[str, Any] = {"company": str(comp[i])}
            for f, (codes, values) in per_cat.items():
                k = codes[i]
                if k:
                    rec[f] = values[k]
            try:
                out.append(AccountRow.model_validate(rec))
            except Exception:      # e.g. an interview_date that is not a date
                rec.pop("interview_date", None)
                out.append(AccountRow.model_validate(rec))
        return out

    @classmethod
    def from_records(cls, records: Iterable[dict[str, Any]],
                     column_map: str | dict[str, str] | None = None) -> "AccountsTable":
        """Build from dicts (lists are joined with ';', None is missing); keys go through the map."""
        recs = list(records)
        keys: dict[str, None] = {}
        for r in recs:
            keys.update(dict.fromkeys(r))
        header = list(keys)

        def cell(v: Any) -> str:
            if v is None:
                return ""
            if isinstance(v, (list, tuple, set, frozenset)):
                return ";".join(str(x) for x in v)
            return str(v)

        rows = [[cell(r.get(k)) for k in header] for r in recs]
        return _build(header, iter(rows), column_map, source=None, warnings=[])

    @classmethod
    def from_account_rows(cls, rows: Iterable[AccountRow]) -> "AccountsTable":
        return cls.from_records([r.model_dump(mode="json") for r in rows], "synth")


class _Index(dict):
    """value -> code in order of first appearance; `map(index.__getitem__, cells)` stays in C
    except for new values."""

    def __missing__(self, key: str) -> int:
        code = self[key] = len(self)
        return code


_NULL_ANY = frozenset(v for t in NULL_TOKENS for v in (t, t.upper(), t.title()))


class _Encoder:
    """Dictionary-encodes one column chunk by chunk. A column whose first chunk is mostly distinct
    values (names, ids) is kept as raw values instead: one category per row."""

    def __init__(self) -> None:
        self.index = _Index()
        self.codes = array.array("i")
        self.raw: Optional[list[str]] = None
        self.raw_null: list[int] = []

    def add(self, cells: Sequence[str]) -> None:
        if self.raw is None and not self.codes and len(cells) >= 256 and \
                len(set(cells)) > 0.9 * len(cells):
            self.raw = []
        if self.raw is None:
            self.codes.extend(map(self.index.__getitem__, cells))
            return
        if not _NULL_ANY.isdisjoint(cells):
            base = len(self.raw)
            self.raw_null += [base + i for i, v in enumerate(cells) if v in _NULL_ANY]
        self.raw.extend(cells)

    def finish(self, name: str) -> Column:
        if self.raw is not None:
            codes = np.arange(1, len(self.raw) + 1, dtype=np.int32)
            codes[self.raw_null] = 0
            return Column.model_construct(name=name, codes=codes, categories=["", *self.raw])
        values = [v.strip() for v in self.index]
        codes = np.frombuffer(self.codes, dtype=np.int32) + 1 if self.codes else np.zeros(0, np.int32)
        # categories[k] = values[k - 1]; a missing value keeps its slot but no row points at it.
        null = [i for i, v in enumerate(values) if v.casefold() in NULL_TOKENS]
        if null:
            remap = np.arange(len(values) + 1, dtype=np.int32)
            remap[np.asarray(null) + 1] = 0
            codes = remap[codes]
        return Column.model_construct(name=name, codes=codes, categories=["", *values])


def _build(header: list[str], rows: Iterable[list[str]], column_map: str | dict[str, str] | None,
           source: Optional[str], warnings: list[str]) -> AccountsTable:
    cmap = column_map_for(column_map, header)
    width = len(header)
    fields: list[Optional[str]] = []
    headers: dict[str, str] = {}
    for h in header:
        key = normalize_name(h)
        f = cmap.get(key, key) or f"column_{len(fields) + 1}"
        if f in headers:
            warnings.append(f"columns {headers[f]!r} and {h!r} both map to {f!r}: {h!r} is ignored")
            fields.append(None)
            continue
        headers[f] = h
        fields.append(f)
    encoders = [_Encoder() if f else None for f in fields]
    n, ragged, footers = 0, 0, 0
    it = iter(rows)
    while True:
        chunk = list(itertools.islice(it, CHUNK))
        if not chunk:
            break
        lengths = set(map(len, chunk))
        if lengths != {width}:
            if 0 in lengths:                      # blank lines
                chunk = [r for r in chunk if r]
            kept = [r for r in chunk if len(r) == width or not is_footer(r, width)]
            footers += len(chunk) - len(kept)
            chunk = kept
            bad = [i for i, r in enumerate(chunk) if len(r) != width]
            ragged += len(bad)
            for i in bad:
                chunk[i] = (chunk[i] + [""] * width)[:width]
            if not chunk:
                continue
        n += len(chunk)
        for enc, col in zip(encoders, zip(*chunk)):
            if enc is not None:
                enc.add(col)
    if footers:
        warnings.append(f"{footers} report footer lines (totals, copyright) are not accounts: skipped")
    if ragged:
        warnings.append(f"{ragged} rows do not have {width} cells: short rows padded, extra cells dropped")
    columns = {f: enc.finish(f) for f, enc in zip(fields, encoders) if f is not None}
    if "company" not in columns:
        warnings.append("no company column (looked for company, 'Company name', 'Account Name', ...): "
                        "accounts are named by row number")
    return AccountsTable(n_rows=n, columns=columns, headers=headers, source=source, warnings=warnings)


def read_accounts_csv(path: str | Path, column_map: str | dict[str, str] | None = None,
                      delimiter: Optional[str] = None) -> AccountsTable:
    """Read an accounts CSV (synth, HubSpot or Salesforce headers; `column_map` is a preset name,
    a header -> field mapping, or None for the preset the headers show). Decoding, delimiter and
    headers as `synth.ingest.accounts.open_csv` reads them. Raises IngestError for an unreadable,
    empty or binary file."""
    f = open_csv(path, delimiter)
    warnings = [] if f.encoding.startswith("utf") else [f"{Path(path).name} is not UTF-8: read as {f.encoding}"]
    gc_was_on = gc.isenabled()
    gc.disable()      # millions of short-lived row lists: the cycle collector only costs time here
    try:
        table = _build(f.header, f.rows, column_map, source=str(path), warnings=warnings)
    except csv.Error as e:  # e.g. a 128 KB field: name the file and line, never a traceback
        raise IngestError(path, f"line {f.line()}: unreadable CSV row ({csv_problem(e)})") from None
    finally:
        f.close()
        if gc_was_on:
            gc.enable()
    table.warnings += table.outcome_warnings()
    return table
