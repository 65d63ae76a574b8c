"""Reviewer decisions on themes, kept in a human-editable `review.yaml` in the workspace.

Decisions refer to stable theme ids and item ids, so they survive re-runs that add transcripts.
A decision that no longer applies (its theme or item is gone) stays in the file and is reported.

Structural decisions (split, merge, move) are applied in the order they were made: each carries
`at`, the file version that recorded it, so "move two items into B, then split them off B" and
"merge A into B, then split A's items off B" both mean what the reviewer saw. Entries written by
hand without `at` come first, in the order split, merge, move. Then rejects (the item leaves every
theme and every count), renames, definitions, pins and drops.

`version` is bumped by every recorded decision (see `synth.themes.review_actions`): a writer that
read an older version is refused instead of silently overwriting a decision made in another tab.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple, Optional

import yaml
from pydantic import BaseModel, Field, ValidationError

HEADER = """\
# synth review decisions. Edit by hand or with `synth review rename|define|merge|split|move|reject|pin|drop|undo`
# or in the browser (`synth review --web`). Ids are stable across re-runs; a decision whose theme or item
# has gone is reported, not deleted. `version` counts decisions; `at` says which decision came when.
"""


class Merge(BaseModel):
    into: str
    sources: list[str] = Field(alias="from")
    at: Optional[int] = Field(None, description="version that recorded it; orders structural decisions")
    model_config = {"populate_by_name": True}


class Split(BaseModel):
    source: str = Field(alias="from")
    items: list[str]
    label: Optional[str] = None
    at: Optional[int] = None
    model_config = {"populate_by_name": True}


class Move(BaseModel):
    """Items taken out of whichever theme holds them and put into `to` (same category)."""

    items: list[str]
    to: str
    at: Optional[int] = None


class Review(BaseModel):
    version: int = Field(1, description="bumped by every recorded decision")
    rename: dict[str, str] = Field(default_factory=dict)
    define: dict[str, str] = Field(default_factory=dict, description="theme id -> definition")
    pin: list[str] = Field(default_factory=list)
    drop: list[str] = Field(default_factory=list)
    merge: list[Merge] = Field(default_factory=list)
    split: list[Split] = Field(default_factory=list)
    move: list[Move] = Field(default_factory=list)
    reject: dict[str, str] = Field(default_factory=dict,
                                   description="item id -> why (e.g. 'not a pain'); it leaves themes and counts")


class ReviewError(ValueError):
    pass


class ReviewFileError(ReviewError):
    """review.yaml itself cannot be read (not UTF-8, not YAML, wrong fields): names the file and line."""


def review_path(ws_root: Path) -> Path:
    return Path(ws_root) / "review.yaml"


def load_review(path: Path) -> Review:
    if not path.exists():
        return Review()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReviewFileError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ReviewFileError(f"{path}: line {line}: not UTF-8 (byte 0x{raw[exc.start]:02x}): save the file "
                              "as UTF-8") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ReviewFileError(f"{path}: {where}not valid YAML ({what})") from None
    if data is None:
        return Review()
    if not isinstance(data, dict):
        raise ReviewFileError(f"{path}: line 1: expected decisions (rename:, merge:, pin: ...), "
                              f"found a {type(data).__name__}")
    try:
        return Review.model_validate(data)
    except ValidationError as exc:
        e = exc.errors()[0]
        raise ReviewFileError(f"{path}: field {'.'.join(map(str, e['loc']))}: {e['msg']}") from None


def review_data(review: Review) -> dict:
    """The YAML document: empty `at`/`label` left out, so a hand-written file stays as short."""
    return review.model_dump(by_alias=True, exclude_none=True)


def save_review(review: Review, path: Path) -> None:
    """Written through a temporary file: a reader (the CLI, another tab) never sees half a file."""
    text = HEADER + yaml.safe_dump(review_data(review), sort_keys=False, allow_unicode=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def split_id(source: str, n: int) -> str:
    return f"{source}.s{n}"


class Applied(NamedTuple):
    clusters: dict[str, list[str]]
    labels: dict[str, str]
    definitions: dict[str, str]
    pinned: set[str]
    rejected: set[str]
    stale: list[str]


def _structural(review: Review) -> list[tuple[int, int, int, object]]:
    """(at, kind order, index, decision), sorted: the order the reviewer made them in."""
    ops = [(s.at or 0, 0, n, s) for n, s in enumerate(review.split, start=1)]
    ops += [(m.at or 0, 1, n, m) for n, m in enumerate(review.merge, start=1)]
    ops += [(m.at or 0, 2, n, m) for n, m in enumerate(review.move, start=1)]
    return sorted(ops, key=lambda o: o[:3])


def apply_review(clusters: dict[str, list[str]], review: Review) -> Applied:
    """Apply decisions to theme id -> member ids."""
    out = {k: list(v) for k, v in clusters.items()}
    labels: dict[str, str] = {}
    stale: list[str] = []
    for _, _, n, op in _structural(review):
        if isinstance(op, Split):
            _split(out, op, n, labels, stale)
        elif isinstance(op, Merge):
            _merge(out, op, stale)
        elif isinstance(op, Move):
            _move(out, op, stale)
    rejected = set(review.reject)
    if rejected:
        out = {k: [i for i in v if i not in rejected] for k, v in out.items()}
    for tid, label in review.rename.items():
        if tid in out:
            labels[tid] = label
        else:
            stale.append(f"rename {tid}: theme no longer exists")
    definitions = {}
    for tid, text in review.define.items():
        if tid in out:
            definitions[tid] = text
        else:
            stale.append(f"define {tid}: theme no longer exists")
    pinned = set()
    for tid in review.pin:
        if tid in out:
            pinned.add(tid)
        else:
            stale.append(f"pin {tid}: theme no longer exists")
    for tid in review.drop:
        if tid in out:
            del out[tid]
        else:
            stale.append(f"drop {tid}: theme no longer exists")
    out = {k: v for k, v in out.items() if v}
    return Applied(out, labels, definitions, pinned, rejected, stale)


def _split(out: dict[str, list[str]], sp: Split, n: int, labels: dict[str, str], stale: list[str]) -> None:
    if sp.source not in out:
        stale.append(f"split from {sp.source}: theme no longer exists")
        return
    moving = [i for i in sp.items if i in out[sp.source]]
    missing = [i for i in sp.items if i not in out[sp.source]]
    if missing:
        stale.append(f"split from {sp.source}: items {', '.join(missing)} are no longer in it")
    if not moving:
        return
    new_id = split_id(sp.source, n)
    out[new_id] = sorted(moving)
    out[sp.source] = [i for i in out[sp.source] if i not in moving]
    if sp.label:
        labels[new_id] = sp.label


def _merge(out: dict[str, list[str]], m: Merge, stale: list[str]) -> None:
    if m.into not in out:
        stale.append(f"merge into {m.into}: theme no longer exists")
        return
    for s in m.sources:
        if s not in out:
            stale.append(f"merge {s} into {m.into}: theme {s} no longer exists")
            continue
        if s == m.into:
            continue
        out[m.into] = sorted(set(out[m.into]) | set(out.pop(s)))


def _move(out: dict[str, list[str]], mv: Move, stale: list[str]) -> None:
    if mv.to not in out:
        stale.append(f"move to {mv.to}: theme no longer exists")
        return
    holder = {i: k for k, v in out.items() for i in v}
    missing = [i for i in mv.items if i not in holder]
    if missing:
        stale.append(f"move to {mv.to}: items {', '.join(missing)} are in no theme")
    moving = {i for i in mv.items if i in holder and holder[i] != mv.to}
    for k in {holder[i] for i in moving}:
        out[k] = [i for i in out[k] if i not in moving]
    out[mv.to] = sorted(set(out[mv.to]) | moving)


def match_ids(new_clusters: list[list[str]], previous: dict[str, list[str]], category: str,
              next_id: dict[str, int]) -> dict[str, list[str]]:
    """Give each new cluster the id of the earlier theme it overlaps most, else a fresh id.

    Greedy by overlap size, so a cluster that grew when a transcript was added keeps its id.
    Only base ids (not reviewer splits) are matched: splits are re-derived from review.yaml.
    """
    prev = {k: set(v) for k, v in previous.items() if k.startswith(f"{category}-") and ".s" not in k}
    pairs = []
    for ni, members in enumerate(new_clusters):
        s = set(members)
        for pid, pm in prev.items():
            inter = len(s & pm)
            if inter and inter / min(len(s), len(pm)) >= 0.5:
                pairs.append((-inter, -inter / len(s | pm), pid, ni))
    pairs.sort()
    taken_new, taken_prev, out = set(), set(), {}
    for _, _, pid, ni in pairs:
        if ni in taken_new or pid in taken_prev:
            continue
        out[pid] = sorted(new_clusters[ni])
        taken_new.add(ni)
        taken_prev.add(pid)
    n = next_id.get(category, 1)
    for pid in prev:
        n = max(n, int(pid.split("-")[1]) + 1)
    for ni, members in enumerate(new_clusters):
        if ni not in taken_new:
            out[f"{category}-{n}"] = sorted(members)
            n += 1
    next_id[category] = n
    return out
