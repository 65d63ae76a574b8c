"""The study as the web app holds it: extractions, themes after review, accounts, loaded once.

A page render must not re-read 200 extractions, so they are kept in memory and reloaded only when
the workspace changes under the app (`synth themes` in a terminal, a hand edit of review.yaml):
every request compares a cheap fingerprint (latest theme run, extraction rows, review.yaml's
mtime and size). Decisions go through `synth.themes.review_actions`, exactly as the CLI's do.
"""
from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Callable, Optional

from threadpoolctl import threadpool_limits

from synth.embed import Embedder
from synth.models import AccountRow, Evidence, Extraction, Item, Theme, ThemeSet, Transcript
from synth.themes.build import reassemble, run_embedder
from synth.themes.facts import StudyFacts
from synth.themes.review import Review, ReviewError, load_review, review_path
from synth.themes.review_actions import Change, Context, Recorded, decide, last_decision, take_back
from synth.workspace import Workspace

TRANSCRIPT_CACHE = 16


def one_blas_thread():
    """Re-ranking multiplies a few hundred small matrices (theme medoids): BLAS threads cost more in
    start-up and spinning than they save, 2-3x on a busy 2-core machine (benchmarks/bench_web.py)."""
    return threadpool_limits(1)


class Study:
    """One workspace, read for pages and written only through review decisions."""

    def __init__(self, root: Path, embedding_model: Optional[str] = None):
        self.root = Path(root)
        if not (self.root / "synth.db").exists():
            raise FileNotFoundError(f"{self.root}: no synth.db here: run `synth run PATH -w {self.root}` first")
        self.ws = Workspace(self.root)
        self.embedder = Embedder(self.ws, embedding_model)
        self._key: tuple = ()
        self._transcripts: OrderedDict[str, Transcript] = OrderedDict()
        self.refresh(force=True)

    def close(self) -> None:
        self.ws.close()

    # ------------------------------------------------------------------ loading
    def _fingerprint(self) -> tuple:
        db = self.ws.db
        run = db.execute("SELECT MAX(id) FROM theme_runs").fetchone()[0]
        ex = db.execute("SELECT COUNT(*), MAX(created_at) FROM extractions").fetchone()
        files = db.execute("SELECT COUNT(*), group_concat(hash, ',') FROM files").fetchone()
        p = review_path(self.root)
        st = p.stat() if p.exists() else None
        return run, tuple(ex), hash(files), (st.st_mtime_ns, st.st_size) if st else None

    def refresh(self, force: bool = False) -> None:
        """Reload when the workspace changed; re-apply review.yaml (it may have been edited by hand)."""
        key = self._fingerprint()
        if not force and key == self._key:
            return
        self.exs: list[Extraction] = self.ws.latest_extractions()
        self.items: dict[str, Item] = {it.id: it for e in self.exs for it in e.items()}
        # every current transcript, extracted or not (a search hit may point at one with no items)
        self.hash_of: dict[str, str] = dict(self.ws.db.execute("SELECT path, hash FROM files").fetchall())
        self.accounts: dict[str, AccountRow] = self.ws.accounts()
        # file -> account -> outcome, answered as ranking and the report answer it
        files = sorted({e.file for e in self.exs})
        self.facts = StudyFacts.build(files, self.accounts, transcripts=self.ws.transcripts(files))
        ts = self.ws.latest_themes()
        self.problem: Optional[str] = None
        if ts is not None:
            try:
                self.embedder = run_embedder(self.ws, ts, self.embedder)  # the model the run was made with
                with one_blas_thread():
                    ts = reassemble(self.ws, ts, extractions=self.exs, embedder=self.embedder)
            except ReviewError as exc:  # review.yaml broken by a hand edit: show the last themes, say why
                self.problem = f"{exc} (showing the themes as last stored; decisions are refused until it is fixed)"
        self._set_themes(ts)
        self._key = self._fingerprint()

    def _set_themes(self, ts: Optional[ThemeSet]) -> None:
        self.ts = ts
        self.themes: dict[str, Theme] = {t.id: t for t in ts.themes} if ts else {}
        self.theme_of: dict[str, str] = {i: t.id for t in self.themes.values() for i in t.item_ids}
        self.review: Review = self._load_review()
        self._last = last_decision(self.root)
        self.evidence_by_file: dict[str, list[tuple[Item, int, Evidence]]] = {}
        for it in self.items.values():
            for n, ev in enumerate(it.evidence):
                self.evidence_by_file.setdefault(ev.file, []).append((it, n, ev))

    def _load_review(self) -> Review:
        try:
            return load_review(review_path(self.root))
        except ReviewError as exc:
            self.problem = self.problem or str(exc)  # shown on every page; `record` refuses decisions meanwhile
            return Review()

    @property
    def key(self) -> tuple:
        """Changes whenever the study or review.yaml does."""
        return self._key

    @property
    def version(self) -> int:
        return self.review.version

    @property
    def files(self) -> list[str]:
        return [e.file for e in self.exs]

    def by_category(self, category: str) -> list[Theme]:
        return sorted((t for t in self.themes.values() if t.category == category), key=lambda t: (t.rank, t.id))

    def transcript(self, file: str) -> Optional[Transcript]:
        h = self.hash_of.get(file)
        if h is None:
            return None
        if h not in self._transcripts:
            t = self.ws.transcript(h)
            if t is None:
                return None
            self._transcripts[h] = t
            if len(self._transcripts) > TRANSCRIPT_CACHE:
                self._transcripts.popitem(last=False)
        self._transcripts.move_to_end(h)
        return self._transcripts[h]

    def last_decision(self) -> Optional[str]:
        """What Undo would take back (read with review.yaml, not on every page)."""
        return self._last

    # ------------------------------------------------------------------ decisions
    def decide(self, action: Callable[[Context], Change], expected_version: Optional[int]) -> Recorded:
        """Check, record (refused when `expected_version` is stale), re-rank. Raises ReviewError."""
        self.refresh()
        with one_blas_thread():
            rec, ts = decide(self.ws, action, expected_version, self.ts, self.exs, self.embedder)
        self._after(ts)
        return rec

    def undo(self, expected_version: Optional[int]) -> Recorded:
        self.refresh()
        with one_blas_thread():
            rec, ts = take_back(self.ws, expected_version, self.ts, self.exs, self.embedder)
        self._after(ts)
        return rec

    def _after(self, ts: ThemeSet) -> None:
        self.problem = None
        self._set_themes(ts)
        self._key = self._fingerprint()
