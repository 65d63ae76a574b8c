"""`synth themes`: cluster extracted items into ranked themes and a DMU map."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from synth.cli.options import WorkspaceOpt, check_review_file, llm_options, open_workspace
from synth.cli.show import print_themes, require_extractions
from synth.render import err, esc

if TYPE_CHECKING:
    from synth.themes.build import ThemeOptions


def _theme_options(min_cluster_size, selection, reduction, attach_outliers) -> ThemeOptions:
    from pydantic import ValidationError

    from synth.themes.build import ThemeOptions
    from synth.themes.cluster import ClusterParams

    try:
        params = ClusterParams(min_cluster_size=min_cluster_size, selection=selection, reduction=reduction,
                               attach_outliers=attach_outliers)
    except ValidationError as exc:
        e = exc.errors()[0]
        err.print(f"[red]error[/red] --{e['loc'][0].replace('_', '-')}: {esc(e['msg'])}")
        raise typer.Exit(2)
    return ThemeOptions(params=params)


@llm_options
def themes(workspace: Path = WorkspaceOpt,
           min_cluster_size: Optional[int] = typer.Option(None, help="HDBSCAN min_cluster_size (default adapts to interviews)"),
           selection: str = typer.Option("eom", help="HDBSCAN cluster selection: eom or leaf"),
           reduction: str = typer.Option("auto", help="auto (UMAP from 30 items up), umap, pca or none"),
           attach_outliers: bool = typer.Option(False, help="attach outliers to their nearest theme when similar enough"),
           embedding_model: Optional[str] = typer.Option(None, help="local sentence-transformers model path"),
           top: int = typer.Option(10, help="themes to show per category"),
           as_json: bool = typer.Option(False, "--json"), llm=None) -> None:
    """Cluster extracted items into ranked themes (triggers, pains, alternatives) and a DMU map.

    Example: synth themes -w .synth-study --top 5
    """
    from synth import pipeline

    with open_workspace(workspace, lock="themes") as ws:
        check_review_file(ws)
        require_extractions(ws)
        opts = _theme_options(min_cluster_size, selection, reduction, attach_outliers)
        opts.embedding_model = embedding_model
        ts = pipeline.themes(ws, opts, llm)
        if as_json:
            print(ts.model_dump_json(indent=2))
        else:
            print_themes(ts, top, ws=ws)
