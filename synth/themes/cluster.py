"""Group extracted items into candidate themes, per category.

Pains and triggers: statement embeddings -> reduction -> HDBSCAN. Studies are small (30-600 items),
so the parameters adapt to the number of interviews, and a theme needs evidence from at least two
different interviews. Alternatives cluster poorly by meaning ("we use CloudHealth" and "we tried
Vantage" belong together because both are named competitors), so they are grouped by their
extracted fields instead: a named product by its canonical name, the rest by kind.

Deterministic: seeded reduction, items sorted by id before clustering, clusters ordered by their
smallest member id.
"""
from __future__ import annotations

import math
from typing import Optional, Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel

from synth.models import CATEGORIES, Alternative, Item
from synth.themes.group import group_alternatives
from synth.themes.params import SEED, ClusterParams, adaptive_min_cluster_size
from synth.themes.reduce import reduce, umap_embed


class Cluster(BaseModel):
    category: str
    item_ids: list[str]
    files: list[str]


class ClusterResult(BaseModel):
    clusters: list[Cluster]
    unclustered: list[str]


@runtime_checkable
class Clusterer(Protocol):
    """A clustering stage (BERTopic's `hdbscan_model=` slot): labels for normalized statement vectors,
    -1 for outliers. synth's default is `HdbscanClusterer`; evals pass their baselines the same way."""

    def labels(self, vectors: np.ndarray, n_interviews: int) -> np.ndarray: ...


class HdbscanClusterer:
    """synth's default: adaptive reduction, then HDBSCAN (a seeded sample of very large studies)."""

    def __init__(self, params: Optional[ClusterParams] = None):
        self.params = params or ClusterParams()

    def labels(self, vectors: np.ndarray, n_interviews: int) -> np.ndarray:
        return labels_for(vectors, self.params, n_interviews)


class KMeansClusterer:
    """k-means (k told, or sqrt(n/2)): the baseline the hdbscan docs and Clio suggest for small corpora."""

    def __init__(self, k: Optional[int] = None, seed: int = SEED):
        self.k, self.seed = k, seed

    def labels(self, vectors: np.ndarray, n_interviews: int) -> np.ndarray:
        from sklearn.cluster import KMeans

        n = vectors.shape[0]
        if n < 2:
            return -np.ones(n, dtype=int)
        k = min(n, self.k or max(2, round(math.sqrt(n / 2))))
        return KMeans(n_clusters=k, n_init=10, random_state=self.seed).fit_predict(vectors)


def labels_for(vectors: np.ndarray, params: ClusterParams, n_interviews: int) -> np.ndarray:
    """Cluster labels (-1 = outlier) for normalized vectors."""
    n = vectors.shape[0]
    if n < 2:
        return -np.ones(n, dtype=int)
    import hdbscan

    mcs = params.min_cluster_size or adaptive_min_cluster_size(n, n_interviews)
    if params.reduction == "auto" and n >= params.sample_above:
        return _labels_sampled(vectors, params, mcs)
    x = reduce(vectors, params)
    if n < mcs:
        return -np.ones(n, dtype=int)
    cl = hdbscan.HDBSCAN(min_cluster_size=mcs, min_samples=params.min_samples,
                         cluster_selection_method=params.selection, metric="euclidean")
    return cl.fit_predict(x.astype(np.float64))


# Large studies. UMAP on every item is the cost that grows fastest (on 2 cores: ~2.5 min at 10k items,
# far past 10 min at 100k). From `sample_above` items up, labels_for clusters a seeded sample of
# SAMPLE_SIZE items exactly as a small study is clustered (UMAP + HDBSCAN, min_cluster_size scaled to
# the sample), then every other item takes the similarity-weighted majority label (noise included) of
# its SAMPLE_K most similar sampled items, in a PCA-50 space. Linear in n; measured in benchmarks/.
SAMPLE_SIZE = 4_000  # enough for themes of 1% of a study; UMAP on it takes seconds
SAMPLE_PCA = 50
SAMPLE_K = 10
_ASSIGN_BATCH = 4_096


