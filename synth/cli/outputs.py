"""What each command prints with `--json`: one pydantic model per command, so `synth schema COMMAND`
documents exactly what a script will parse (stdout carries nothing else; progress and warnings go
to stderr). Imported only by a command that runs, never at CLI start-up.
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, Field

from synth.extract import DryRunEstimate, ExtractRun
from synth.hypotheses import HypothesisRun
from synth.icp import ValidationReport, dump_scores_json
from synth.icp.study import IcpSummary
from synth.ingest.study import IngestReport
from synth.models import ThemeSet
from synth.report import ReportPaths

IcpOutput = IcpSummary  # `synth icp --json`: the study's IcpResult less the rules object and the scores


class ScoresOutput(BaseModel):
    accounts_csv: str
    rules_path: str
    scores: dict[str, Any] = Field(description="rules_version, max_points, tier_counts, rules, warnings, accounts "
                                               "(each: company, score, tier, score_max, signals, contributions)")
    validation: Optional[ValidationReport] = None
    written_to: Optional[str] = None


class ReviewState(BaseModel):
    review_file: str
    version: int
    rejected: dict[str, str] = Field(default_factory=dict)
    last_decision: Optional[str] = Field(None, description="what `synth review undo` would take back")
    error: Optional[str] = Field(None, description="review.yaml could not be read")


class ReviewOutput(BaseModel):
    decision: Optional[str] = Field(None, description="the decision just recorded, when a subcommand made one")
    themes: ThemeSet
    review: ReviewState


class RunOutput(BaseModel):
    ingest: IngestReport
    extract: ExtractRun
    themes: Optional[ThemeSet] = None
    hypotheses: Optional[HypothesisRun] = Field(None, description="when the study has a hypotheses.yaml")
    icp: Optional[IcpOutput] = None
    report: Optional[ReportPaths] = None
    stopped: Optional[str] = Field(None, description="why the run stopped before the report, if it did")


# command -> the model of its --json output (`synth schema COMMAND`)
COMMAND_OUTPUTS: dict[str, type[BaseModel]] = {
    "ingest": IngestReport, "extract": ExtractRun, "extract --dry-run": DryRunEstimate, "themes": ThemeSet,
    "icp": IcpOutput, "score": ScoresOutput, "report": ReportPaths, "review": ReviewOutput, "run": RunOutput,
}


def icp_output(res) -> IcpOutput:
    return res.summary()


def scores_output(accounts: Path, rules: Path, result, validation, out: Optional[Path]) -> ScoresOutput:
    buf = io.StringIO()
    dump_scores_json(result, buf)
    return ScoresOutput(accounts_csv=str(accounts), rules_path=str(rules), scores=json.loads(buf.getvalue()),
                        validation=validation, written_to=str(out) if out else None)


def print_json(model: BaseModel) -> None:
    print(model.model_dump_json(indent=2))
