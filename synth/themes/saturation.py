"""Saturation: have new interviews stopped adding themes?

Per category, the number of distinct themes heard as interviews are added: in interview-date order
(the order the team actually heard them) and averaged over seeded random orders (so one early,
unusually rich interview does not decide it). The verdict reads the last `window` interviews in date
order: none added a theme -> "the last 3 interviews added no new pain theme"; each did -> "keep
interviewing". The ICP guide's 10-20 interviews are the reference band.

A theme is what at least two interviews share (clustering keeps nothing heard once), so in any
order the newest interview can only repeat a theme; its one-off items (outside every theme) are what
could become new themes. They are counted per interview beside the curve, never hidden.
"""
from __future__ import annotations

import datetime as dt
import random
from typing import Optional

from pydantic import BaseModel, Field

from synth.models import CATEGORIES, CLUSTERED_CATEGORIES, Extraction, ThemeSet

WINDOW = 3
ORDERS = 50
REFERENCE = (10, 20)   # the seeds' 10-20 customer-development interviews


class SaturationCurve(BaseModel):
    category: str
    title: str
    interviews: list[str] = Field(default_factory=list, description="files in interview-date order")
    new_themes: list[int] = Field(default_factory=list, description="themes first heard at each interview")
    cumulative: list[int] = Field(default_factory=list, description="distinct themes after each interview")
    random_mean: list[float] = Field(default_factory=list, description="mean cumulative over random orders")
    random_low: list[float] = Field(default_factory=list, description="10th percentile over random orders")
    random_high: list[float] = Field(default_factory=list, description="90th percentile over random orders")
    one_offs: list[int] = Field(default_factory=list, description="items outside every theme, per interview")
    themes: int = 0
    last_new_at: Optional[int] = Field(None, description="1-based interview (date order) of the last new theme")
    last_new_at_random: Optional[float] = Field(None, description="mean of the same over random orders")
    saturated: bool = False
    verdict: str = ""


class Saturation(BaseModel):
    interviews: int = 0
    window: int = WINDOW
    orders: int = ORDERS
    seed: int = 0
    reference: tuple[int, int] = REFERENCE
    undated: int = Field(0, description="interviews with no date: placed last, in file order")
    curves: list[SaturationCurve] = Field(default_factory=list)
    note: str = ("A theme needs two interviews, so the newest interview can only repeat one; its one-off "
                 "items are the candidates for new themes.")


def _curve(order: list[str], theme_files: list[set[str]]) -> tuple[list[int], list[int], Optional[int]]:
    pos = {f: i for i, f in enumerate(order)}
    new = [0] * len(order)
    for files in theme_files:
        seen = [pos[f] for f in files if f in pos]
        if seen:
            new[min(seen)] += 1
    cum, total = [], 0
    for x in new:
        total += x
        cum.append(total)
    last = max((i + 1 for i, x in enumerate(new) if x), default=None)
    return new, cum, last


def _verdict(c: SaturationCurve, window: int, n: int) -> tuple[bool, str]:
    name = CATEGORIES[c.category].title.lower().rstrip("s")
    name = {"pain point": "pain", "triggering event": "trigger"}.get(name, name)
    if n < window + 1:
        return False, f"Too few interviews ({n}) to judge saturation of {name} themes."
    if c.themes == 0:
        return False, f"No {name} theme recurs yet: keep interviewing."
    recent = c.new_themes[-window:]
    below = (f" That is below the {REFERENCE[0]}-{REFERENCE[1]} interviews the ICP guide recommends."
             if n < REFERENCE[0] else "")
    if sum(recent) == 0:
        return True, (f"The last {window} interviews added no new {name} theme (the last new one came with "
                      f"interview {c.last_new_at} of {n}).{below}")
    if all(recent):
        return False, f"Each of the last {window} interviews added a new {name} theme: keep interviewing."
    return False, (f"{sum(recent)} new {name} theme{'s' if sum(recent) != 1 else ''} in the last {window} "
                   f"interviews (the last with interview {c.last_new_at} of {n}): keep interviewing.")


def date_order(files: list[str], dates: dict[str, Optional[dt.date]]) -> list[str]:
    """Interview-date order; undated interviews last, in file order."""
    return sorted(files, key=lambda f: (dates.get(f) is None, dates.get(f) or dt.date.min, f))


def theme_saturation(themes: ThemeSet, extractions: list[Extraction], dates: dict[str, Optional[dt.date]],
                     window: int = WINDOW, orders: int = ORDERS, seed: int = 0) -> Saturation:
    """The saturation curves of every clustered category, from the study's themes and extractions."""
    files = sorted({e.file for e in extractions})
    order = date_order(files, dates)
    out = Saturation(interviews=len(files), window=window, orders=orders, seed=seed,
                     undated=sum(dates.get(f) is None for f in files))
    file_of = {it.id: e.file for e in extractions for it in e.items()}
    rng = random.Random(seed)
    shuffles = []
    for _ in range(orders):
        o = list(files)
        rng.shuffle(o)
        shuffles.append(o)
    for cat in sorted(CLUSTERED_CATEGORIES, key=lambda c: CATEGORIES[c].shown):
        theme_files = [set(t.files) or {file_of[i] for i in t.item_ids if i in file_of}
                       for t in themes.themes if t.category == cat]
        c = SaturationCurve(category=cat, title=CATEGORIES[cat].title, interviews=order, themes=len(theme_files))
        c.new_themes, c.cumulative, c.last_new_at = _curve(order, theme_files)
        singles = set(themes.unclustered.get(cat, []))
        c.one_offs = [sum(1 for i in singles if file_of.get(i) == f) for f in order]
        if files:
            runs = [_curve(o, theme_files) for o in shuffles]
            for k in range(len(files)):
                vals = sorted(r[1][k] for r in runs)
                c.random_mean.append(round(sum(vals) / len(vals), 3))
                c.random_low.append(float(vals[int(0.1 * (len(vals) - 1))]))
                c.random_high.append(float(vals[int(round(0.9 * (len(vals) - 1)))]))
            lasts = [r[2] for r in runs if r[2] is not None]
            c.last_new_at_random = round(sum(lasts) / len(lasts), 2) if lasts else None
        c.saturated, c.verdict = _verdict(c, window, len(files))
        out.curves.append(c)
    return out
