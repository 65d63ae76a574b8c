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
mentions as outliers or in another theme on 30-40 statements. The grouping: average linkage on the
centred vectors, a group split again where it is a family of subjects, and, with the interviews' order,
the median of seeded resampled groupings (evals/README.md, issue 24: planted points found on seven dev-side
pools, chosen by the worst pool). Alternatives (grouped by name) and the DMU (by role), or statements
without vectors, are counted as the study's themes.
"""
from __future__ import annotations

import datetime as dt
import random
from typing import Optional, Sequence

import numpy as np
from pydantic import BaseModel, Field

from synth.models import CATEGORIES, CLUSTERED_CATEGORIES, Extraction, ThemeSet

WINDOW = 3
ORDERS = 50
REFERENCE = (10, 20)   # the seeds' 10-20 customer-development interviews
# Average linkage on the centred vectors merges two groups while their mean cosine is above 0, i.e. while
# their statements are more alike than the category's average pair (dev seeds 0-19: 0.95: 9, 0.98: 14,
# 1.0: 16, 1.02: 15, 1.05: 9 of 20 planted points; the other validation pools peak at 0.95-1.0).
SAME_SUBJECT = 1.0
# ... but a study's subjects can come in families (three card problems among a bank's customers; a
# category whose statements are half about one product area): "more alike than the average pair" then
# merges a family. A group is split again, centred on its own mean, where its parts are less alike than
# SEPARATE x the cohesion of the less cohesive part (cosines on the category's centring): a family splits,
# one subject's statements (whose parts are about as alike as each part is within) does not. Worst of the
# four validation pools, seeds 0-59, without resampling: 0.2: 34, 0.3: 35, 0.4: 32 (no split: 31). Of the
# seven pools since the fifth session (many subjects heard 3-5 times each among them), with the
# resampling: 0.3: 30, 0.4: 34, 0.45: 36, 0.5: 35, 0.55: 36, 0.6: 36; 0.5 is the middle of that plateau
# (a family needs its parts at most half as alike as each is within; evals/README.md, fifth session).
SEPARATE = 0.5
MIN_SPLIT = 4          # a group of fewer statements is not split again
MAX_DEPTH = 3
# The last new subject is one statement's doing at most: the same grouping is redone on RESAMPLES seeded
# subsets of KEEP of the statements, and the grouping shown is the one whose last new subject is the
# median of theirs (one bridging statement can move it by 2-8 interviews). Worst validation pool, seeds 0-59:
# 15 x 0.9: 37, 31 x 0.85: 38, 31 x 0.9: 37, 31 x 0.95: 39 (none: 35).
RESAMPLES = 31
KEEP = 0.95
MIN_RESAMPLED = 10     # fewer statements: one grouping of all of them
MIN_GROUPED = 4        # fewer statements than this: centring says nothing, the study's themes are counted
BASIS = {"grouped": "saturation's own grouping of the statements (average linkage, families split, the median "
                    "of resampled groupings; heard in 2+ interviews)",
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


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def _average_groups(x: np.ndarray) -> np.ndarray:
    """Average-linkage labels of `x` centred on its own mean, cut at SAME_SUBJECT."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist

    if len(x) < 2:
        return np.ones(len(x), dtype=int)
    # a statement at the mean (every statement the same text) centres to zero and has no cosine: it is as
    # alike as the average pair, which is SAME_SUBJECT (linkage refuses a NaN distance)
    distances = np.nan_to_num(pdist(_unit(x - x.mean(axis=0)), metric="cosine"), nan=SAME_SUBJECT)
    return fcluster(linkage(distances, method="average"), SAME_SUBJECT, criterion="distance")


def _cohesion(sim: np.ndarray, idx: np.ndarray) -> float:
    block = sim[np.ix_(idx, idx)]
    return float((block.sum() - np.trace(block)) / (len(idx) * (len(idx) - 1)))


