"""The knobs of synth's default clusterer, with the values measured on the dev study (evals/)."""
from __future__ import annotations

import math
from typing import Literal, Optional

from pydantic import BaseModel, Field

SEED = 42


class ClusterParams(BaseModel):
    reduction: Literal["auto", "umap", "pca", "none"] = Field(
        "auto", description="auto = UMAP from `umap_min_items` items up, none below (measured on evals/gold)")
    umap_min_items: int = 30
    n_components: int = 5
    selection: Literal["leaf", "eom"] = "eom"
    min_cluster_size: Optional[int] = Field(None, description="default adapts to the interview count")
    min_samples: Optional[int] = 1
    min_interviews: int = 2
    min_member_similarity: float = Field(
        0.3, description="a member less cosine-similar than this to its cluster's centroid is an outlier")
    attach_outliers: bool = False
    attach_threshold: float = 0.55
    seed: int = Field(SEED, description="UMAP / PCA / sampling seed; evals vary it to report spread over seeds")
    sample_above: int = Field(
        20_000, description="from this many items up (auto reduction, hdbscan), cluster a seeded sample "
                            "and give every other item its nearest sampled neighbours' label: see labels_for")


def adaptive_min_cluster_size(n_items: int, n_interviews: int) -> int:
    """A theme should recur: about a fifth of the interviews, at least 2, and not over n/10 items."""
    return max(2, min(math.ceil(n_interviews * 0.2), max(2, n_items // 10)))
