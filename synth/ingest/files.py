"""Which files of a study folder may be read: regular files, and links that stay inside the folder.

A symbolic link can point anywhere (`ln -s /etc/shadow d/shadow.txt`), and whatever ingest reads is
sent to the LLM by the next extract, so a link whose target leaves the study folder is not followed
unless the user asks for it (`--follow-links`). A FIFO, socket or device is never read: opening a
FIFO blocks until someone writes to it, so ingest would hang forever.
"""
from __future__ import annotations

import stat
from pathlib import Path
from typing import Optional

_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device", stat.S_IFDIR: "a directory"}


def not_regular(mode: int) -> Optional[str]:
    """'not a regular file (a FIFO)' for anything but a regular file, else None."""
    if stat.S_ISREG(mode):
        return None
    return f"not a regular file ({_KINDS.get(stat.S_IFMT(mode), 'special')}): not read"


def refusal(path: Path, study: Path, follow_links: bool = False) -> Optional[str]:
    """Why `path` (found in, or named beside, the folder `study`) is not read, or None when it may be."""
    try:
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode):
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                return "broken symbolic link: not read"
            if not follow_links and not target.is_relative_to(study.resolve()):
                return (f"symbolic link to {target}, outside the study folder: not followed "
                        "(--follow-links reads it)")
            st = target.stat()
    except OSError as e:
        return f"cannot read file: {e.strerror or e}"
    return not_regular(st.st_mode)
