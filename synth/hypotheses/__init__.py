"""Hypotheses stage (after themes, before ICP): test the team's claims against every interview.

    from synth.hypotheses import check_hypotheses, load_hypotheses
    run = check_hypotheses(ws, load_hypotheses(Path("hypotheses.yaml")))            # offline
    run = check_hypotheses(ws, hyps, provider=cfg)                                   # LLM
    run.results[0].verdict   # "Heard in most interviews (...); more common in won accounts (...)."

Three methods, one result shape (`HypothesisRun`): an LLM judgement per chunk, the offline "related
evidence" by similarity, and "items" for the ICP's own criteria (an interview supports a criterion
when it has an item the criterion was built from). `store_run` / `stored` keep the latest runs in the
workspace (`hypotheses.json`) for the report and the browser review.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, Field

from synth.llm.provider import ProviderConfig
from synth.workspace import Workspace

from .load import FILE_NAME, HypothesesError, find_hypotheses_file, load_hypotheses
from .model import (
    METHOD_TEXT,
    DryRunHypotheses,
    Hypothesis,
    HypothesisResult,
    HypothesisRun,
    InterviewStance,
    OutcomeSplit,
    StoredHypotheses,
)
from .stats import summarize, wilson
from .study import Interview, interviews_from, study_interviews

__all__ = ["check_hypotheses", "HypothesisOptions", "load_hypotheses", "find_hypotheses_file", "HypothesesError",
           "Hypothesis", "HypothesisResult", "HypothesisRun", "InterviewStance", "OutcomeSplit", "StoredHypotheses",
           "DryRunHypotheses", "Interview", "interviews_from", "study_interviews", "estimate_hypotheses",
           "store_run", "stored", "wilson", "FILE_NAME", "METHOD_TEXT", "RESULTS_FILE"]

RESULTS_FILE = "hypotheses.json"


class HypothesisOptions(BaseModel):
    model_config = {"arbitrary_types_allowed": True}
    method: Optional[str] = Field(None, description="llm, related or items; default: llm with a provider, "
                                                    "else related")
    threshold: Optional[float] = Field(None, description="related evidence: interview score threshold")
    embedding_model: Optional[str] = None
    concurrency: Optional[int] = Field(None, description="None: the session default (llm.provider.default_concurrency)")
    source: Optional[str] = None


def check_hypotheses(ws: Workspace, hypotheses: list[Hypothesis], provider: Optional[ProviderConfig] = None,
                     options: Optional[HypothesisOptions] = None, interviews: Optional[list[Interview]] = None,
                     embedder=None, client=None) -> HypothesisRun:
    """Every hypothesis against every interview of the study (or `interviews`), with stats and verdicts.
    Raises synth.llm.caller.FatalProviderError when the provider refuses every call."""
    options = options or HypothesisOptions()
    ivs = interviews if interviews is not None else study_interviews(ws)
    method = options.method or ("llm" if provider is not None else "related")
    run = HypothesisRun(source=options.source, method=method, method_text=METHOD_TEXT[method], interviews=len(ivs))
    if not hypotheses:
        return run
    emb = embedder
    if emb is None and method in ("llm", "related"):
        from synth.embed import Embedder

        emb = Embedder(ws, options.embedding_model)
    if method == "items":
        from .offline import item_evidence

        stances = {h.id: item_evidence(h, ivs) for h in hypotheses}
    elif method == "related":
        from .offline import RELATED_THRESHOLD, related_evidence

        stances = related_evidence(hypotheses, ivs, emb,
                                   RELATED_THRESHOLD if options.threshold is None else options.threshold)
        run.model = emb.model_name
    else:
        if provider is None:
            raise ValueError("the llm method needs a provider")
        from .llm import llm_stances

        stances = llm_stances(hypotheses, ivs, ws, provider, emb, run, client, options.concurrency)
    run.results = [summarize(HypothesisResult(hypothesis=h, method=method, interviews=stances[h.id]))
                   for h in hypotheses]
    return run


def estimate_hypotheses(ws: Workspace, hypotheses: list[Hypothesis], provider: ProviderConfig,
                        prices_path: Optional[Path] = None) -> DryRunHypotheses:
    """The dry run: calls, tokens and cost the LLM method would spend now (cached calls are free)."""
    from synth.llm.prices import load_prices

    from .llm import estimate

    return estimate(hypotheses, study_interviews(ws), ws, provider, load_prices(prices_path))


def stored(ws: Workspace) -> StoredHypotheses:
    p = Path(ws.root) / RESULTS_FILE
    if not p.is_file():
        return StoredHypotheses()
    try:
        return StoredHypotheses.model_validate_json(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return StoredHypotheses()  # written by another version, or damaged: the next run rewrites it


def store_run(ws: Workspace, run: HypothesisRun, kind: str = "file") -> StoredHypotheses:
    """Keep `run` as the latest run of its kind ('file': hypotheses.yaml, 'icp': the ICP criteria)."""
    cur = stored(ws)
    setattr(cur, kind, run)
    p = Path(ws.root) / RESULTS_FILE
    tmp = p.with_name(f".{p.name}.tmp")
    tmp.write_text(cur.model_dump_json(indent=1), encoding="utf-8")
    os.replace(tmp, p)
    return cur
