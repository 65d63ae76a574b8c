"""What each page shows, as plain data: the templates only lay it out (and escape every string).

Filters (outcome, industry, size band, country) select interviews through the accounts sidecar;
coverage, item counts, won/lost and the quotes shown are re-counted over those interviews only.
Ranking stays the study-wide ranking, so a filter never reorders what the reviewer decided on.
"""
from __future__ import annotations

from typing import Optional
from urllib.parse import quote as urlquote

from pydantic import BaseModel, Field

from synth.models import CATEGORIES as CATEGORY_TABLE
from synth.models import THEME_SECTIONS, AccountRow, Alternative, DmuMember, Item, PainPoint, Theme, Trigger
from synth.report.data import quote_ref, theme_view
from synth.report.model import ThemeView, cite, human, pct

from .study import Study


def theme_sections() -> list[tuple[str, str]]:
    """(category, heading) of each section of themes, in the categories table's order."""
    return [(c, CATEGORY_TABLE[c].themes_title) for c in THEME_SECTIONS]


SIZE_BANDS = ((1, 10), (11, 50), (51, 200), (201, 1000), (1001, 5000), (5001, None))
QUOTES_PER_THEME = 2


def size_band(employees: Optional[int]) -> Optional[str]:
    """Headcount bands as sales teams use them: 1-10, 11-50, 51-200, 201-1,000, 1,001-5,000, 5,001+."""
    if employees is None:
        return None
    for lo, hi in SIZE_BANDS:
        if hi is None or employees <= hi:
            return f"{lo:,}+" if hi is None else f"{lo:,}-{hi:,}"
    return None


def transcript_url(file: str, item_id: Optional[str] = None, char_start: Optional[int] = None) -> str:
    url = "/transcript/" + urlquote(file, safe="")
    if item_id:
        url += "?item=" + urlquote(item_id, safe="")
    if char_start is not None:
        url += f"#c{char_start}"
    return url


def theme_url(theme_id: str) -> str:
    return "/theme/" + urlquote(theme_id, safe="")


# ------------------------------------------------------------------ filters

class Filters(BaseModel):
    outcome: Optional[str] = None
    industry: Optional[str] = None
    size: Optional[str] = None
    country: Optional[str] = None

    @classmethod
    def parse(cls, params, options: dict[str, list[str]]) -> "Filters":
        """Only values the study has are taken; anything else (typos, hostile input) means 'all'."""
        return cls(**{k: params.get(k) if params.get(k) in options[k] else None for k in cls.model_fields})

    @property
    def active(self) -> bool:
        return any(getattr(self, k) for k in type(self).model_fields)

    def match(self, row: Optional[AccountRow]) -> bool:
        if self.outcome and ((row.outcome if row else None) or "open") != self.outcome:
            return False
        if self.industry and (row is None or row.industry != self.industry):
            return False
        if self.country and (row is None or row.country != self.country):
            return False
        return not (self.size and (row is None or size_band(row.employees) != self.size))

    def query(self) -> str:
        return "&".join(f"{k}={urlquote(v, safe='')}" for k, v in self.model_dump().items() if v)


def filter_options(study: Study) -> dict[str, list[str]]:
    rows = [study.accounts.get(f) for f in study.files]
    bands = {size_band(r.employees) for r in rows if r} - {None}
    order = [size_band(lo) for lo, _ in SIZE_BANDS]
    return {"outcome": [o for o in ("won", "lost", "open") if any(((r.outcome if r else None) or "open") == o
                                                                  for r in rows)],
            "industry": sorted({r.industry for r in rows if r and r.industry}),
            "size": [b for b in order if b in bands],
            "country": sorted({r.country for r in rows if r and r.country})}


# ------------------------------------------------------------------ study page

class Part(BaseModel):
    """One component of a score, placed on a 0-100 stacked bar."""

    name: str
    points: float
    x: float
    note: str


class ThemeRow(ThemeView):
    """The report's theme view (synth/report/data.py `theme_view`), plus where the browser links it and its
    score as a stacked bar."""

    url: str
    parts: list[Part]


class Tile(BaseModel):
    label: str
    value: str
    note: str = ""


def parts(th: Theme) -> list[Part]:
    out, x = [], 0.0
    for c in th.breakdown:
        out.append(Part(name=c.name, points=c.points, x=round(x, 2), note=c.note))
        x += c.points
    return out




