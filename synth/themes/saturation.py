"""Saturation: have new interviews stopped adding themes?

Per category, the number of distinct themes heard as interviews are added: in interview-date order
(the order the team actually heard them) and averaged over seeded random orders (so one early,
unusually rich interview does not decide it). The verdict reads the last `window` interviews in date
order: none added a theme -> "the last 3 interviews added no new pain theme"; each did -> "keep
interviewing". The ICP guide's 10-20 interviews are the reference band.

A theme is what at least two interviews share (clustering keeps nothing heard once), so in any
order the newest interview can only repeat a theme; its one-off items (outside every theme) are what
could become new themes. They are counted per interview beside the curve, never hidden.

What the curve counts (`basis`): for pains and triggers, when the statements' vectors are known (the
workspace caches them at `synth themes`), saturation groups the category's statements itself
(`statement_groups`) instead of reading the study's themes. Saturation asks one thing of a grouping:
when was each subject first heard. HDBSCAN, tuned for the study's themes, leaves a subject's first
mentions as outliers or in another theme on 30-40 statements (evals/README.md: 6/10 planted points
found on held-out); average linkage on the centred vectors found 16/20 on the dev seeds. Alternatives
(grouped by name) and the DMU (by role), or statements without vectors, are counted as the study's themes.
"""
from __future__ import annotations

import datetime as dt
import random
from typing import Optional

import numpy as np
from pydantic import BaseModel, Field

from synth.models import CATEGORIES, CLUSTERED_CATEGORIES, Extraction, ThemeSet

WINDOW = 3
ORDERS = 50
REFERENCE = (10, 20)   # the seeds' 10-20 customer-development interviews
# Average linkage on the centred vectors merges two groups while their mean cosine is above 0, i.e. while
# their statements are more alike than the category's average pair. Chosen on dev seeds 0-19 (16/20; 0.95:
# 9, 0.98: 14, 1.02: 15, 1.05: 9): `python -m evals.saturation --dev --sweep`.
SAME_SUBJECT = 1.0
MIN_GROUPED = 4        # fewer statements than this: centring says nothing, the study's themes are counted
BASIS = {"grouped": "saturation's own grouping of the statements (average linkage, heard in 2+ interviews)",
         "themes": "the study's themes"}


class SaturationCurve(BaseModel):
    category: str
    title: str
    basis: str = Field("themes", description="what is counted: 'grouped' (saturation's grouping of the "
                                             "statements) or 'themes' (the study's themes)")
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

    def describe(self) -> str:
        """The note with what each curve counts, as the report prints it."""
        parts = {}
        for c in self.curves:
            parts.setdefault(c.basis, []).append(c.title.lower())
        counted = "; ".join(f"{', '.join(v)}: {BASIS[b]}" for b, v in parts.items())
        return f"{self.note} Counted as themes: {counted}." if counted else self.note


def statement_groups(vectors: np.ndarray) -> np.ndarray:
    """One label per statement: average-linkage groups on the centred vectors, cut at SAME_SUBJECT.

    Centring removes what every statement of a study shares (they are all about its product), which
    is most of MiniLM's similarity between them; what is left says which subject a statement is about."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist

    x = np.asarray(vectors, dtype=np.float64)
    x = x - x.mean(axis=0)
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    # a statement at the mean (every statement the same text) centres to zero and has no cosine: it is as
    # alike as the average pair, which is SAME_SUBJECT (linkage refuses a NaN distance)
    distances = np.nan_to_num(pdist(x, metric="cosine"), nan=SAME_SUBJECT)
    return fcluster(linkage(distances, method="average"), SAME_SUBJECT, criterion="distance")


def _grouped(ids: list[str], file_of: dict[str, str], vectors: dict[str, np.ndarray]) -> tuple[list[set[str]], list[str]]:
    """(files of each group heard in 2+ interviews, ids of the statements in no such group)."""
    labels = statement_groups(np.stack([vectors[i] for i in ids]))
    groups: dict[int, list[str]] = {}
    for i, lab in zip(ids, labels):
        groups.setdefault(int(lab), []).append(i)
    files = [{file_of[i] for i in g} for g in groups.values()]
    singles = sorted(i for g, fs in zip(groups.values(), files) if len(fs) < 2 for i in g)
    return [fs for fs in files if len(fs) >= 2], singles


def stored_vectors(ws, ts: ThemeSet, extractions: list[Extraction]) -> dict[str, np.ndarray]:
    """Item id -> the vector the themes stage cached for its statement (no model is loaded; items
    whose vector is not cached are left out, and their category falls back to the study's themes)."""
    from synth.embed import Embedder, text_hash

    items = [it for e in extractions for it in e.items()]
    model = Embedder(ws, ts.run.embedding_model if ts.run else None).model_name
    known = ws.get_vectors(sorted({text_hash(it.statement) for it in items}), model)
    return {it.id: known[h] for it in items if (h := text_hash(it.statement)) in known}


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
                     window: int = WINDOW, orders: int = ORDERS, seed: int = 0,
                     vectors: Optional[dict[str, np.ndarray]] = None) -> Saturation:
    """The saturation curves of every clustered category. With `vectors` (item id -> statement vector),
    pains and triggers are counted as `statement_groups`; otherwise, and for the other categories, as
    the study's themes."""
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
        # the statements the study counts: its themes' members and its one-offs (not dismissed or rejected)
        ids = sorted(({i for t in themes.themes if t.category == cat for i in t.item_ids}
                      | set(themes.unclustered.get(cat, []))) - set(themes.dismissed))
        ids = [i for i in ids if i in file_of]
        if (vectors is not None and CATEGORIES[cat].grouping == "embedding" and len(ids) >= MIN_GROUPED
                and all(i in vectors for i in ids)):
            basis = "grouped"
            theme_files, one_offs = _grouped(ids, file_of, vectors)
            singles = set(one_offs)
        else:
            basis = "themes"
            theme_files = [set(t.files) or {file_of[i] for i in t.item_ids if i in file_of}
                           for t in themes.themes if t.category == cat]
            singles = set(themes.unclustered.get(cat, []))
        c = SaturationCurve(category=cat, title=CATEGORIES[cat].title, basis=basis, interviews=order,
                            themes=len(theme_files))
        c.new_themes, c.cumulative, c.last_new_at = _curve(order, theme_files)
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
