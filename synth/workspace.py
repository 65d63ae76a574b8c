"""The SQLite workspace: every stage reads and writes here, so a re-run only redoes what changed.

Schema changes are numbered migrations applied in order and recorded in `schema_version`;
later stages add a migration instead of ALTERing ad hoc.

Damaged state is a `WorkspaceError` naming the file and what to do, never a sqlite traceback: a file
that is not a database, a read-only folder, the database deleted or replaced under a running command
(`check_held`: a deleted one is written back from the copy this process still holds, so no paid call
is lost). Runs that spend (extract, themes, run) hold `synth.lock` (`lock_runs`): a second run waits
for the first and then reuses its cached calls; the lock of a killed run is free (flock) and taken over.
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Callable, Iterable, Optional

import numpy as np

from synth.models import AccountRow, Extraction, ThemeSet, Transcript
from synth.workspace_state import RunLock, WorkspaceError, WorkspaceGone, connect, workspace_error

DEFAULT_WORKSPACE = Path(".synth")
LOCK_FILE = "synth.lock"

MIGRATIONS: list[tuple[int, str]] = [
    (1, """
     CREATE TABLE transcripts (
         hash TEXT PRIMARY KEY,
         file_name TEXT NOT NULL,
         path TEXT NOT NULL,
         format TEXT NOT NULL,
         encoding TEXT NOT NULL,
         data TEXT NOT NULL,
         ingested_at REAL NOT NULL
     );
     -- which version of a file is current: a changed file replaces its old version
     CREATE TABLE files (
         path TEXT PRIMARY KEY,
         hash TEXT NOT NULL REFERENCES transcripts(hash)
     );
     CREATE TABLE accounts (
         file_name TEXT PRIMARY KEY,
         data TEXT NOT NULL
     );
     """),
    (2, """
     -- one row per finished LLM call: a killed run resumes from here, never paying twice
     CREATE TABLE llm_cache (
         key TEXT PRIMARY KEY,
         model TEXT NOT NULL,
         prompt_version TEXT NOT NULL,
         response TEXT NOT NULL,
         created_at REAL NOT NULL
     );
     CREATE TABLE llm_calls (
         id INTEGER PRIMARY KEY AUTOINCREMENT,
         ts REAL NOT NULL,
         key TEXT,
         purpose TEXT NOT NULL,
         model TEXT NOT NULL,
         tokens_in INTEGER NOT NULL DEFAULT 0,
         tokens_out INTEGER NOT NULL DEFAULT 0,
         latency_s REAL NOT NULL DEFAULT 0,
         cost_usd REAL NOT NULL DEFAULT 0,
         status TEXT NOT NULL,
         error TEXT
     );
     CREATE TABLE extractions (
         transcript_hash TEXT NOT NULL,
         extractor TEXT NOT NULL,
         config_key TEXT NOT NULL,
         data TEXT NOT NULL,
         created_at REAL NOT NULL,
         PRIMARY KEY (transcript_hash, extractor, config_key)
     );
     """),
    (3, """
     CREATE TABLE embeddings (
         text_hash TEXT NOT NULL,
         model TEXT NOT NULL,
         dim INTEGER NOT NULL,
         vector BLOB NOT NULL,
         PRIMARY KEY (text_hash, model)
     );
     CREATE TABLE theme_runs (
         id INTEGER PRIMARY KEY AUTOINCREMENT,
         created_at REAL NOT NULL,
         data TEXT NOT NULL
     );
     """),
    (4, """
     -- how each endpoint takes structured requests (synth/llm/probe.py), probed once per model
     CREATE TABLE llm_modes (
         base_url TEXT NOT NULL,
         model TEXT NOT NULL,
         data TEXT NOT NULL,
         probed_at REAL NOT NULL,
         PRIMARY KEY (base_url, model)
     );
     """),
    (5, """
     -- who is speaking, as the user corrected it (`synth speakers FILE --interviewer LABEL`):
     -- applied at every later ingest of the file, whatever its bytes
     CREATE TABLE speaker_roles (
         file_name TEXT NOT NULL,
         label TEXT NOT NULL,
         role TEXT NOT NULL CHECK (role IN ('interviewer', 'interviewee')),
         set_at REAL NOT NULL,
         PRIMARY KEY (file_name, label)
     );
     """),
    (6, """
     -- a call to a hosted model that prices.yaml does not list: its cost is unknown, not $0
     ALTER TABLE llm_calls ADD COLUMN priced INTEGER NOT NULL DEFAULT 1;
     """),
]


class Workspace:
    """A folder holding `synth.db` plus human-editable files (review.yaml, icp.yaml, reports)."""

    def __init__(self, root: Path | str = DEFAULT_WORKSPACE):
        self.root = Path(root)
        self.db_path = self.root / "synth.db"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise workspace_error(self.root, e) if isinstance(e, PermissionError) else WorkspaceError(
                self.root, f"cannot create the workspace folder ({e.strerror or e})",
                "Use --workspace with a folder path") from None
        self._lock = threading.Lock()
        self._run_lock: Optional[RunLock] = None
        self._gone: Optional[WorkspaceGone] = None
        self.db = connect(self.db_path)
        try:
            self.migrate()
            self._held = self._identity()
        except (WorkspaceError, OSError) as e:
            self.db.close()
            raise e if isinstance(e, WorkspaceError) else workspace_error(self.db_path, e) from None

    # ------------------------------------------------------------------ damage and concurrency
    def _identity(self) -> tuple[int, int]:
        st = os.stat(self.db_path)
        return st.st_dev, st.st_ino

    def check_held(self) -> None:
        """Raise `WorkspaceGone` when synth.db is no longer the file this workspace opened (deleted or
        replaced under a running command). A deleted one is first written back from the connection this
        process still holds (the unlinked file stays readable), so the finished LLM calls survive."""
        if self._gone is not None:
            raise self._gone
        try:
            now: Optional[tuple[int, int]] = self._identity()
        except FileNotFoundError:
            now = None
        if now == self._held:
            return
        self._gone = self._rescue() if now is None else WorkspaceGone(
            self.db_path, "was replaced by another file while this run was using it",
            "This run stopped before its next LLM call; the calls it finished since are not in the new file")
        raise self._gone

    def _rescue(self) -> WorkspaceGone:
        if not self.root.is_dir():
            return WorkspaceGone(self.db_path, "was deleted, with its folder, while this run was using it",
                                 "This run stopped before its next LLM call")
        with self._lock:
            new = connect(self.db_path)
            self.db.backup(new)
            old, self.db = self.db, new
            old.close()
            self._held = self._identity()
            n = self.db.execute("SELECT COUNT(*) FROM llm_cache").fetchone()[0]
        return WorkspaceGone(self.db_path, "was deleted while this run was using it",
                             f"This run stopped before its next LLM call and wrote the database it held "
                             f"({n} finished LLM calls) back to {self.db_path}: run again to resume")

    def lock_runs(self, command: str, on_wait: Optional[Callable[[str], None]] = None) -> Optional[str]:
        """Hold `synth.lock` until close(), so two runs never pay for the same calls: a second run waits
        (`on_wait` gets a message) and then finds the first one's calls cached. Returns a note when the
        lock was left by a run that was killed, else None."""
        if self._run_lock is None:
            self._run_lock = RunLock(self.root / LOCK_FILE)
            return self._run_lock.acquire(command, on_wait)
        return None

    # ------------------------------------------------------------------ schema
    def migrate(self) -> int:
        with self._lock, self.db:
            self.db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = self.db.execute("SELECT MAX(version) FROM schema_version").fetchone()
            current = row[0] or 0
            for version, sql in MIGRATIONS:
                if version > current:
                    self.db.executescript(sql)
                    self.db.execute("INSERT INTO schema_version VALUES (?)", (version,))
                    current = version
        return current

    @property
    def schema_version(self) -> int:
        return self.db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]

    def close(self) -> None:
        self.db.close()
        if self._run_lock is not None:
            self._run_lock.release()
            self._run_lock = None

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ transcripts
    def put_transcript(self, t: Transcript) -> str:
        """Store a transcript; returns 'new', 'unchanged' or 'replaced'.

        Same bytes are 'unchanged' only when they also parse the same: `--interviewer` changes who
        is an interviewer without changing a byte, and the new parse must then replace the old."""
        with self._lock, self.db:
            prev = self.db.execute(
                "SELECT f.hash, t.path, t.data FROM files f LEFT JOIN transcripts t ON t.hash=f.hash "
                "WHERE f.path=?", (t.file_name,)).fetchone()
            data = t.model_dump_json()
            if prev and prev[0] == t.content_hash and (
                    prev[2] == data or prev[2] == t.model_copy(update={"path": prev[1]}).model_dump_json()):
                return "unchanged"  # the same file given by another path is still unchanged
            self.db.execute(
                "INSERT OR REPLACE INTO transcripts VALUES (?,?,?,?,?,?,?)",
                (t.content_hash, t.file_name, t.path, t.format, t.encoding, data, time.time()),
            )
            self.db.execute("INSERT OR REPLACE INTO files VALUES (?,?)", (t.file_name, t.content_hash))
            if prev and prev[0] != t.content_hash:
                # the old version is no longer current; drop it unless another file shares its bytes
                still = self.db.execute("SELECT 1 FROM files WHERE hash=?", (prev[0],)).fetchone()
                if not still:
                    self.db.execute("DELETE FROM transcripts WHERE hash=?", (prev[0],))
            if prev and prev[0] == t.content_hash:
                # extracted from the old parse (e.g. interviewer lines as evidence): extract again;
                # the LLM cache keeps unchanged chunks free
                self.db.execute("DELETE FROM extractions WHERE transcript_hash=?", (t.content_hash,))
            if prev:
                return "replaced"
            return "new"

    def transcripts(self, file_names: Optional[Iterable[str]] = None) -> list[Transcript]:
        rows = self.db.execute(
            "SELECT f.path, t.data FROM files f JOIN transcripts t ON t.hash=f.hash ORDER BY f.path"
        ).fetchall()
        wanted = set(file_names) if file_names is not None else None
        return [Transcript.model_validate_json(d) for p, d in rows if wanted is None or p in wanted]

    def transcript(self, content_hash: str) -> Optional[Transcript]:
        row = self.db.execute("SELECT data FROM transcripts WHERE hash=?", (content_hash,)).fetchone()
        return Transcript.model_validate_json(row[0]) if row else None

    def forget_files(self, keep: Iterable[str]) -> list[str]:
        """Drop files not in `keep` from the current study (their cached LLM calls stay)."""
        keep = set(keep)
        gone = [p for (p,) in self.db.execute("SELECT path FROM files") if p not in keep]
        with self._lock, self.db:
            for p in gone:
                self.db.execute("DELETE FROM files WHERE path=?", (p,))
        return gone

    # ------------------------------------------------------------------ speaker-role corrections
    def speaker_corrections(self) -> dict[str, dict[str, str]]:
        """file name -> {label: interviewer|interviewee} as the user set them."""
        out: dict[str, dict[str, str]] = {}
        for f, label, role in self.db.execute(
                "SELECT file_name, label, role FROM speaker_roles ORDER BY file_name, label"):
            out.setdefault(f, {})[label] = role
        return out

    def set_speaker_role(self, file_name: str, label: str, role: Optional[str]) -> None:
        """Store (or with role None, forget) the user's role for `label` in `file_name`."""
        with self._lock, self.db:
            if role is None:
                self.db.execute("DELETE FROM speaker_roles WHERE file_name=? AND label=?", (file_name, label))
            else:
                self.db.execute("INSERT OR REPLACE INTO speaker_roles VALUES (?,?,?,?)",
                                (file_name, label, role, time.time()))

    # ------------------------------------------------------------------ accounts
    def put_accounts(self, rows: dict[str, AccountRow]) -> None:
        with self._lock, self.db:
            self.db.execute("DELETE FROM accounts")
            self.db.executemany(
                "INSERT INTO accounts VALUES (?,?)",
                [(k, v.model_dump_json()) for k, v in sorted(rows.items())],
            )

    def accounts(self) -> dict[str, AccountRow]:
        return {k: AccountRow.model_validate_json(d)
                for k, d in self.db.execute("SELECT file_name, data FROM accounts ORDER BY file_name")}

    # ------------------------------------------------------------------ LLM cache and call log
    def cache_get(self, key: str) -> Optional[str]:
        row = self.db.execute("SELECT response FROM llm_cache WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def cache_put(self, key: str, model: str, prompt_version: str, response: str) -> None:
        # committed immediately: a kill -9 after this line loses nothing that was paid for
        with self._lock, self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO llm_cache VALUES (?,?,?,?,?)",
                (key, model, prompt_version, response, time.time()),
            )

    def llm_mode_get(self, base_url: str, model: str) -> Optional[str]:
        row = self.db.execute("SELECT data FROM llm_modes WHERE base_url=? AND model=?",
                              (base_url, model)).fetchone()
        return row[0] if row else None

    def llm_mode_put(self, base_url: str, model: str, data: str) -> None:
        with self._lock, self.db:
            self.db.execute("INSERT OR REPLACE INTO llm_modes VALUES (?,?,?,?)",
                            (base_url, model, data, time.time()))

    def log_call(self, *, key: Optional[str], purpose: str, model: str, tokens_in: int = 0,
                 tokens_out: int = 0, latency_s: float = 0.0, cost_usd: Optional[float] = 0.0,
                 status: str = "ok", error: Optional[str] = None) -> None:
        """`cost_usd=None`: the model's price is unknown (stored as 0 with `priced` = 0)."""
        with self._lock, self.db:
            self.db.execute(
                "INSERT INTO llm_calls (ts,key,purpose,model,tokens_in,tokens_out,latency_s,cost_usd,"
                "status,error,priced) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (time.time(), key, purpose, model, tokens_in, tokens_out, latency_s, cost_usd or 0.0,
                 status, error, int(cost_usd is not None)),
            )

    def call_log(self) -> list[dict]:
        cur = self.db.execute("SELECT * FROM llm_calls ORDER BY id")
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]

    # ------------------------------------------------------------------ extractions
    def put_extraction(self, e: Extraction, config_key: str) -> None:
        with self._lock, self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO extractions VALUES (?,?,?,?,?)",
                (e.transcript_hash, e.extractor, config_key, e.model_dump_json(), time.time()),
            )

    def has_extractions(self) -> bool:
        """Whether any current file has an extraction (without loading them)."""
        return self.db.execute("SELECT 1 FROM files f JOIN extractions e ON e.transcript_hash=f.hash "
                               "LIMIT 1").fetchone() is not None

    def redaction_requested(self) -> bool:
        """Whether a current file was extracted with `--redact`: every later LLM call on the study
        (theme labels, hypotheses, the ICP narrative) then redacts what it sends too."""
        return self.db.execute("SELECT 1 FROM files f JOIN extractions e ON e.transcript_hash=f.hash "
                               "WHERE e.config_key LIKE '%|redact=True%' LIMIT 1").fetchone() is not None

    def latest_extractions(self) -> list[Extraction]:
        """The newest extraction of every current file, in file order."""
        rows = self.db.execute(
            """SELECT f.path, e.data FROM files f JOIN extractions e ON e.transcript_hash=f.hash
               ORDER BY f.path, e.created_at"""
        ).fetchall()
        latest: dict[str, str] = {}
        for path, data in rows:
            latest[path] = data
        return [Extraction.model_validate_json(d) for _, d in sorted(latest.items())]

    # ------------------------------------------------------------------ embeddings
    def get_vectors(self, text_hashes: list[str], model: str) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(text_hashes), 500):
            batch = text_hashes[i:i + 500]
            q = ",".join("?" * len(batch))
            for h, dim, blob in self.db.execute(
                f"SELECT text_hash, dim, vector FROM embeddings WHERE model=? AND text_hash IN ({q})",
                (model, *batch),
            ):
                out[h] = np.frombuffer(blob, dtype=np.float32, count=dim)
        return out

    def put_vectors(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        with self._lock, self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?,?,?,?)",
                [(h, model, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes())
                 for h, v in vectors.items()],
            )

    # ------------------------------------------------------------------ themes
    def put_themes(self, ts: ThemeSet) -> None:
        with self._lock, self.db:
            self.db.execute("INSERT INTO theme_runs (created_at, data) VALUES (?,?)",
                            (time.time(), ts.model_dump_json()))

    def latest_themes(self) -> Optional[ThemeSet]:
        row = self.db.execute("SELECT data FROM theme_runs ORDER BY id DESC LIMIT 1").fetchone()
        return ThemeSet.model_validate_json(row[0]) if row else None
