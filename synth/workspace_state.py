"""How the workspace fails and who may write it: errors a user can act on, and the run lock.

`connect` opens synth.db with every sqlite error turned into a `WorkspaceError` that names the file
and says what to do (restore a damaged file, make a read-only folder writable, or use another
--workspace). `RunLock` is `synth.lock`: an flock the kernel drops when its process dies, so the lock
of a killed run is never stale; the holder's pid is written in the file and emptied on a clean exit.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Callable, Optional

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no run lock
    fcntl = None  # type: ignore[assignment]


class WorkspaceError(Exception):
    """The workspace cannot be used as it is. `str(err)` is "<path>: <problem>. <what to do>"."""

    def __init__(self, path: str | Path, problem: str, hint: str = ""):
        self.path, self.problem, self.hint = str(path), problem, hint
        super().__init__(f"{path}: {problem}" + (f". {hint}" if hint else ""))


class WorkspaceGone(WorkspaceError):
    """synth.db was deleted or replaced while this process was using it."""


_DAMAGED = ("file is not a database", "malformed", "file is encrypted", "not a database")
_READ_ONLY = ("readonly", "read-only", "unable to open database file", "attempt to write")


def workspace_error(path: Path, exc: BaseException) -> WorkspaceError:
    """A sqlite or OS error on the workspace database as a message a user can act on."""
    msg = str(exc)
    if isinstance(exc, sqlite3.DatabaseError) and any(k in msg for k in _DAMAGED):
        return WorkspaceError(path, f"the workspace database is damaged ({msg})",
                              "Restore it from a backup, or use --workspace with a new folder and ingest again")
    if isinstance(exc, PermissionError) or any(k in msg for k in _READ_ONLY):
        why = getattr(exc, "strerror", None) or msg
        return WorkspaceError(path, f"cannot write the workspace ({why})",
                              "Make the folder and synth.db writable, or use --workspace with a writable folder")
    if "locked" in msg or "busy" in msg:
        return WorkspaceError(path, f"the workspace database is busy ({msg})",
                              "Another program holds it: wait for it to finish, then run again")
    return WorkspaceError(path, f"workspace database error ({msg})")


class _Db(sqlite3.Connection):
    """A connection whose errors name the workspace file (`workspace_error`) instead of a traceback."""

    db_path: Path

    def execute(self, *args):  # type: ignore[override]
        try:
            return super().execute(*args)
        except sqlite3.DatabaseError as e:
            raise workspace_error(self.db_path, e) from None

    def executemany(self, *args):  # type: ignore[override]
        try:
            return super().executemany(*args)
        except sqlite3.DatabaseError as e:
            raise workspace_error(self.db_path, e) from None

    def executescript(self, *args):  # type: ignore[override]
        try:
            return super().executescript(*args)
        except sqlite3.DatabaseError as e:
            raise workspace_error(self.db_path, e) from None

    def __exit__(self, *exc):
        try:
            return super().__exit__(*exc)
        except sqlite3.DatabaseError as e:
            raise workspace_error(self.db_path, e) from None


def connect(db_path: Path) -> sqlite3.Connection:
    try:
        # check_same_thread=False: the async extractor writes from worker threads under _lock
        db = sqlite3.connect(db_path, check_same_thread=False, timeout=30, factory=_Db)
    except sqlite3.DatabaseError as e:
        raise workspace_error(db_path, e) from None
    db.db_path = db_path
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    except WorkspaceError:
        db.close()
        raise
    return db


class RunLock:
    def __init__(self, path: Path):
        self.path = path
        self.fd: Optional[int] = None

    def acquire(self, command: str, on_wait: Optional[Callable[[str], None]] = None) -> Optional[str]:
        """Take the lock, waiting for a live holder (`on_wait` is told who it is). Returns a note when
        the previous holder died without releasing it (its pid is still in the file), else None."""
        if fcntl is None:
            return None
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise workspace_error(self.path, e) from None
        note = None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            left = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
            if left:  # a clean exit empties the file: this holder was killed
                note = f"{self.path}: took over the lock of a run that stopped without releasing it ({left})"
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            if on_wait:
                on_wait(f"{self.path.parent} is in use by another synth run ({holder}): waiting for it to "
                        "finish; the LLM calls it finishes are reused, not paid again")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, synth {command}".encode(), 0)
        self.fd = fd
        return note

    def release(self) -> None:
        if self.fd is not None:
            try:
                os.ftruncate(self.fd, 0)  # empty = released cleanly
            except OSError:
                pass
            os.close(self.fd)  # closing drops the flock
            self.fd = None
