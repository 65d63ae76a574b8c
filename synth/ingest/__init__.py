"""Transcript ingestion: files -> `Transcript` (turns with speaker, text, time, character span).

Public API: `load_transcript`, `discover`, `load_accounts`, `join_accounts`, `IngestError`, `decode`.
One reader per format: text.py (txt, md, otter), vtt.py, srt.py, jsonfmt.py.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Sequence

from ..models import Transcript
from .accounts import join_accounts, load_accounts
from .build import build_transcript
from .cues import looks_like_cue_lines, parse_cue_lines
from .encoding import decode
from .errors import IngestError
from .files import not_regular, refusal
from .jsonfmt import parse_json
from .sniff import suffixless_transcript
from .srt import looks_like_srt, parse_srt
from .text import parse_text
from .tsv import looks_like_whisper_tsv, parse_tsv
from .vtt import parse_vtt

EXTENSIONS = (".txt", ".md", ".markdown", ".vtt", ".srt", ".tsv", ".json")
MAX_BYTES = 64 * 1024 * 1024
__all__ = ["load_transcript", "discover", "load_accounts", "join_accounts", "IngestError", "decode",
           "EXTENSIONS"]


def _unsupported(path: Path) -> IngestError:
    ext = path.suffix or "(none)"
    return IngestError(path, f"unsupported extension {ext!r} (expected {', '.join(EXTENSIONS)})")


def load_transcript(path: str | Path, interviewer: Optional[Sequence[str] | str] = None, *,
                    known: Optional[Sequence[str]] = None,
                    corrections: Optional[dict[str, str]] = None) -> Transcript:
    """Read, decode and parse one transcript file. Raises IngestError naming file and problem.

    `known`: labels that interview in other files of the study; `corrections`: label -> role the
    user stored with `synth speakers` (roles.py)."""
    p = Path(path)
    ext = p.suffix.lower()
    # a file with no suffix is read only if its opening sniffs as a transcript: from the bytes read
    # here, not a read of its own before them
    sniffed = ext not in EXTENSIONS
    if sniffed and (p.suffix or p.name.startswith(".") or p.is_dir()):
        raise _unsupported(p)
    if p.is_dir():
        raise IngestError(p, "is a directory, not a transcript file")
    try:
        st = p.stat()
        if not_regular(st.st_mode):  # a FIFO would block the read forever
            raise IngestError(p, not_regular(st.st_mode))
        size = st.st_size
        if size > MAX_BYTES:
            if sniffed and not suffixless_transcript(p):
                raise _unsupported(p)
            raise IngestError(p, f"file too large ({size // (1024 * 1024)} MiB; limit {MAX_BYTES // (1024 * 1024)} MiB)")
        raw = p.read_bytes()
    except OSError as e:
        raise IngestError(p, f"cannot read file: {e.strerror or e}") from None
    if sniffed and not suffixless_transcript(p, raw):
        raise _unsupported(p)
    text, encoding = decode(raw, p)
    # by content, not suffix: captions saved as .txt/.md are still captions
    if ext == ".json":
        parsed = parse_json(text, p)
    elif ext == ".tsv" or looks_like_whisper_tsv(text):
        parsed = parse_tsv(text, p)
    elif ext == ".vtt" or (ext != ".srt" and text.lstrip().startswith("WEBVTT")):
        parsed = parse_vtt(text.lstrip() if ext != ".vtt" else text, p)
    elif ext != ".srt" and looks_like_cue_lines(text):
        parsed = parse_cue_lines(text, p)  # whisper's `[00:43.810 --> 00:47.850]  text` lines
    elif ext == ".srt" or looks_like_srt(text):
        parsed = parse_srt(text, p)
    else:
        parsed = parse_text(text, p, "md" if ext in (".md", ".markdown") else "txt")
    if ext not in (".vtt", ".srt", ".tsv", ".json") and parsed.format in ("vtt", "srt", "tsv", "cues"):
        parsed.layout = f"{parsed.format}-in-{ext.lstrip('.') or 'no-extension'}"
    if isinstance(interviewer, str):
        interviewer = [interviewer]
    return build_transcript(path, raw, encoding, parsed, interviewer, known=known or (),
                            corrections=corrections)


def _skip(name: str, folder: Path, study: Path, follow_links: bool) -> bool:
    """A suffix-less file is sniffed only where it may be read at all (files.refusal): a link out of
    the study or a FIFO is not opened to find out (skipped, like any other file that is not a transcript)."""
    low = name.lower()
    return (name.startswith(".") or low == "accounts.csv" or low.startswith("readme")
            or (Path(low).suffix not in EXTENSIONS and (refusal(folder / name, study, follow_links) is not None
                                                       or not suffixless_transcript(folder / name))))


def discover(paths: Sequence[str | Path], follow_links: bool = False) -> tuple[list[Path], list[IngestError]]:
    """Expand paths into transcript files. Directories are walked recursively (sorted; hidden
    entries, README files and accounts.csv skipped). Returns (files, errors). Links leaving the
    study folder (unless `follow_links`) and non-regular files are errors, never read (files.py)."""
    files: list[Path] = []
    errors: list[IngestError] = []
    seen: set[Path] = set()

    def add(f: Path, study: Path) -> None:
        problem = refusal(f, study, follow_links)
        if problem:
            errors.append(IngestError(f, problem))
            return
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            files.append(f)

    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found: list[Path] = []
            walked: set[Path] = set()
            for root, dirs, names in os.walk(p, followlinks=follow_links):
                walked.add(Path(root).resolve())
                dirs[:] = [d for d in dirs if not d.startswith(".") and _walk_into(Path(root) / d, p, walked,
                                                                                 follow_links, errors)]
                found += [Path(root) / n for n in names if not _skip(n, Path(root), p, follow_links)]
            if not found:
                errors.append(IngestError(p, f"no transcripts found in directory (looked for {', '.join(EXTENSIONS)})"))
            for f in sorted(found, key=lambda x: x.as_posix().lower()):
                add(f, p)
        elif p.exists() or p.is_symlink():
            if p.suffix.lower() not in EXTENSIONS and not suffixless_transcript(p):
                errors.append(_unsupported(p))
            else:
                add(p, p.parent)
        else:
            errors.append(IngestError(p, "no such file or directory"))
    return files, errors


def _walk_into(d: Path, study: Path, walked: set[Path], follow_links: bool, errors: list[IngestError]) -> bool:
    """Whether the walk enters sub-folder `d`: a linked folder leaving the study is named, not entered;
    a followed link is entered once (a link loop ends)."""
    if not d.is_symlink():
        return True
    problem = refusal(d, study, follow_links)
    if problem and "outside the study folder" in problem:
        errors.append(IngestError(d, problem))
        return False
    return follow_links and d.resolve() not in walked
