"""The ingest stage over a study: every file under the given paths into the workspace, with a report.

One bad file gets a message naming it and the problem; the rest of the study goes on.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Optional

from pydantic import BaseModel, Field

from synth.ingest import IngestError, discover, join_accounts, load_accounts, load_transcript
from synth.ingest.files import refusal
from synth.ingest.label_words import role_of
from synth.ingest.roles import is_mixed_label
from synth.models import AccountRow, Transcript
from synth.workspace import Workspace

Progress = Callable[[str, int], None]
_GENERIC = re.compile(r"^(?:speaker|spk|person|participant|guest|user)[ _-]?\w{0,3}$", re.I)


class FileReport(BaseModel):
    file: str
    path: str
    status: str = Field(description="new, unchanged, replaced or failed")
    format: Optional[str] = None
    encoding: Optional[str] = None
    speakers: list[str] = Field(default_factory=list)
    interviewee: Optional[str] = None
    interviewers: list[str] = Field(default_factory=list)
    interviewer_source: Optional[str] = None
    turns: int = 0
    words: int = 0
    duration_s: Optional[float] = None
    warnings: list[str] = Field(default_factory=list)
    error: Optional[str] = None


class IngestReport(BaseModel):
    files: list[FileReport] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list, description="problems not tied to one transcript")
    account_warnings: list[str] = Field(default_factory=list)
    accounts_file: Optional[str] = None

    @property
    def failed(self) -> int:
        return sum(1 for f in self.files if f.status == "failed") + len(self.errors)

    @property
    def transcripts_ok(self) -> list[str]:
        return [f.file for f in self.files if f.status != "failed"]


def _accounts_files(paths: list[Path]) -> list[Path]:
    out = []
    for p in paths:
        cand = p / "accounts.csv" if p.is_dir() else p.parent / "accounts.csv"
        if (cand.exists() or cand.is_symlink()) and cand not in out:
            out.append(cand)
    return out


def config_interviewers(paths: list[Path]) -> list[str]:
    """`interviewers:` from synth.yaml in the working folder or a study folder given."""
    import yaml

    names: list[str] = []
    for folder in [Path("."), *(p for p in paths if p.is_dir())]:
        for name in ("synth.yaml", "synth.yml"):
            f = folder / name
            if not f.is_file():
                continue
            try:
                data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
            except (OSError, yaml.YAMLError, UnicodeDecodeError):
                continue  # the LLM config reader reports a broken synth.yaml
            value = data.get("interviewers") if isinstance(data, dict) else None
            if isinstance(value, str):
                value = [value]
            names += [str(v) for v in value or [] if str(v).strip() and str(v) not in names]
    return names


def _study_interviewers(loaded: list[Transcript]) -> set[str]:
    """Labels that interview, surely, in some file: the same person asks in the study's other files.
    Generic labels (`Speaker 1`, `Unknown Speaker`, `I`) name different people in different files."""
    out: set[str] = set()
    for t in loaded:
        if t.role_confidence < 0.8 or t.interviewer_source in ("none", "study"):
            continue
        out |= {s for s in t.interviewers if not is_mixed_label(s) and not role_of(s) and not _GENERIC.match(s)}
    return out


def _keep_checked_roles(workspace: Workspace, t: Transcript) -> Transcript:
    """Roles the LLM check settled for these same bytes (synth/extract/roles_llm.py) stay, unless the
    user now says otherwise: re-reading the file must not undo a paid-for answer."""
    if t.interviewer_source not in ("heuristic", "none", "study"):
        return t
    old = workspace.transcript(t.content_hash)
    if old is None or old.interviewer_source != "llm" or [u.speaker for u in old.turns] != [u.speaker for u in t.turns]:
        return t
    # the side and the guard both: a turn the check decided is evidence again, as the check left it
    turns = [u.model_copy(update={"is_interviewer": o.is_interviewer, "role_guessed": o.role_guessed})
             for u, o in zip(t.turns, old.turns)]
    return t.model_copy(update={"turns": turns, "speaker_roles": old.speaker_roles, "interviewers": old.interviewers,
                                "interviewer_source": "llm", "role_confidence": old.role_confidence,
                                "warnings": old.warnings})


def _read(f: Path, interviewer, corrections, known=None) -> Transcript:
    return load_transcript(f, interviewer=interviewer, corrections=corrections.get(f.name), known=known)


def ingest_study(paths: list[Path], workspace: Workspace, interviewer: Optional[list[str]] = None,
           accounts_csv: Optional[Path] = None, progress: Optional[Progress] = None,
           replace_study: bool = True, follow_links: bool = False) -> IngestReport:
    """Parse every transcript under `paths` into the workspace; bad files are reported, not fatal.

    Roles: `--interviewer` names and synth.yaml `interviewers:`, the user's stored corrections, then
    a second look at unsure files with the labels that interview elsewhere in the study."""
    report = IngestReport()
    files, errors = discover(paths, follow_links)
    report.errors = [str(e) for e in errors]
    names = list(dict.fromkeys([*(interviewer or []), *config_interviewers(paths)])) or None
    corrections = workspace.speaker_corrections()
    parsed: list[tuple[Path, Transcript | str]] = []
    for f in files:
        try:
            parsed.append((f, _read(f, names, corrections)))
        except IngestError as exc:
            parsed.append((f, str(exc)))
        except Exception as exc:  # noqa: BLE001 - a reader bug on one file must not stop the study
            parsed.append((f, f"{f}: unexpected {type(exc).__name__}: {exc}"))
        if progress:
            progress("files", 1)
    known = _study_interviewers([t for _, t in parsed if isinstance(t, Transcript)])
    loaded: list[Transcript] = []
    for f, t in parsed:
        if isinstance(t, Transcript) and known and t.role_confidence < 0.8 and known & set(t.speakers):
            t = _read(f, names, corrections, sorted(known))
        if isinstance(t, str):
            report.files.append(FileReport(file=f.name, path=str(f), status="failed", error=t))
            continue
        t = _keep_checked_roles(workspace, t)
        status = workspace.put_transcript(t)
        loaded.append(t)
        report.files.append(FileReport(
            file=t.file_name, path=str(f), status=status, format=t.format, encoding=t.encoding,
            speakers=t.speakers, interviewee=t.interviewee, interviewers=t.interviewers,
            interviewer_source=t.interviewer_source, turns=len(t.turns), words=t.word_count,
            duration_s=t.duration, warnings=list(t.warnings)))
    if replace_study and loaded:
        workspace.forget_files([t.file_name for t in loaded])
    sidecars = [accounts_csv] if accounts_csv else _accounts_files(paths)
    rows: list[AccountRow] = []
    for sc in sidecars:
        problem = refusal(sc, sc.parent, follow_links)  # a FIFO or a link out: the same rule as transcripts
        if problem:
            report.errors.append(str(IngestError(sc, problem)))
            continue
        try:
            r, warns = load_accounts(sc)
            rows.extend(r)
            report.account_warnings.extend(warns)
            report.accounts_file = str(sc)
        except IngestError as exc:
            report.errors.append(str(exc))
    if rows:
        joined, warns = join_accounts(loaded, rows)
        report.account_warnings.extend(warns)
        workspace.put_accounts(joined)
    return report
