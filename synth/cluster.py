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
import re
from typing import Literal, Optional

import numpy as np
from pydantic import BaseModel, Field

from synth.models import Alternative, Item

SEED = 42


class ClusterParams(BaseModel):
    reduction: Literal["auto", "umap", "pca", "none"] = Field(
        "auto", description="auto = UMAP from `umap_min_items` items up, none below (measured on evals/gold)")
    umap_min_items: int = 30
    n_components: int = 5
    algorithm: Literal["hdbscan", "kmeans"] = "hdbscan"
    selection: Literal["leaf", "eom"] = "eom"
    min_cluster_size: Optional[int] = Field(None, description="default adapts to the interview count")
    min_samples: Optional[int] = 1
    k: Optional[int] = Field(None, description="k for kmeans; default sqrt(n/2)")
    min_interviews: int = 2
    min_member_similarity: float = Field(
        0.3, description="a member less cosine-similar than this to its cluster's centroid is an outlier")
    attach_outliers: bool = False
    attach_threshold: float = 0.55
    sample_above: int = Field(
        20_000, description="from this many items up (auto reduction, hdbscan), cluster a seeded sample "
                            "and give every other item its nearest sampled neighbours' label: see labels_for")


class Cluster(BaseModel):
    category: str
    item_ids: list[str]
    files: list[str]


class ClusterResult(BaseModel):
    clusters: list[Cluster]
    unclustered: list[str]


