"""Clustering at 1k, 10k and 100k items through `synth.themes.cluster.labels_for` (default ClusterParams).

Vectors: 384-d, L2-normalized, drawn around 25 random unit centres ("themes", Dirichlet-sized),
cosine ~0.7 to their centre (two members of a theme ~0.5, like MiniLM paraphrases), 10% uniform
background (benchmarks/gen.py). n_interviews = n / 20 (20 items per interview), which sets the
adaptive min_cluster_size. From 20,000 items up labels_for takes the sampled large-study path
(synth/cluster.py); below it, UMAP + HDBSCAN on all items (exact neighbours from 4,096 up, no
NN-descent). Each size runs in its own process (peak RSS does not bleed); the per-process warm-up
(imports, UMAP's numba kernels loaded from numba's disk cache: synth.themes.cluster.import_umap) is done on a
small input first and reported apart. ARI against the generating
centres (background excluded) shows the clustering still finds the themes.
"""
from __future__ import annotations

import resource
import statistics
import time

SIZES = (1_000, 10_000, 100_000)
ITEMS_PER_INTERVIEW = 20


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def run(n: int, runs: int = 1) -> dict:
    import numpy as np
    from sklearn.metrics import adjusted_rand_score

    from benchmarks.gen import clustered_vectors
    from synth.themes.cluster import ClusterParams, labels_for

    x, truth = clustered_vectors(n)
    t0 = time.perf_counter()
    warm, _ = clustered_vectors(300, seed=1)
    # imports + UMAP's numba kernels (from numba's disk cache once a machine has compiled them)
    labels_for(warm, ClusterParams(), 300 // ITEMS_PER_INTERVIEW)
    jit_s = time.perf_counter() - t0
    rss_before = _rss_mb()
    walls, labels = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        labels = labels_for(x, ClusterParams(), max(2, n // ITEMS_PER_INTERVIEW))
        walls.append(time.perf_counter() - t0)
    fg = truth >= 0
    return {"n": n, "runs": runs, "wall_s": round(statistics.median(walls), 2),
            "wall_runs_s": [round(w, 2) for w in walls], "jit_warmup_s": round(jit_s, 1),
            "rss_before_mb": round(rss_before), "peak_rss_mb": round(_rss_mb()),
            "true_clusters": int(truth.max()) + 1, "clusters": int(labels.max()) + 1,
            "noise_share": round(float(np.mean(labels == -1)), 3),
            "ari": round(float(adjusted_rand_score(truth[fg], labels[fg])), 3)}


def rows(results: list[dict]) -> list[dict]:
    from synth.themes.cluster import ClusterParams

    out = []
    for r in results:
        big = r["n"] >= 100_000
        path = "sampled path" if r["n"] >= ClusterParams().sample_above else "UMAP on all items"
        out.append({
            "benchmark": "clustering",
            "measure": f"{r['n']:,} items, {path}: wall, peak RSS (themes {r['clusters']}/{r['true_clusters']}, "
                       f"ARI {r['ari']:.2f})",
            "result": f"{r['wall_s']:.1f} s, {r['peak_rss_mb'] / 1024:.2f} GB",
            "ratio": None, "target": "< 120 s, < 3 GB" if big else "-",
            "ok": (r["wall_s"] < 120 and r["peak_rss_mb"] < 3 * 1024) if big else None, "runs": r["runs"]})
    if results:
        out.append({"benchmark": "clustering", "measure": "per-process warm-up: imports + numba kernels from disk cache (not in the above)",
                    "result": f"{statistics.median(r['jit_warmup_s'] for r in results):.1f} s", "ratio": None,
                    "target": "-", "ok": None, "runs": len(results)})
    return out
