"""The pipeline, top to bottom: ingest -> extract -> embed + cluster + label + rank -> ICP -> score.

Every stage reads and writes the workspace, so each can run alone from the CLI and a new transcript
re-runs only what it changes (ingest by content hash, LLM calls by chunk hash, embeddings by text hash).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from pydantic import BaseModel, Field

from synth.models import AccountRow, Transcript
from synth.workspace import Workspace

Progress = Callable[[str, int], None]


# ----------------------------------------------------------------------------- 1. ingest

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
        if cand.exists() and cand not in out:
            out.append(cand)
    return out


def ingest(paths: list[Path], workspace: Workspace, interviewer: Optional[list[str]] = None,
           accounts_csv: Optional[Path] = None, progress: Optional[Progress] = None,
           replace_study: bool = True) -> IngestReport:
    """Parse every transcript under `paths` into the workspace; bad files are reported, not fatal."""
    from synth.ingest import IngestError, discover, join_accounts, load_accounts, load_transcript

    report = IngestReport()
    files, errors = discover(paths)
    report.errors = [str(e) for e in errors]
    loaded: list[Transcript] = []
    for f in files:
        try:
            t = load_transcript(f, interviewer=interviewer)
            status = workspace.put_transcript(t)
            loaded.append(t)
            report.files.append(FileReport(
                file=t.file_name, path=str(f), status=status, format=t.format, encoding=t.encoding,
                speakers=t.speakers, interviewee=t.interviewee, interviewers=t.interviewers,
                interviewer_source=t.interviewer_source, turns=len(t.turns), words=t.word_count,
                duration_s=t.duration, warnings=list(t.warnings)))
        except IngestError as exc:
            report.files.append(FileReport(file=f.name, path=str(f), status="failed", error=str(exc)))
        except Exception as exc:  # noqa: BLE001 - a reader bug on one file must not stop the study
            report.files.append(FileReport(file=f.name, path=str(f), status="failed",
                                           error=f"{f}: unexpected {type(exc).__name__}: {exc}"))
        if progress:
            progress("files", 1)
    if replace_study and loaded:
        workspace.forget_files([t.file_name for t in loaded])
    sidecars = [accounts_csv] if accounts_csv else _accounts_files(paths)
    rows: list[AccountRow] = []
    for sc in sidecars:
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


# ----------------------------------------------------------------------------- 2. extract

def extract(workspace: Workspace, provider=None, options=None, progress: Optional[Progress] = None,
            files: Optional[list[str]] = None, client=None):
    """Extract every current transcript (see `synth.extract.extract`)."""
    from synth.extract import extract as run_extract

    transcripts = workspace.transcripts(files)
    return run_extract(transcripts, workspace, workspace.accounts(), provider, options, progress, client)


# ----------------------------------------------------------------------------- 3. themes

def themes(workspace: Workspace, options=None, provider=None, progress: Optional[Progress] = None):
    """Embed, cluster, label and rank (see `synth.themes.build_themes`)."""
    from synth.themes import build_themes

    return build_themes(workspace, options, provider, progress)


# ----------------------------------------------------------------------------- 4. ICP

class IcpResult(BaseModel):
    model_config = {"arbitrary_types_allowed": True}
    profile: object
    rules: object
    rules_path: Path
    rules_written: bool = Field(description="False when a hand-edited icp.yaml was kept")
    narrative: str
    narrative_source: str = "template"
    validation: object = None
    scores: object = None


def icp(workspace: Workspace, provider=None, rules_path: Optional[Path] = None,
        overwrite: bool = False) -> IcpResult:
    """Profile the study (five attributes + negative profile), write icp.yaml, score the
    interviewed accounts with it and check the rules against their known outcomes."""
    from synth.icp import build_profile, dump_rules, load_rules, narrative, synthesize_rules
    from synth.icp.interviewed import interviewed_table
    from synth.icp.narrate import llm_narrative
    from synth.icp.score import score_accounts
    from synth.icp.validate import validate

    accounts = workspace.accounts()
    exs = workspace.latest_extractions()
    ts = workspace.latest_themes()
    profile = build_profile(list(accounts.values()), exs, ts,
                            {f: r.company for f, r in accounts.items()})
    rules = synthesize_rules(profile)
    path = rules_path or workspace.root / "icp.yaml"
    written = _write_rules_unless_edited(workspace, rules, path, overwrite, dump_rules)
    if not written:
        rules = load_rules(path)  # the human's edits win over a fresh synthesis
    text, source = narrative(profile), "template"
    if provider is not None:
        llm_text = llm_narrative(workspace, provider, profile)
        if llm_text:
            text, source = llm_text, "llm"
    table = interviewed_table(accounts, exs, ts)
    scores = score_accounts(table, rules)
    report = validate(table, rules) if any(r.outcome for r in accounts.values()) else None
    return IcpResult(profile=profile, rules=rules, rules_path=path, rules_written=written,
                     narrative=text, narrative_source=source, validation=report, scores=scores)


def _write_rules_unless_edited(ws: Workspace, rules, path: Path, overwrite: bool, dump) -> bool:
    """Write icp.yaml, unless a human edited the last one synth wrote: then write icp.proposed.yaml."""
    import hashlib

    stamp = ws.root / ".icp.written.sha256"
    if path.exists() and not overwrite and stamp.exists():
        if hashlib.sha256(path.read_bytes()).hexdigest() != stamp.read_text().strip():
            dump(rules, path.with_name(path.stem + ".proposed.yaml"))
            return False
    dump(rules, path)
    stamp.write_text(hashlib.sha256(path.read_bytes()).hexdigest())
    return True


# ----------------------------------------------------------------------------- 5. score

def score(accounts_csv: Path, rules_path: Path, columns: Optional[str] = None, holdout: Optional[float] = None,
          seed: int = 0):
    """Score any accounts CSV with an icp.yaml; validate against its outcome column when present."""
    from synth.icp import load_rules, read_accounts_csv, score_accounts, validate

    rules = load_rules(rules_path)
    table = read_accounts_csv(accounts_csv, columns or rules.effective_column_map())
    result = score_accounts(table, rules)
    report = validate(table, rules, holdout=holdout, seed=seed) if table.has("outcome") else None
    return table, result, report