def adaptive_min_cluster_size(n_items: int, n_interviews: int) -> int:
    """A theme should recur: about a fifth of the interviews, at least 2, and not over n/10 items."""
    return max(2, min(math.ceil(n_interviews * 0.2), max(2, n_items // 10)))


def reduce(vectors: np.ndarray, params: ClusterParams) -> np.ndarray:
    n = vectors.shape[0]
    method = params.reduction
    if method == "auto":
        # UMAP's neighbour graph is unstable on a handful of points; below ~30 items raw normalized
        # vectors cluster better (evals/gold triggers, 14 items: ARI 0.77 raw vs 0.46 UMAP)
        method = "umap" if n >= params.umap_min_items else "none"
    if method == "none" or n <= params.n_components + 2:
        return vectors
    if method == "pca":
        from sklearn.decomposition import PCA

        return PCA(n_components=min(params.n_components, n - 1), random_state=SEED).fit_transform(vectors)
    return umap_embed(vectors, params.n_components)


def umap_embed(vectors: np.ndarray, n_components: int) -> np.ndarray:
    """Seeded UMAP (cosine, min_dist 0).

    Below 4,096 items UMAP computes exact neighbours itself, through sklearn with its numba cosine
    as a Python callable: one call per pair, ~20 s at 4,000 items. Above, it switches to NN-descent,
    whose numba kernels cannot be cached (~25 s of compiling per process). From `UMAP_OWN_KNN_FROM`
    items up the same exact graph is computed here instead (blocked matrix products, under a second
    at 4,000). Not below: UMAP's layout is chaotic in its input, so even a graph equal to 1e-6 gives
    another embedding, and the themes measured on small studies (evals/) would not be the ones shipped.
    """
    import warnings

    n = vectors.shape[0]
    k = max(2, min(15, n - 1))
    umap = import_umap()
    knn = {}
    if n >= UMAP_OWN_KNN_FROM:
        knn_idx, knn_dist = exact_knn(vectors, k)
        knn = {"precomputed_knn": (knn_idx, knn_dist, None)}
    with warnings.catch_warnings():
        # "knn_search_index is not an NNDescent object": synth never calls transform()
        warnings.filterwarnings("ignore", message=r".*knn_search_index.*", category=UserWarning)
        return umap.UMAP(n_neighbors=k, n_components=n_components, min_dist=0.0, metric="cosine",
                         random_state=SEED, init="spectral" if n > 20 else "random", n_jobs=1,
                         **knn).fit_transform(vectors)


UMAP_OWN_KNN_FROM = 1_000  # every gold study is far below; BANKING77 (3,080) is above


def exact_knn(vectors: np.ndarray, k: int, block: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """The k nearest neighbours of every row by cosine distance, itself first (distance 0).

    The same arithmetic as UMAP's own small-data path (sklearn's float32 cosine distances, then an
    argsort per row), in row blocks so memory stays at block x n.
    """
    from sklearn.metrics import pairwise_distances

    x = np.asarray(vectors, dtype=np.float32)
    n = x.shape[0]
    idx = np.empty((n, k), dtype=np.int64)
    dist = np.empty((n, k), dtype=np.float32)
    for a in range(0, n, block):
        d = pairwise_distances(x[a:a + block], x, metric="cosine")
        rows = np.arange(d.shape[0])
        d[rows, a + rows] = -1.0  # itself first, whatever rounding says
        nearest = np.argsort(d, axis=1)[:, :k]
        idx[a:a + block] = nearest
        dist[a:a + block] = np.maximum(np.take_along_axis(d, nearest, axis=1), 0.0)
    return idx, dist


def import_umap():
    """`umap`, with its numba kernels cached on disk.

    Most of UMAP's kernels are compiled without numba's `cache=True`, so every process paid ~17 s
    compiling them before its first fit: longer than the clustering itself on any real study.
    Enabling the cache on those dispatchers makes that a once-per-machine cost (benchmarks/README.md).
    Numba keys the cache on source file and version.
    """
    import umap
    import umap.distances
    import umap.layouts
    import umap.spectral
    import umap.umap_
    import umap.utils
    from numba.core.caching import NullCache
    from numba.core.dispatcher import Dispatcher

    global _UMAP_CACHED
    if not _UMAP_CACHED:
        # NN-descent (pynndescent) is never reached: umap_embed passes its own neighbour graph
        for module in (umap.umap_, umap.layouts, umap.distances, umap.utils, umap.spectral):
            for obj in vars(module).values():
                if isinstance(obj, Dispatcher) and isinstance(obj._cache, NullCache):
                    try:
                        obj.enable_caching()
                    except Exception:  # noqa: BLE001 - an uncachable kernel just compiles, as before
                        pass
        _UMAP_CACHED = True
    return umap


_UMAP_CACHED = False


def labels_for(vectors: np.ndarray, params: ClusterParams, n_interviews: int) -> np.ndarray:
    """Cluster labels (-1 = outlier) for normalized vectors."""
    n = vectors.shape[0]
    if n < 2:
        return -np.ones(n, dtype=int)
    if params.algorithm == "kmeans":
        from sklearn.cluster import KMeans

        k = min(n, params.k or max(2, round(math.sqrt(n / 2))))
        return KMeans(n_clusters=k, n_init=10, random_state=SEED).fit_predict(vectors)
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
    x = PCA(n_components=min(SAMPLE_PCA, vectors.shape[1], n - 1), random_state=SEED).fit_transform(
        vectors).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True) + 1e-12
    m = min(n, SAMPLE_SIZE)
    sample = np.sort(np.random.default_rng(SEED).choice(n, size=m, replace=False))
    emb = umap_embed(x[sample], params.n_components)
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


# editions and company suffixes: "HashiCorp Vault Enterprise" and "Vault OSS" are the same alternative
_SUFFIX = re.compile(r"\b(inc|llc|ltd|the|tool|platform|software|enterprise|oss|open[- ]source|community|"
                     r"edition|self[- ]hosted|free|tier|pro|plan|trial)\b|[^a-z0-9 ]", re.I)


def canonical_name(name: str) -> str:
    return " ".join(_SUFFIX.sub(" ", name.lower()).split())


def group_alternatives(items: list[Alternative]) -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for it in items:
        key = (f"named:{canonical_name(it.name)}" if it.kind in ("competitor", "adjacent_tool")
               else f"kind:{it.kind}")
        groups.setdefault(key, []).append(it.id)
    # "Vault" said in one interview and "HashiCorp Vault" in another are one product: fold a name
    # into the longer name that contains all its words, when exactly one such name exists
    named = sorted((k for k in groups if k.startswith("named:")), key=len)
    for short in named:
        words = set(short[6:].split())
        if not words or max(len(w) for w in words) < 4:
            continue
        longer = [k for k in named if k != short and k in groups and words < set(k[6:].split())]
        if len(longer) == 1 and short in groups:
            groups[longer[0]] += groups.pop(short)
    return list(groups.values())


def _files(item_ids: list[str], by_id: dict[str, Item]) -> list[str]:
    return sorted({e.file for i in item_ids for e in by_id[i].evidence})


def cluster_category(category: str, items: list[Item], vectors: Optional[np.ndarray],
                     params: ClusterParams, n_interviews: int) -> ClusterResult:
    """Cluster one category. `vectors` rows align with `items` (unused for alternatives)."""
    if not items:
        return ClusterResult(clusters=[], unclustered=[])
    order = sorted(range(len(items)), key=lambda i: items[i].id)
    items = [items[i] for i in order]
    by_id = {it.id: it for it in items}
    if category == "alternative":
        groups = group_alternatives(items)  # type: ignore[arg-type]
    else:
        assert vectors is not None
        vectors = vectors[order]
        lab = labels_for(vectors, params, n_interviews)
        lab = prune_incoherent(lab, vectors, params.min_member_similarity)
        groups_d: dict[int, list[str]] = {}
        for it, l in zip(items, lab):
            if l >= 0:
                groups_d.setdefault(int(l), []).append(it.id)
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