def _parts(x: np.ndarray, sim: np.ndarray, idx: np.ndarray) -> list[np.ndarray]:
    """The group `idx` split in its own centring, or [] where its parts are not apart (SEPARATE)."""
    sub = _average_groups(x[idx])
    parts = [idx[sub == g] for g in np.unique(sub)]
    if len(parts) < 2 or min(len(p) for p in parts) < 2:
        return []
    for a in range(len(parts)):
        for b in range(a + 1, len(parts)):
            between = float(sim[np.ix_(parts[a], parts[b])].mean())
            if between >= SEPARATE * min(_cohesion(sim, parts[a]), _cohesion(sim, parts[b])):
                return []
    return parts


def _subjects(x: np.ndarray) -> np.ndarray:
    """One label per row: groups of the centred vectors, each split again while its parts are apart."""
    u = _unit(x - x.mean(axis=0))
    sim = u @ u.T
    labels = np.zeros(len(x), dtype=int)
    first = _average_groups(x)
    todo = [(np.flatnonzero(first == g), 0) for g in np.unique(first)]
    while todo:
        idx, depth = todo.pop()
        parts = _parts(x, sim, idx) if len(idx) >= MIN_SPLIT and depth < MAX_DEPTH else []
        if parts:
            todo.extend((p, depth + 1) for p in parts)
        else:
            labels[idx] = labels.max() + 1
    return labels


def _last_start(labels: np.ndarray, interview: np.ndarray) -> int:
    """The interview where the last group heard in 2+ interviews was first heard (0: none is)."""
    starts = [int(interview[labels == g].min()) for g in np.unique(labels)
              if len(np.unique(interview[labels == g])) >= 2]
    return max(starts, default=0)


def _extended(x: np.ndarray, keep: np.ndarray, kept_labels: np.ndarray) -> np.ndarray:
    """Labels for every row from a grouping of the rows `keep`: a row left out joins the group it is
    most alike on average if that is above the category's average pair (SAME_SUBJECT), else its own."""
    u = _unit(x - x.mean(axis=0))
    labels = np.zeros(len(x), dtype=int)
    labels[keep] = kept_labels
    groups = np.unique(kept_labels)
    for i in np.setdiff1d(np.arange(len(x)), keep):
        mean_sim = [float((u[keep[kept_labels == g]] @ u[i]).mean()) for g in groups]
        best = int(np.argmax(mean_sim))
        labels[i] = groups[best] if 1.0 - mean_sim[best] < SAME_SUBJECT else labels.max() + 1
    return labels


def statement_groups(vectors: np.ndarray, interview: Optional[Sequence[int]] = None, seed: int = 0) -> np.ndarray:
    """One label per statement: what saturation counts as subjects (`_subjects`); with `interview` (each
    statement's interview position), the grouping among that of all statements and of RESAMPLES seeded
    KEEP-subsets whose last new subject is nearest the subsets' median (ties: all statements')."""
    x = np.asarray(vectors, dtype=np.float64)
    full = _subjects(x)
    if interview is None or len(x) < MIN_RESAMPLED:
        return full
    iv = np.asarray(interview)
    rng = np.random.default_rng(seed)
    candidates = []
    for _ in range(RESAMPLES):
        keep = np.sort(rng.choice(len(x), int(round(KEEP * len(x))), replace=False))
        candidates.append(_extended(x, keep, _subjects(x[keep])))
    target = int(np.floor(np.median([_last_start(c, iv) for c in candidates])))
    return min([full] + candidates, key=lambda c: abs(_last_start(c, iv) - target))



def _grouped(ids: list[str], file_of: dict[str, str], vectors: dict[str, np.ndarray], order: list[str],
             seed: int) -> tuple[list[set[str]], list[str]]:
    """(files of each group heard in 2+ interviews, ids of the statements in no such group)."""
    position = {f: n for n, f in enumerate(order, 1)}
    labels = statement_groups(np.stack([vectors[i] for i in ids]), [position[file_of[i]] for i in ids], seed)
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
            theme_files, one_offs = _grouped(ids, file_of, vectors, order, seed)
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
