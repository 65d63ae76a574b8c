"""Recording reviewer decisions: one function per action, shared by `synth review ...` and the browser.

Each action checks itself against the themes as the reviewer sees them (`Context`), then `record`
writes it to review.yaml under a file lock, bumping `version`. A caller that passes the version it
read (the web app does, from the page) is refused with `StaleReview` when someone else wrote in
between, so two tabs cannot silently lose a decision. Every recorded decision keeps the document it
replaced in `.review-undo.json`, which is what `undo` restores.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import Callable, Iterator, Optional

from pydantic import BaseModel

from synth.embed import Embedder
from synth.models import Extraction, ThemeSet
from synth.themes.build import reassemble
from synth.themes.review import (
    Merge,
    Move,
    Review,
    ReviewError,
    Split,
    load_review,
    review_data,
    review_path,
    save_review,
)
from synth.workspace import Workspace

UNDO_FILE = ".review-undo.json"
UNDO_DEPTH = 200
MAX_TEXT = 500
Change = Callable[[Review, int], str]
TOGGLED = {("pin", True): "pinned", ("pin", False): "unpinned", ("drop", True): "dropped",
           ("drop", False): "restored"}


class StaleReview(ReviewError):
    """The decision was made on an older version of review.yaml; nothing was saved."""


class Recorded(BaseModel):
    message: str
    version: int


class Context:
    """The current themes (after review) and every item's category: what a decision is checked against."""

    def __init__(self, ts: Optional[ThemeSet], categories: dict[str, str]):
        self.themes = {t.id: t for t in ts.themes} if ts else {}
        self.raw = set(ts.raw_clusters) if ts else set()
        self.categories = categories
        self.holder = {i: t.id for t in self.themes.values() for i in t.item_ids}

    def theme(self, tid: str):
        th = self.themes.get(tid)
        if th is None:
            known = ", ".join(sorted(self.themes)) or "none"
            raise ReviewError(f"unknown theme id {tid}; current themes: {known}")
        return th

    def items(self, ids: list[str]) -> list[str]:
        ids = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
        if not ids:
            raise ReviewError("select at least one item")
        unknown = [i for i in ids if i not in self.categories]
        if unknown:
            raise ReviewError(f"unknown item id(s) {', '.join(unknown)}")
        return ids


def _text(value: str, what: str) -> str:
    value = " ".join((value or "").split())
    if len(value) > MAX_TEXT:
        raise ReviewError(f"{what} is {len(value)} characters; keep it under {MAX_TEXT}")
    return value


# ------------------------------------------------------------------ actions (each returns a Change)

def rename(ctx: Context, theme_id: str, label: str) -> Change:
    ctx.theme(theme_id)
    label = _text(label, "label")
    if not label:
        raise ReviewError("a label cannot be empty")

    def change(rv: Review, at: int) -> str:
        rv.rename[theme_id] = label
        return f"renamed {theme_id} to {label!r}"
    return change


def define(ctx: Context, theme_id: str, text: str) -> Change:
    ctx.theme(theme_id)
    text = _text(text, "definition")

    def change(rv: Review, at: int) -> str:
        if text:
            rv.define[theme_id] = text
            return f"defined {theme_id}"
        rv.define.pop(theme_id, None)
        return f"cleared the definition of {theme_id}"
    return change


def merge(ctx: Context, into: str, sources: list[str]) -> Change:
    target = ctx.theme(into)
    sources = [s for s in dict.fromkeys(sources) if s != into]
    if not sources:
        raise ReviewError(f"pick at least one other theme to merge into {into}")
    for s in sources:
        if ctx.theme(s).category != target.category:
            raise ReviewError(f"cannot merge {s} ({ctx.theme(s).category}) into {into} ({target.category})")

    def change(rv: Review, at: int) -> str:
        rv.merge.append(Merge(into=into, sources=sources, at=at))
        return f"merged {', '.join(sources)} into {into}"
    return change


def split(ctx: Context, theme_id: str, items: list[str], label: Optional[str] = None) -> Change:
    th = ctx.theme(theme_id)
    items = ctx.items(items)
    outside = [i for i in items if i not in th.item_ids]
    if outside:
        raise ReviewError(f"item(s) {', '.join(outside)} are not in {theme_id}")
    if len(items) == len(th.item_ids):
        raise ReviewError(f"that is every item of {theme_id}: rename it instead of splitting it")
    label = _text(label or "", "label") or None

    def change(rv: Review, at: int) -> str:
        rv.split.append(Split(source=theme_id, items=items, label=label, at=at))
        return f"split {len(items)} item(s) off {theme_id}"
    return change


def move(ctx: Context, items: list[str], to: str) -> Change:
    target = ctx.theme(to)
    items = ctx.items(items)
    wrong = [i for i in items if ctx.categories[i] != target.category]
    if wrong:
        raise ReviewError(f"item(s) {', '.join(wrong)} are not {target.category} items: cannot move them to {to}")
    homeless = [i for i in items if i not in ctx.holder]
    if homeless:
        raise ReviewError(f"item(s) {', '.join(homeless)} are in no theme")
    items = [i for i in items if ctx.holder[i] != to]
    if not items:
        raise ReviewError(f"the selected items are already in {to}")

    def change(rv: Review, at: int) -> str:
        rv.move.append(Move(items=items, to=to, at=at))
        return f"moved {len(items)} item(s) to {to}"
    return change


