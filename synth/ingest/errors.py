"""The one error type ingestion raises: it names the file and the problem."""
from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """A file (or directory) that cannot be ingested. `str(err)` is "<path>: <problem>"."""

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    @property
    def file_name(self) -> str:
        return Path(self.path).name
