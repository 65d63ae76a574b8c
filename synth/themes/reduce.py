"""Dimensionality reduction before HDBSCAN: seeded UMAP (cached kernels, own exact neighbours) or PCA.

HDBSCAN degrades above ~50-100 dimensions (hdbscan docs; ANCHORS.md: raw 384-d MiniLM vectors give
ARI 0.01 on BANKING77), so statement vectors are reduced first, except on a handful of items where
UMAP's neighbour graph is unstable.
"""
from __future__ import annotations

import numpy as np

from synth.themes.params import SEED, ClusterParams


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

        return PCA(n_components=min(params.n_components, n - 1), random_state=params.seed).fit_transform(vectors)
    return umap_embed(vectors, params.n_components, params.seed)


def umap_embed(vectors: np.ndarray, n_components: int, seed: int = SEED) -> np.ndarray:
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
                         random_state=seed, init="spectral" if n > 20 else "random", n_jobs=1,
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
