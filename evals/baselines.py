"""The clustering baselines, as `synth.themes.cluster.Clusterer` objects.

Every comparison (themes on a study's statements, BANKING77) plugs these into the same slot synth's
own `HdbscanClusterer` fills, gives every method the same vectors, and runs each over the same seeds.
"Matched" means the baseline gets the min_cluster_size synth itself uses on that data, so a
baseline cannot lose only because its default size exceeds the themes it should find.

* `bertopic_style(mcs, seed)`: BERTopic's pipeline with its defaults except the size: UMAP 5-d,
  15 neighbours (capped at n-1 on tiny inputs), min_dist 0, cosine, seeded; HDBSCAN eom,
  min_samples = min_cluster_size. Run through synth's reduce() (the same seeded UMAP call).
* `BertopicClusterer(min_topic_size, seed)`: the real `bertopic.BERTopic` given the vectors, with
  `min_topic_size` matched and a seeded UMAP of BERTopic's default shape (BERTopic leaves UMAP
  unseeded, which is why a single run of it moves between runs).
* `KMeansClusterer(k, seed)`: synth's k-means, told the true number of groups.
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from synth.themes.cluster import ClusterParams, HdbscanClusterer, KMeansClusterer

SEEDS = (0, 1, 2, 3, 4)


def synth_default(seed: int, min_cluster_size: Optional[int] = None) -> HdbscanClusterer:
    return HdbscanClusterer(ClusterParams(seed=seed, min_cluster_size=min_cluster_size))


def bertopic_style(min_cluster_size: int, seed: int) -> HdbscanClusterer:
    return HdbscanClusterer(ClusterParams(reduction="umap", umap_min_items=0, selection="eom",
                                          min_cluster_size=min_cluster_size, min_samples=None, seed=seed))


def kmeans(k: int, seed: int) -> KMeansClusterer:
    return KMeansClusterer(k=k, seed=seed)


def bertopic_available() -> tuple[bool, str]:
    try:
        import bertopic
    except Exception as exc:  # noqa: BLE001 - any import problem means "not available"
        return False, (f"skipped: bertopic is not importable ({type(exc).__name__}); "
                       "pip install -e '.[evals]'")
    return True, f"BERTopic {bertopic.__version__}"


class BertopicClusterer:
    """The real BERTopic as a Clusterer: topics for the given vectors (-1 = outliers)."""

    def __init__(self, min_topic_size: int, seed: int, texts: Optional[Sequence[str]] = None):
        self.min_topic_size, self.seed, self.texts = min_topic_size, seed, texts

    def labels(self, vectors: np.ndarray, n_interviews: int) -> np.ndarray:
        from bertopic import BERTopic
        from umap import UMAP

        n = vectors.shape[0]
        if n < max(3, self.min_topic_size):
            return -np.ones(n, dtype=int)
        docs = list(self.texts) if self.texts is not None else [f"item {i}" for i in range(n)]
        umap_model = UMAP(n_neighbors=max(2, min(15, n - 1)), n_components=5, min_dist=0.0, metric="cosine",
                          random_state=self.seed, low_memory=False)
        model = BERTopic(min_topic_size=self.min_topic_size, umap_model=umap_model)
        topics, _ = model.fit_transform(docs, embeddings=vectors)
        return np.asarray(topics)


def spread(values: Sequence[Optional[float]]) -> dict:
    """Mean, sample standard deviation, min and max over seeds (None values left out)."""
    xs = np.array([v for v in values if v is not None], dtype=float)
    if not len(xs):
        return {"mean": None, "sd": None, "min": None, "max": None, "n": 0}
    return {"mean": float(xs.mean()), "sd": float(xs.std(ddof=1)) if len(xs) > 1 else 0.0,
            "min": float(xs.min()), "max": float(xs.max()), "n": int(len(xs))}
