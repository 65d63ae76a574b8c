"""`hypotheses.yaml`: the team's claims, read with errors that name the file and the entry.

    - id: H1
      text: A compliance audit is what makes teams start looking
      category: trigger          # optional: pain, trigger, alternative, dmu

A mapping with a `hypotheses:` list is read the same way. It is looked for in the workspace first,
then in the folder(s) the study's transcripts were ingested from.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Optional

import yaml
from pydantic import ValidationError

from synth.models import CATEGORIES

from .model import Hypothesis

FILE_NAME = "hypotheses.yaml"
MAX_HYPOTHESES = 50
MAX_BYTES = 256 * 1024
_ID = re.compile(r"^[A-Za-z0-9_.:-]+$")


class HypothesesError(Exception):
    """A hypotheses file that cannot be used. `str(err)` is "<path>: <problem>"."""

    def __init__(self, path: Path | str, problem: str):
        self.path, self.problem = str(path), problem
        super().__init__(f"{self.path}: {problem}")


def find_hypotheses_file(workspace_root: Path, transcript_paths: Iterable[str] = ()) -> Optional[Path]:
    """WORKSPACE/hypotheses.yaml, else one beside the ingested transcripts (their folders, in order)."""
    candidates = [Path(workspace_root) / FILE_NAME]
    for p in transcript_paths:
        d = Path(p).parent
        for c in (d / FILE_NAME, d.parent / FILE_NAME):
            if c not in candidates:
                candidates.append(c)
    return next((c for c in candidates if c.is_file()), None)


def load_hypotheses(path: Path) -> list[Hypothesis]:
    """The hypotheses in `path`; HypothesesError names the file and the first problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise HypothesesError(path, f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_BYTES:
        raise HypothesesError(path, f"is {len(raw):,} bytes; a hypotheses file is at most {MAX_BYTES:,}")
    try:
        data = yaml.safe_load(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise HypothesesError(path, "is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise HypothesesError(path, f"is not valid YAML{where}") from None
    if isinstance(data, dict) and "hypotheses" in data:
        data = data["hypotheses"]
    if data is None:
        return []
    if not isinstance(data, list):
        raise HypothesesError(path, "must be a list of entries with `id` and `text` (or `hypotheses:` and such a list)")
    if len(data) > MAX_HYPOTHESES:
        raise HypothesesError(path, f"has {len(data)} hypotheses; at most {MAX_HYPOTHESES} are tested at once")
    out: list[Hypothesis] = []
    seen: set[str] = set()
    for n, entry in enumerate(data, 1):
        if isinstance(entry, str):
            entry = {"id": f"H{n}", "text": entry}
        if not isinstance(entry, dict):
            raise HypothesesError(path, f"entry {n} must be a mapping with `id` and `text`")
        unknown = sorted(set(map(str, entry)) - {"id", "text", "category"})
        if unknown:
            raise HypothesesError(path, f"entry {n}: unknown key(s) {', '.join(unknown)} (allowed: id, text, category)")
        hid = str(entry.get("id") if entry.get("id") is not None else f"H{n}").strip()
        if not _ID.match(hid):
            raise HypothesesError(path, f"entry {n}: id {hid!r} may use only letters, digits and _ . : -")
        if hid in seen:
            raise HypothesesError(path, f"entry {n}: duplicate id {hid!r}")
        cat = entry.get("category")
        if cat is not None and cat not in CATEGORIES:
            raise HypothesesError(path, f"entry {n} ({hid}): category {cat!r} is not one of {', '.join(CATEGORIES)}")
        text = " ".join(str(entry.get("text") or "").split())
        try:
            out.append(Hypothesis(id=hid, text=text, category=cat))
        except ValidationError as exc:
            e = exc.errors()[0]
            raise HypothesesError(path, f"entry {n} ({hid}): {'.'.join(map(str, e['loc']))}: {e['msg']}") from None
        seen.add(hid)
    return out