def theme_row(study: Study, th: Theme, files: Optional[set[str]], quotes: int = QUOTES_PER_THEME) -> ThemeRow:
    """A theme as a row of the study page; with `files`, counted over those interviews only."""
    n = len(files) if files is not None else len(study.files)
    view = theme_view(th, study.items, study.facts, n, files, quotes)
    return ThemeRow(**{**dict(view), "keyphrases": view.keyphrases[:6]}, url=theme_url(th.id), parts=parts(th))


def study_page(study: Study, f: Filters) -> dict:
    files = {x for x in study.files if f.match(study.accounts.get(x))} if f.active else None
    chosen = sorted(files) if files is not None else study.files
    rejected = set(study.review.reject)
    live = [it for it in study.items.values() if not it.dismissed and it.id not in rejected
            and (files is None or any(ev.file in files for ev in it.evidence))]
    companies = study.facts.accounts_of(chosen)
    outcomes = [study.facts.outcome(a) for a in companies]
    counts = {c: sum(1 for it in live if it.category == c) for c, _ in theme_sections()}
    tiles = [Tile(label="interviews", value=str(len(chosen)),
                  note=f"of {len(study.files)}" if files is not None else ""),
             Tile(label="accounts", value=str(len(companies)),
                  note=f"{outcomes.count('won')} won · {outcomes.count('lost')} lost · {outcomes.count('open')} open"),
             *[Tile(label=CATEGORY_TABLE[c].title.lower(), value=str(counts[c]),
                    note=f"{len(study.by_category(c))} themes") for c, _ in theme_sections()],
             Tile(label="review", value=f"v{study.version}",
                  note=f"{len(rejected)} item{'s' if len(rejected) != 1 else ''} rejected")]
    sections = [{"category": c, "title": name,
                 "themes": [theme_row(study, th, files) for th in study.by_category(c)]} for c, name in theme_sections()]
    return {"tiles": tiles, "sections": sections, "filters": f, "options": filter_options(study),
            "stale": study.ts.stale_decisions if study.ts else [], "filtered_n": len(chosen)}


# ------------------------------------------------------------------ theme page

class QuoteLink(BaseModel):
    quote: str
    file: str
    speaker: str
    start: Optional[float] = None
    timestamp: Optional[str] = None
    url: str
    match: str = "exact"

    @property
    def cite(self) -> str:
        return cite(self.file, self.speaker, self.start)


class ItemRow(BaseModel):
    id: str
    statement: str
    details: list[str] = Field(default_factory=list)
    quotes: list[QuoteLink] = Field(default_factory=list)


def item_details(it: Item) -> list[str]:
    """The typed fields worth a glance: severity and quantity, trigger kind and when, alternative kind."""
    if isinstance(it, PainPoint):
        return [f"severity {it.severity}/5", *([it.quantity.text] if it.quantity else [])]
    if isinstance(it, Trigger):
        return [human(it.kind), *([it.when] if it.when else [])]
    if isinstance(it, Alternative):
        return [it.name, human(it.kind), *([it.shortfall] if it.shortfall else [])]
    if isinstance(it, DmuMember):
        return [human(it.role), *([it.title] if it.title else [])]
    return []


def item_row(it: Item) -> ItemRow:
    qs = []
    for ev in it.evidence:
        q = quote_ref(ev, it)
        qs.append(QuoteLink(quote=q.quote, file=q.file, speaker=q.speaker, start=q.start, timestamp=q.timestamp, match=q.match,
                            url=transcript_url(ev.file, it.id, ev.char_start)))
    return ItemRow(id=it.id, statement=it.statement, details=item_details(it), quotes=qs)


def theme_page(study: Study, th: Theme) -> dict:
    items = sorted((study.items[i] for i in th.item_ids if i in study.items),
                   key=lambda it: (it.evidence[0].file if it.evidence else "", it.evidence[0].char_start
                                   if it.evidence else 0, it.id))
    others = [o for o in study.by_category(th.category) if o.id != th.id]
    return {"theme": theme_row(study, th, None, quotes=0), "t": th, "items": [item_row(it) for it in items],
            "others": others, "coverage_pct": pct(len(th.files) / len(study.files) if study.files else None),
            "n_interviews": len(study.files)}


def gone_note(study: Study, theme_id: str) -> Optional[dict]:
    """Why a theme id has no page any more: dropped (can be restored), merged (link to where), or unknown."""
    rv = study.review
    if theme_id in rv.drop:
        return {"kind": "dropped", "id": theme_id}
    for m in reversed(rv.merge):
        if theme_id in m.sources:
            return {"kind": "merged", "id": theme_id, "into": m.into, "url": theme_url(m.into)}
    return None
