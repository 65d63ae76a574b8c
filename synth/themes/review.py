"""Reviewer decisions on themes, kept in a human-editable `review.yaml` in the workspace.

Decisions refer to stable theme ids and item ids, so they survive re-runs that add transcripts.
A decision that no longer applies (its theme or item is gone) stays in the file and is reported.
Order of application: split, merge, rename, pin, drop.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import yaml
from pydantic import BaseModel, Field, ValidationError

HEADER = """\
# synth review decisions. Edit by hand or with `synth review rename|merge|split|pin|drop ...`.
# Ids are stable across re-runs; a decision whose theme or item has gone is reported, not deleted.
"""


class Merge(BaseModel):
    into: str
    sources: list[str] = Field(alias="from")
    model_config = {"populate_by_name": True}


class Split(BaseModel):
    source: str = Field(alias="from")
    items: list[str]
    label: Optional[str] = None
    model_config = {"populate_by_name": True}


class Review(BaseModel):
    version: int = 1
    rename: dict[str, str] = Field(default_factory=dict)
    pin: list[str] = Field(default_factory=list)
    drop: list[str] = Field(default_factory=list)
    merge: list[Merge] = Field(default_factory=list)
    split: list[Split] = Field(default_factory=list)


class ReviewError(ValueError):
    pass


def review_path(ws_root: Path) -> Path:
    return Path(ws_root) / "review.yaml"


def load_review(path: Path) -> Review:
    if not path.exists():
        return Review()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Review.model_validate(data)
    except yaml.YAMLError as exc:
        raise ReviewError(f"{path}: not valid YAML: {exc}") from exc
    except ValidationError as exc:
        e = exc.errors()[0]
        raise ReviewError(f"{path}: field {'.'.join(map(str, e['loc']))}: {e['msg']}") from exc


def save_review(review: Review, path: Path) -> None:
    data = review.model_dump(by_alias=True)
    path.write_text(HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def split_id(source: str, n: int) -> str:
    return f"{source}.s{n}"


def apply_review(clusters: dict[str, list[str]], review: Review) -> tuple[dict[str, list[str]], dict[str, str],
                                                                          set[str], list[str]]:
    """Apply decisions to theme id -> member ids. Returns (clusters, labels, pinned, stale messages)."""
    out = {k: list(v) for k, v in clusters.items()}
    labels: dict[str, str] = {}
    stale: list[str] = []
    for n, sp in enumerate(review.split, start=1):
        if sp.source not in out:
            stale.append(f"split from {sp.source}: theme no longer exists")
            continue
        moving = [i for i in sp.items if i in out[sp.source]]
        missing = [i for i in sp.items if i not in out[sp.source]]
        if missing:
            stale.append(f"split from {sp.source}: items {', '.join(missing)} are no longer in it")
        if not moving:
            continue
        new_id = split_id(sp.source, n)
        out[new_id] = sorted(moving)
        out[sp.source] = [i for i in out[sp.source] if i not in moving]
        if sp.label:
            labels[new_id] = sp.label
    for m in review.merge:
        if m.into not in out:
            stale.append(f"merge into {m.into}: theme no longer exists")
            continue
        for s in m.sources:
            if s not in out:
                stale.append(f"merge {s} into {m.into}: theme {s} no longer exists")
                continue
            if s == m.into:
                continue
            out[m.into] = sorted(set(out[m.into]) | set(out.pop(s)))
    for tid, label in review.rename.items():
        if tid in out:
            labels[tid] = label
        else:
            stale.append(f"rename {tid}: theme no longer exists")
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
    return out, labels, pinned, stale


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