def reject(ctx: Context, items: list[str], reason: Optional[str] = None) -> Change:
    items = ctx.items(items)

    def change(rv: Review, at: int) -> str:
        for i in items:
            rv.reject[i] = _text(reason or "", "reason") or f"not a {ctx.categories[i]}"
        return f"rejected {len(items)} item(s): {', '.join(items)}"
    return change


def toggle(ctx: Context, field: str, theme_id: str, on: bool) -> Change:
    """pin / unpin, drop / undrop. A dropped theme is not current, so undrop checks the file instead."""
    if field not in ("pin", "drop"):
        raise ValueError(field)
    if not (field == "drop" and not on):
        ctx.theme(theme_id)

    def change(rv: Review, at: int) -> str:
        lst: list[str] = getattr(rv, field)
        if on and theme_id not in lst:
            lst.append(theme_id)
        elif not on:
            if theme_id not in lst:
                raise ReviewError(f"{theme_id} is not {'pinned' if field == 'pin' else 'dropped'}")
            lst.remove(theme_id)
        return f"{TOGGLED[field, on]} {theme_id}"
    return change


# ------------------------------------------------------------------ recording, undo

@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One writer at a time (the CLI and the web app may write at once). POSIX only; elsewhere a no-op."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(path.with_name(".review.lock"), "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _fingerprint(rv: Review) -> str:
    data = review_data(rv)
    data.pop("version", None)
    return hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _history(root: Path) -> list[dict]:
    p = Path(root) / UNDO_FILE
    try:
        return json.loads(p.read_text(encoding="utf-8")) if p.exists() else []
    except ValueError:
        return []  # a damaged undo file costs the undo history, never a decision


def _save_history(root: Path, hist: list[dict]) -> None:
    p = Path(root) / UNDO_FILE
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(json.dumps(hist[-UNDO_DEPTH:], ensure_ascii=False), encoding="utf-8")
    tmp.replace(p)


def _check(rv: Review, expected: Optional[int], path: Path) -> None:
    if expected is not None and expected != rv.version:
        raise StaleReview(f"{path.name} is at version {rv.version} but this page showed version {expected}: "
                          "a decision was made elsewhere (another tab or the command line). Nothing was saved; "
                          "the page shows the current state now.")


def record(root: Path, change: Change, expected_version: Optional[int] = None) -> Recorded:
    """Apply `change` to review.yaml as one new version (refused if `expected_version` is not current)."""
    path = review_path(root)
    with _locked(path):
        rv = load_review(path)
        _check(rv, expected_version, path)
        before = review_data(rv)
        msg = change(rv, rv.version + 1)
        rv.version += 1
        hist = _history(root)
        hist.append({"message": msg, "version": rv.version, "before": before, "after": _fingerprint(rv)})
        save_review(rv, path)
        _save_history(root, hist)
    return Recorded(message=msg, version=rv.version)


def last_decision(root: Path) -> Optional[str]:
    """What `undo` would take back, if it can."""
    hist = _history(root)
    if not hist:
        return None
    try:
        rv = load_review(review_path(root))
    except ReviewError:
        return None
    return hist[-1]["message"] if _fingerprint(rv) == hist[-1]["after"] else None


def undo(root: Path, expected_version: Optional[int] = None) -> Recorded:
    """Restore review.yaml as it was before the last recorded decision (as a new version)."""
    path = review_path(root)
    with _locked(path):
        rv = load_review(path)
        _check(rv, expected_version, path)
        hist = _history(root)
        if not hist:
            raise ReviewError("nothing to undo")
        top = hist[-1]
        if _fingerprint(rv) != top["after"]:
            raise ReviewError(f"{path.name} was edited by hand after the last decision ({top['message']}); "
                              "undo refused: edit the file instead")
        restored = Review.model_validate(top["before"])
        restored.version = rv.version + 1
        save_review(restored, path)
        _save_history(root, hist[:-1])
    return Recorded(message=f"undid: {top['message']}", version=restored.version)


# ------------------------------------------------------------------ decide = check + record + re-rank

def decide(ws: Workspace, action: Callable[[Context], Change], expected_version: Optional[int] = None,
           ts: Optional[ThemeSet] = None, extractions: Optional[list[Extraction]] = None,
           embedder: Optional[Embedder] = None) -> tuple[Recorded, ThemeSet]:
    """What every `synth review` command and every browser action does: check the decision against
    the current themes, record it, re-apply review.yaml to the stored clusters (no re-clustering),
    rank, and store the new theme set. `ts`, `extractions`, `embedder`: the caller's cached copies."""
    exs = extractions if extractions is not None else ws.latest_extractions()
    ts = ts if ts is not None else ws.latest_themes()
    if ts is None:
        raise ReviewError("no themes yet: run `synth themes` first")
    ctx = Context(ts, {it.id: it.category for e in exs for it in e.items()})
    rec = record(ws.root, action(ctx), expected_version)
    new = reassemble(ws, ts, extractions=exs, embedder=embedder)
    return rec, new


def take_back(ws: Workspace, expected_version: Optional[int] = None, ts: Optional[ThemeSet] = None,
              extractions: Optional[list[Extraction]] = None,
              embedder: Optional[Embedder] = None) -> tuple[Recorded, ThemeSet]:
    """Undo the last decision, then re-rank like `decide`."""
    ts = ts if ts is not None else ws.latest_themes()
    if ts is None:
        raise ReviewError("no themes yet: run `synth themes` first")
    rec = undo(ws.root, expected_version)
    new = reassemble(ws, ts, extractions=extractions, embedder=embedder)
    return rec, new