def _labels_sampled(vectors: np.ndarray, params: ClusterParams, mcs: int) -> np.ndarray:
    import hdbscan
    from sklearn.decomposition import PCA

    n = vectors.shape[0]
    x = PCA(n_components=min(SAMPLE_PCA, vectors.shape[1], n - 1), random_state=params.seed).fit_transform(
        vectors).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True) + 1e-12
    m = min(n, SAMPLE_SIZE)
    sample = np.sort(np.random.default_rng(params.seed).choice(n, size=m, replace=False))
    emb = umap_embed(x[sample], params.n_components, params.seed)
    mcs_sample = max(2, round(mcs * m / n))
    sample_labels = hdbscan.HDBSCAN(min_cluster_size=mcs_sample, min_samples=params.min_samples,
                                    cluster_selection_method=params.selection,
                                    metric="euclidean").fit_predict(emb.astype(np.float64))
    labels = np.empty(n, dtype=int)
    labels[sample] = sample_labels
    rest = np.setdiff1d(np.arange(n), sample)
    ref = x[sample]
    votes_for = sample_labels + 1  # column 0 is noise
    width = int(votes_for.max()) + 1
    k = min(SAMPLE_K, m)
    for a in range(0, len(rest), _ASSIGN_BATCH):
        idx = rest[a:a + _ASSIGN_BATCH]
        sims = x[idx] @ ref.T
        nn = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        w = np.maximum(np.take_along_axis(sims, nn, axis=1), 0.0) + 1e-6
        tally = np.zeros((len(idx), width), dtype=np.float64)
        np.add.at(tally, (np.repeat(np.arange(len(idx)), k), votes_for[nn].ravel()), w.ravel())
        labels[idx] = tally.argmax(axis=1) - 1
    return labels


def prune_incoherent(labels: np.ndarray, vectors: np.ndarray, floor: float) -> np.ndarray:
    """HDBSCAN with min_samples=1 attaches almost everything somewhere; send members that are not
    similar to the rest of their cluster (leave-one-out centroid) back to the outliers."""
    out = labels.copy()
    for c in set(labels.tolist()) - {-1}:
        idx = np.nonzero(labels == c)[0]
        if len(idx) < 2:
            continue
        total = vectors[idx].sum(axis=0)
        for i in idx:
            rest = total - vectors[i]
            sim = float(vectors[i] @ rest) / (np.linalg.norm(rest) + 1e-12)
            if sim < floor:
                out[i] = -1
    return out


def _files(item_ids: list[str], by_id: dict[str, Item]) -> list[str]:
    return sorted({e.file for i in item_ids for e in by_id[i].evidence})


def cluster_category(category: str, items: list[Item], vectors: Optional[np.ndarray],
                     params: ClusterParams, n_interviews: int,
                     clusterer: Optional[Clusterer] = None) -> ClusterResult:
    """Cluster one category the way the categories table says: statement vectors through `clusterer`
    (default `HdbscanClusterer(params)`), or grouped by name. `vectors` rows align with `items`."""
    if not items:
        return ClusterResult(clusters=[], unclustered=[])
    order = sorted(range(len(items)), key=lambda i: items[i].id)
    items = [items[i] for i in order]
    by_id = {it.id: it for it in items}
    if CATEGORIES[category].grouping == "name":
        groups = group_alternatives([it for it in items if isinstance(it, Alternative)])
    else:
        if vectors is None:
            raise ValueError(f"{category}: clustered by embedding, but no vectors were given")
        vectors = vectors[order]
        lab = (clusterer or HdbscanClusterer(params)).labels(vectors, n_interviews)
        lab = prune_incoherent(lab, vectors, params.min_member_similarity)
        groups_d: dict[int, list[str]] = {}
        for it, label in zip(items, lab):
            if label >= 0:
                groups_d.setdefault(int(label), []).append(it.id)
        groups = list(groups_d.values())
    clusters, unclustered = [], []
    for g in groups:
        files = _files(g, by_id)
        if len(files) >= params.min_interviews:
            clusters.append(Cluster(category=category, item_ids=sorted(g), files=files))
        else:
            unclustered.extend(g)
    clustered = {i for c in clusters for i in c.item_ids}
    unclustered = sorted(set(unclustered) | {it.id for it in items if it.id not in clustered})
    if params.attach_outliers and clusters and unclustered and vectors is not None:
        unclustered = _attach(clusters, unclustered, items, vectors, params.attach_threshold, by_id)
    clusters.sort(key=lambda c: c.item_ids[0])
    return ClusterResult(clusters=clusters, unclustered=unclustered)


def _attach(clusters: list[Cluster], outliers: list[str], items: list[Item], vectors: np.ndarray,
            threshold: float, by_id: dict[str, Item]) -> list[str]:
    """Attach an outlier to its nearest theme centroid when the cosine similarity is strong enough."""
    row = {it.id: i for i, it in enumerate(items)}
    cents = np.stack([vectors[[row[i] for i in c.item_ids]].mean(axis=0) for c in clusters])
    cents /= np.linalg.norm(cents, axis=1, keepdims=True) + 1e-12
    left = []
    for oid in outliers:
        sims = cents @ vectors[row[oid]]
        j = int(np.argmax(sims))
        if sims[j] >= threshold:
            clusters[j].item_ids = sorted(clusters[j].item_ids + [oid])
            clusters[j].files = _files(clusters[j].item_ids, by_id)
        else:
            left.append(oid)
    return left
