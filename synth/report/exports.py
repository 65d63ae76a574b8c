"""Exports other tools read: `themes.json` (ranked themes with their items and quotes) and `items.csv`
(one row per extracted item), each described by a JSON Schema (`exports_schema()`).
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, Field

from synth.csvcell import csv_row
from synth.models import CATEGORIES, DmuRoleSummary, Evidence, Item, ScoreComponent, ThemeSet
from synth.workspace import Workspace

from .model import hms

EXPORTS_VERSION = "1"


class ExportQuote(BaseModel):
    quote: str = Field(description="verbatim text as it appears in the transcript")
    file: str
    speaker: str
    start: Optional[float] = Field(None, description="seconds from the start of the recording, where known")
    timestamp: Optional[str] = Field(None, description="start as hh:mm:ss")
    char_start: int = Field(description="offset of the quote in the transcript's normalized text")
    char_end: int
    match: str = Field("exact", description="exact, normalized or fuzzy")
    transcript_hash: str


class ExportItem(BaseModel):
    id: str
    category: str = Field(description="pain, trigger, alternative or dmu")
    statement: str
    dismissed: bool = False
    severity: Optional[int] = Field(None, description="pain: 1 (trivial) to 5 (critical)")
    quantity: Optional[str] = Field(None, description="pain: the quantity as said ('20 hours a week')")
    kind: Optional[str] = Field(None, description="trigger kind or alternative kind")
    when: Optional[str] = Field(None, description="trigger: when it happened, as said")
    name: Optional[str] = Field(None, description="alternative: product or practice; dmu: person")
    shortfall: Optional[str] = Field(None, description="alternative: what falls short about it")
    role: Optional[str] = Field(None, description="dmu: champion, economic_buyer, influencer, blocker, user")
    title: Optional[str] = Field(None, description="dmu: job title as said")
    quotes: list[ExportQuote] = Field(default_factory=list)


class ExportTheme(BaseModel):
    id: str = Field(description="stable across re-runs")
    category: str
    rank: int = Field(description="1 = first within its category")
    label: str
    label_source: str
    definition: Optional[str] = None
    keyphrases: list[str] = Field(default_factory=list)
    score: float
    breakdown: list[ScoreComponent] = Field(default_factory=list, description="points add up to the score")
    pinned: bool = False
    interviews: int
    files: list[str]
    accounts: list[str]
    won: int = Field(description="won accounts with evidence for the theme")
    lost: int
    representative_quote: Optional[ExportQuote] = None
    items: list[ExportItem]


class ThemesExport(BaseModel):
    """themes.json: every theme, ranked (triggers, then pains, then alternatives), with its items and quotes."""

    exports_version: str = EXPORTS_VERSION
    n_interviews: int
    themes: list[ExportTheme]
    unclustered: dict[str, list[str]] = Field(default_factory=dict, description="category -> item ids")
    dismissed: list[str] = Field(default_factory=list, description="ids of items raised then dismissed")
    dmu: list[DmuRoleSummary] = Field(default_factory=list)


class ItemRow(BaseModel):
    """One row of items.csv per extracted item, with its first quote. Empty cell = no value. A text cell a
    spreadsheet would run as a formula gets a leading apostrophe (`synth.csvcell`); themes.json keeps
    the quotes unaltered."""

    item_id: str
    theme_id: Optional[str] = Field(None, description="empty when the item is in no theme")
    category: str
    statement: str
    dismissed: bool
    quote: Optional[str] = None
    file: Optional[str] = None
    speaker: Optional[str] = None
    start: Optional[float] = Field(None, description="seconds from the start of the recording")
    timestamp: Optional[str] = Field(None, description="start as hh:mm:ss")
    char_start: Optional[int] = None
    char_end: Optional[int] = None
    severity: Optional[int] = None
    quantity: Optional[str] = None
    kind: Optional[str] = None
    name: Optional[str] = None
    role: Optional[str] = None
    title: Optional[str] = None


def _quote(ev: Evidence) -> ExportQuote:
    return ExportQuote(quote=ev.quote, file=ev.file, speaker=ev.speaker, start=ev.start, timestamp=hms(ev.start),
                       char_start=ev.char_start, char_end=ev.char_end, match=ev.match,
                       transcript_hash=ev.transcript_hash)


def export_item(it: Item) -> ExportItem:
    g = lambda a: getattr(it, a, None)  # noqa: E731
    q = g("quantity")
    return ExportItem(id=it.id, category=g("category"), statement=it.statement, dismissed=it.dismissed,
                      severity=g("severity"), quantity=q.text if q else None, kind=g("kind"), when=g("when"),
                      name=g("name"), shortfall=g("shortfall"), role=g("role"), title=g("title"),
                      quotes=[_quote(e) for e in it.evidence])


def build_themes_export(ts: Optional[ThemeSet], items: list[Item]) -> ThemesExport:
    by_id = {it.id: it for it in items}
    if ts is None:
        return ThemesExport(n_interviews=0, themes=[])
    themes = sorted(ts.themes, key=lambda t: (CATEGORIES[t.category].shown, t.rank, t.id))
    return ThemesExport(
        n_interviews=ts.n_interviews, unclustered=ts.unclustered, dismissed=ts.dismissed, dmu=ts.dmu,
        themes=[ExportTheme(
            id=t.id, category=t.category, rank=t.rank, label=t.label, label_source=t.label_source,
            definition=t.definition, keyphrases=t.keyphrases, score=t.score, breakdown=t.breakdown,
            pinned=t.pinned, interviews=len(t.files), files=t.files, accounts=t.accounts, won=t.won, lost=t.lost,
            representative_quote=_quote(t.representative_quote) if t.representative_quote else None,
            items=[export_item(by_id[i]) for i in t.item_ids if i in by_id]) for t in themes])


def item_rows(ts: Optional[ThemeSet], items: list[Item]) -> list[ItemRow]:
    theme_of = {i: t.id for t in (ts.themes if ts else []) for i in t.item_ids}
    rows = []
    for it in items:
        e = export_item(it)
        q = e.quotes[0] if e.quotes else None
        rows.append(ItemRow(
            item_id=it.id, theme_id=theme_of.get(it.id), category=e.category, statement=it.statement,
            dismissed=it.dismissed, quote=q.quote if q else None, file=q.file if q else None,
            speaker=q.speaker if q else None, start=q.start if q else None, timestamp=q.timestamp if q else None,
            char_start=q.char_start if q else None, char_end=q.char_end if q else None, severity=e.severity,
            quantity=e.quantity, kind=e.kind, name=e.name, role=e.role, title=e.title))
    return rows


def items_csv(rows: list[ItemRow]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    fields = list(ItemRow.model_fields)
    w.writerow(fields)
    for r in rows:
        w.writerow(csv_row(getattr(r, f) for f in fields))
    return buf.getvalue()


def themes_json(export: ThemesExport) -> str:
    return json.dumps(export.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def write_exports(ws: Workspace, out_dir: Path) -> tuple[Path, Path]:
    """Write themes.json and items.csv (UTF-8) into `out_dir`; returns their paths."""
    items = [it for e in ws.latest_extractions() for it in e.items()]
    ts = ws.latest_themes()
    out_dir.mkdir(parents=True, exist_ok=True)
    tj, ic = out_dir / "themes.json", out_dir / "items.csv"
    tj.write_text(themes_json(build_themes_export(ts, items)), encoding="utf-8")
    ic.write_text(items_csv(item_rows(ts, items)), encoding="utf-8", newline="")
    return tj, ic


def exports_schema() -> dict:
    """JSON Schema of themes.json and of one items.csv row (`synth schema exports` prints it)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "synth report exports",
        "exports_version": EXPORTS_VERSION,
        "definitions": {
            "ThemesExport": ThemesExport.model_json_schema(),
            "ItemRow": {**ItemRow.model_json_schema(),
                        "x-csv-columns": list(ItemRow.model_fields),
                        "x-csv-encoding": "utf-8, comma-separated, RFC 4180 quoting, header row"},
        },
    }
