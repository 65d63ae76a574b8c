"""User-causable state becomes one error line and an exit code, never a traceback (every command).

The root group catches what a damaged or read-only workspace raises anywhere below it: a
`WorkspaceError` (it names the file and what to do), a file that cannot be written (read-only folder,
full disk) and an invalid review.yaml (a usage error: exit 2, as the file is the user's input).
The classes are imported only once something failed: the CLI root loads no SQLite or pydantic code.
"""
from __future__ import annotations

import errno
from typing import Optional

import typer
from typer.core import TyperGroup

# errors of the file system the user can fix (permissions, read-only mount, full disk, quota)
_USER_FIXABLE = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT}


def user_error(exc: BaseException) -> Optional[tuple[str, int]]:
    """(message, exit code) for an exception the user can fix, or None for a bug (re-raised)."""
    import sqlite3

    from synth.themes.review import ReviewFileError
    from synth.workspace_state import WorkspaceError

    if isinstance(exc, WorkspaceError):
        return str(exc), 1
    if isinstance(exc, ReviewFileError):
        return str(exc), 2
    if isinstance(exc, sqlite3.DatabaseError):  # a query outside the workspace's own wrappers
        return (f"workspace database error ({exc}): restore it from a backup, or use --workspace with a "
                "new folder"), 1
    if isinstance(exc, OSError) and exc.errno in _USER_FIXABLE:
        return (f"{exc.filename or 'a file'}: cannot write ({exc.strerror}): make it writable, or choose "
                "another folder (--workspace, --out)"), 1
    return None


class SynthGroup(TyperGroup):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            known = user_error(exc)
            if known is None:
                raise
            from synth.render import err, esc

            err.print(f"[red]error[/red] {esc(known[0])}")
            raise typer.Exit(known[1]) from None
