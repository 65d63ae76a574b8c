"""The pipeline, top to bottom: ingest -> extract -> themes (embed, cluster, label, rank) -> hypotheses -> ICP -> score.

A facade over each stage's one entry function. Every stage reads and writes the workspace, so each
can run alone from the CLI and a new transcript re-runs only what it changes (ingest by content
hash, LLM calls by their cache key, embeddings by text hash).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from synth.extract import ExtractOptions, ExtractRun
from synth.extract import extract as extract_transcripts
from synth.icp.study import IcpResult, build_icp, score_file
from synth.ingest.study import IngestReport, ingest_study
from synth.llm.provider import ProviderConfig
from synth.models import ThemeSet
from synth.themes.build import ThemeOptions, build_themes
from synth.workspace import Workspace

Progress = Callable[[str, int], None]


def ingest(paths: list[Path], workspace: Workspace, interviewer: Optional[list[str]] = None,
           accounts_csv: Optional[Path] = None, progress: Optional[Progress] = None,
           replace_study: bool = True, follow_links: bool = False) -> IngestReport:
    """1. Files -> Transcripts in the workspace, accounts.csv joined by file name."""
    return ingest_study(paths, workspace, interviewer, accounts_csv, progress, replace_study, follow_links)


def extract(workspace: Workspace, provider: Optional[ProviderConfig] = None,
            options: Optional[ExtractOptions] = None, progress: Optional[Progress] = None,
            files: Optional[list[str]] = None, client=None, clock=None) -> ExtractRun:
    """2. Transcripts -> grounded Extractions (LLM, or the offline local extractor when provider is None)."""
    transcripts = workspace.transcripts(files)
    run = extract_transcripts(transcripts, workspace, workspace.accounts(), provider, options, progress, client,
                              clock)
    workspace.check_held()  # synth.db deleted or replaced meanwhile: never report success
    return run


def themes(workspace: Workspace, options: Optional[ThemeOptions] = None,
           provider: Optional[ProviderConfig] = None, progress: Optional[Progress] = None) -> ThemeSet:
    """3. Items -> embeddings -> clusters -> review decisions -> labels -> ranked ThemeSet."""
    return build_themes(workspace, options, provider, progress)


def hypotheses(workspace: Workspace, hypotheses: list, provider: Optional[ProviderConfig] = None):
    """3b. hypotheses.yaml x interviews -> supports / contradicts / silent with quotes, intervals, verdicts."""
    from synth.hypotheses import check_hypotheses

    return check_hypotheses(workspace, hypotheses, provider)


def icp(workspace: Workspace, provider: Optional[ProviderConfig] = None, rules_path: Optional[Path] = None,
        overwrite: bool = False) -> IcpResult:
    """4. Traits + themes -> ICP profile -> icp.yaml; the interviewed accounts scored and validated."""
    return build_icp(workspace, provider, rules_path, overwrite)


def score(accounts_csv: Path, rules_path: Path, columns: Optional[str] = None, seed: int = 0,
          workspace: Optional[Path] = None):
    """5. Any accounts CSV x icp.yaml -> 0-100, tier and reasons per account; validated against outcomes."""
    return score_file(accounts_csv, rules_path, columns, seed, workspace)
