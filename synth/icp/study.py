"""The ICP stage over a study (profile -> icp.yaml -> scores -> validation) and scoring any accounts file.

`build_icp` never overwrites an icp.yaml a human edited: the fresh synthesis goes beside it; the
settings of an existing file (tiers.target_share, tiers.fixed cut-offs, cap, columns) carry over.
`score_file` scores a CSV; when the rules file sits in a workspace, rows that name an interviewed
account (by file or company) get what its interview said, so `synth score accounts.csv` and
`synth icp` give an account the same score.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, Field

from ..ingest.errors import IngestError
from ..llm.shown import why_not_shown
from ..workspace import Workspace
from .accountdata import interview_companies, not_scored_reason
from .fit import fit_study, relearn_learner, study_learner
from .hypotheses import check_icp_hypotheses
from .interviewed import with_interviews
from .narrate import llm_narrative
from .rules import IcpRules
from .rulesfile import RulesError, dump_rules, load_rules
from .score import ScoreResult, score_accounts
from .synthesize import narrative
from .table import AccountsTable, read_accounts_csv
from .traits import IcpProfile
from .validate import ValidationReport, validate


class IcpSummary(BaseModel):
    """A study's ICP as `synth icp --json` (and `synth run --json`) prints it: `IcpResult` less the objects
    only later stages use (the rules object, the scores)."""

    profile: IcpProfile
    narrative: str
    narrative_source: str = "template"
    rules_path: Path
    rules_written: bool = Field(description="False when a hand-edited icp.yaml was kept")
    validation: Optional[ValidationReport] = None
    not_scored: Optional[str] = Field(None, description="why no account got a fit score or tier")


class IcpResult(IcpSummary):
    model_config = {"arbitrary_types_allowed": True}
    rules: object
    narrative_not_shown: Optional[str] = Field(None, description="why the LLM's narrative failed the check "
                                                                 "(synth/llm/shown.py): the template is shown")
    scores: object = None

    def summary(self) -> IcpSummary:
        return IcpSummary(**{f: getattr(self, f) for f in IcpSummary.model_fields})


def _existing(path: Path) -> Optional[IcpRules]:
    try:
        return load_rules(path) if path.exists() else None
    except RulesError:
        return None


def build_icp(workspace: Workspace, provider=None, rules_path: Optional[Path] = None,
              overwrite: bool = False) -> IcpResult:
    """Profile the study, learn icp.yaml from its outcomes, score the interviewed accounts with it
    and validate in and out of sample."""
    accounts = workspace.accounts()
    exs = workspace.latest_extractions()
    ts = workspace.latest_themes()
    path = rules_path or workspace.root / "icp.yaml"
    base = _existing(path)
    # an interview is an account only when it has a company: accounts.csv, front matter or the interviewee's words
    companies = interview_companies(accounts, workspace.transcripts(), [e.file for e in exs])
    profile, rules, table, files = fit_study(accounts, exs, ts, base, companies)
    written = _write_rules_unless_edited(workspace, rules, path, overwrite, dump_rules)
    learner = study_learner(accounts, exs, ts, files, base, companies)
    if not written:
        rules = load_rules(path)  # the human's edits win over a fresh synthesis
        learner = relearn_learner(rules, table)
    text, source, not_shown = narrative(profile), "template", None
    if provider is not None:
        llm_text = llm_narrative(workspace, provider, profile)
        why = why_not_shown(llm_text, [profile.model_dump_json()], min_words=8, max_words=250) if llm_text else None
        if llm_text and not why:
            text, source = llm_text, "llm"
        not_shown = why
    check_icp_hypotheses(workspace, profile, rules, path.name)  # each interview criterion, per interview
    reason = not_scored_reason(accounts, rules)
    if reason:  # nothing to rank interviews by: no scores, no tiers, no validation
        return IcpResult(profile=profile, rules=rules, rules_path=path, rules_written=written, narrative=text,
                         narrative_source=source, narrative_not_shown=not_shown, not_scored=reason)
    scores = score_accounts(table, rules)
    report = validate(table, rules, learner) if any(r.outcome for r in accounts.values()) else None
    return IcpResult(profile=profile, rules=rules, rules_path=path, rules_written=written,
                     narrative=text, narrative_source=source, narrative_not_shown=not_shown,
                     validation=report, scores=scores)


def _write_rules_unless_edited(ws: Workspace, rules, path: Path, overwrite: bool, dump) -> bool:
    """Write icp.yaml, unless a human edited the last one synth wrote: then write icp.proposed.yaml."""
    stamp = ws.root / ".icp.written.sha256"
    if path.exists() and not overwrite and stamp.exists():
        if hashlib.sha256(path.read_bytes()).hexdigest() != stamp.read_text().strip():
            dump(rules, path.with_name(path.stem + ".proposed.yaml"))
            return False
    dump(rules, path)
    stamp.write_text(hashlib.sha256(path.read_bytes()).hexdigest())
    return True


def score_file(accounts_csv: Path, rules_path: Path, columns: Optional[str] = None,
               seed: int = 0, workspace: Optional[Path] = None
               ) -> tuple[AccountsTable, ScoreResult, Optional[ValidationReport]]:
    """Score any accounts CSV with an icp.yaml; validate against its outcomes when it has them
    (out of sample: the file's criteria, their points and tiers re-learned without the held-out
    accounts). `workspace` (default: the rules file's folder, when it holds synth.db) supplies
    the interview columns. `seed` seeds the bootstrap intervals."""
    rules = load_rules(rules_path)
    try:
        table = read_accounts_csv(accounts_csv, columns or rules.effective_column_map())
    except IngestError as exc:
        raise ValueError(exc.problem) from None
    root = Path(workspace) if workspace else Path(rules_path).parent
    if (root / "synth.db").exists():
        ws = Workspace(root)
        try:
            accounts = ws.accounts()
            table, _ = with_interviews(table, ws.latest_extractions(), ws.latest_themes(),
                                       {f: r.company for f, r in accounts.items()})
        finally:
            ws.close()
    result = score_accounts(table, rules)
    report = None
    if table.outcome_field() is not None:
        report = validate(table, rules, relearn_learner(rules, table), seed=seed)
    return table, result, report
