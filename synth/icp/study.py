"""The ICP stage over a study (profile -> icp.yaml -> scores -> validation) and scoring any accounts file.

`build_icp` never overwrites an icp.yaml a human edited: the fresh synthesis goes beside it.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, Field

from synth.icp.interviewed import interviewed_table
from synth.icp.narrate import llm_narrative
from synth.icp.profile import build_profile, narrative, synthesize_rules
from synth.icp.rules import dump_rules, load_rules
from synth.icp.score import score_accounts
from synth.icp.table import read_accounts_csv
from synth.icp.validate import validate
from synth.workspace import Workspace


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


def build_icp(workspace: Workspace, provider=None, rules_path: Optional[Path] = None,
        overwrite: bool = False) -> IcpResult:
    """Profile the study (five attributes + negative profile), write icp.yaml, score the
    interviewed accounts with it and check the rules against their known outcomes."""
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
    stamp = ws.root / ".icp.written.sha256"
    if path.exists() and not overwrite and stamp.exists():
        if hashlib.sha256(path.read_bytes()).hexdigest() != stamp.read_text().strip():
            dump(rules, path.with_name(path.stem + ".proposed.yaml"))
            return False
    dump(rules, path)
    stamp.write_text(hashlib.sha256(path.read_bytes()).hexdigest())
    return True


def score_file(accounts_csv: Path, rules_path: Path, columns: Optional[str] = None, holdout: Optional[float] = None,
          seed: int = 0):
    """Score any accounts CSV with an icp.yaml; validate against its outcome column when present."""
    rules = load_rules(rules_path)
    table = read_accounts_csv(accounts_csv, columns or rules.effective_column_map())
    result = score_accounts(table, rules)
    report = validate(table, rules, holdout=holdout, seed=seed) if table.has("outcome") else None
    return table, result, report
