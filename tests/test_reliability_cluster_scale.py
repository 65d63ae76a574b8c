"""The large-study clustering path (synth.themes.cluster._labels_sampled): taken only from
`ClusterParams.sample_above` items up with auto reduction, deterministic, and it still finds planted
themes. Small studies (the gold set) never reach it. Timings at 1k/10k/100k: benchmarks/README.md."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from synth.themes import cluster, reduce
from synth.themes.cluster import ClusterParams, labels_for

pytestmark = pytest.mark.timeout(180)


def _vectors(n: int, k: int, seed: int = 0, d: int = 384) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    cent = rng.normal(size=(k, d))
    cent /= np.linalg.norm(cent, axis=1, keepdims=True)
    lab = rng.integers(0, k, n)
    x = cent[lab] + rng.normal(scale=np.sqrt((1 / 0.7 ** 2 - 1) / d), size=(n, d))  # cosine ~0.7 to centre
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32), lab


def test_below_the_threshold_or_with_an_explicit_reduction_the_path_is_unchanged(monkeypatch):
    def boom(*_a, **_k):
        raise AssertionError("sampled path taken")

    monkeypatch.setattr(cluster, "_labels_sampled", boom)
    assert ClusterParams().sample_above >= 5_000  # everything the gold set measures is below it
    x, _ = _vectors(300, 4)
    labels_for(x, ClusterParams(reduction="none"), n_interviews=20)
    labels_for(x, ClusterParams(reduction="pca", sample_above=100), n_interviews=20)  # explicit: honoured


def test_sampled_path_finds_planted_themes_and_is_deterministic(monkeypatch):
    monkeypatch.setattr(cluster, "SAMPLE_SIZE", 400)  # the real 4,000 behaves the same, only slower
    x, truth = _vectors(3000, 6)
    params = ClusterParams(sample_above=1000)
    called = []
    real = cluster._labels_sampled
    monkeypatch.setattr(cluster, "_labels_sampled", lambda *a: called.append(1) or real(*a))
    a = labels_for(x, params, n_interviews=150)
    assert called == [1]
    assert a.shape == (3000,) and a.min() >= -1
    assert adjusted_rand_score(truth, a) > 0.9, adjusted_rand_score(truth, a)
    assert np.mean(a == -1) < 0.05
    b = labels_for(x, params, n_interviews=150)
    assert (a == b).all()  # seeded sample, seeded PCA and UMAP, deterministic vote


def test_exact_knn_is_the_graph_umap_builds_itself_on_small_data():
    import umap.umap_ as umap_
    from sklearn.metrics import pairwise_distances

    x, _ = _vectors(500, 5, seed=3)
    idx, dist = reduce.exact_knn(x, 15, block=128)  # several blocks, one ragged
    ref_idx, ref_dist, _ = umap_.nearest_neighbors(pairwise_distances(x, metric="cosine"), 15, "precomputed",
                                                   {}, False, np.random.RandomState(42))
    assert (idx[:, 0] == np.arange(500)).all() and (dist[:, 0] == 0).all()
    assert np.mean(idx == ref_idx) > 0.999  # a near-tie may swap two neighbours
    assert np.abs(dist - ref_dist).max() < 1e-5


def test_umap_kernels_are_cached_on_disk_after_import():
    from numba.core.caching import NullCache

    umap = reduce.import_umap()
    kernel = umap.umap_.smooth_knn_dist  # compiled without cache=True by umap-learn itself
    assert not isinstance(kernel._cache, NullCache)
