"""`python -m evals.clustering`: how well do clustering pipelines recover known groups in real
customer messages? BANKING77 (Casanueva et al. 2020, CC BY 4.0; see ../shared/data/README.md).

    python -m evals.clustering                      # 3,080 messages (40 per intent), halves, 5 seeds
    python -m evals.clustering --seeds 0,1          # fewer seeds
    python -m evals.clustering --data PATH.csv      # any CSV with text,category columns

Every text is embedded once with the bundled all-MiniLM-L6-v2 (normalized) and the vectors are
cached in evals/.cache/ as .npy, keyed by the SHA-256 of the data file.

Tune on one half, report on the other: the stratified sample is split into two stratified halves
(`split_halves`, seed --seed). On the tune half, min_cluster_size is chosen from GRID (seed 0, best
ARI) for synth's pipeline and, separately, for the BERTopic-style pipeline. Every reported number
comes from the report half, for every seed in --seeds (mean ± sample sd):

* **synth pipeline**: `HdbscanClusterer(ClusterParams(min_cluster_size=tuned, seed=s))` then
  `prune_incoherent`, as `synth.themes.cluster.cluster_category` runs it.
* **BERTopic-style** (`evals.baselines.bertopic_style`): UMAP 5-d / 15 neighbours / min_dist 0 /
  cosine, seeded, + HDBSCAN eom with min_samples = min_cluster_size, at synth's tuned size
  (matched), at its own tuned size, and at BERTopic's default 10.
* **BERTopic itself** (`pip install -e '.[evals]'`): `BERTopic(min_topic_size=synth's tuned size,
  umap_model=UMAP(BERTopic's shape, random_state=s))` given the vectors, when importable.
* **k-means, true k** and **HDBSCAN on raw vectors** (no reduction: why reduction matters).

Every method is a `Clusterer` object (evals/baselines.py) on the same vectors. Metrics: ARI and
NMI with the -1 outliers as one more cluster, ARI on clustered messages only, outlier share, wall
and CPU seconds, peak RSS growth (psutil, sampled every 5 ms). Each method runs in its own fresh
(spawned) process, all seeds in a row, after importing its libraries and compiling UMAP's numba
code outside the timing.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Callable, Optional

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402

from evals.measuring import measure  # noqa: E402

HERE = Path(__file__).resolve().parent
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "banking77_train.csv"
CACHE = HERE / ".cache"
RESULTS = HERE / "clustering_results.json"
UMAP_METHODS = ("synth", "bertopic_matched", "bertopic_tuned", "bertopic_default", "bertopic_real")


# ------------------------------------------------------------------------------------ data

def read_data(path: Path) -> tuple[list[str], list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if not rows or "text" not in rows[0] or "category" not in rows[0]:
        raise SystemExit(f"{path}: expected a CSV with 'text' and 'category' columns")
    return [r["text"] for r in rows], [r["category"] for r in rows]


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def embed_cached(texts: list[str], path: Path, model_name: str = "all-MiniLM-L6-v2"
                 ) -> tuple[np.ndarray, Optional[float], Path]:
    """Vectors for every row of the file, from the cache or freshly encoded (then cached)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    cache = CACHE / f"{path.stem}_{file_hash(path)}_{model_name}.npy"
    if cache.exists():
        vecs = np.load(cache)
        if vecs.shape[0] == len(texts):
            return vecs, None, cache
    from synth.embed import Embedder

    t0 = time.perf_counter()
    vecs = Embedder().encode(texts)
    seconds = time.perf_counter() - t0
    np.save(cache, vecs)
    return vecs, seconds, cache


def stratified_sample(labels: list[str], n: int, seed: int = 0) -> np.ndarray:
    """Row indexes (sorted): n // K per label, leftovers one each to labels with spare rows in
    name order; a label with fewer rows gives all it has."""
    if n <= 0 or n >= len(labels):
        return np.arange(len(labels))
    rng = np.random.default_rng(seed)
    by: dict[str, list[int]] = {}
    for i, lab in enumerate(labels):
        by.setdefault(lab, []).append(i)
    names = sorted(by)
    quota = {k: min(len(by[k]), n // len(names)) for k in names}
    left = n - sum(quota.values())
    while left > 0:
        spare = [k for k in names if len(by[k]) > quota[k]]
        if not spare:
            break
        for k in spare:
            if left == 0:
                break
            quota[k] += 1
            left -= 1
    picked = []
    for k in names:
        idx = np.array(by[k])
        picked.extend(rng.choice(idx, size=quota[k], replace=False).tolist())
    return np.array(sorted(picked))


# ------------------------------------------------------------------------------------ measuring

def _child(key: str, cfg: dict, seeds: list[int], x: np.ndarray, texts: list[str], conn) -> None:
    """Runs in a fresh (spawned) process: warm up, then measure one method over every seed."""
    import warnings

    warnings.filterwarnings("ignore")
    try:
        preload(key)
        out = []
        for seed in seeds:
            fn = method_fn(key, cfg, seed, texts)
            out.append(measure(lambda: fn(x)))  # noqa: B023 - called at once
        conn.send(("ok", out))
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def measure_isolated(key: str, cfg: dict, seeds: list[int], x: np.ndarray, texts: list[str]) -> list:
    """Measure one method (every seed) in a fresh spawned process: no method reuses memory another
    one freed (which would make it look cheaper), results do not depend on the order, and no thread
    pool (OpenMP, numba, torch) is inherited across a fork. Warm-up runs in the child, outside the timing."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(key, cfg, list(seeds), x, texts, send), daemon=True)
    proc.start()
    send.close()
    try:
        status, payload = recv.recv()
    except EOFError:
        proc.join()
        raise RuntimeError(f"the measuring process died (exit code {proc.exitcode})") from None
    proc.join()
    if status != "ok":
        raise RuntimeError(payload)
    return payload


def scores(true: list[str], labels: np.ndarray) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    lab = [str(x) for x in labels]
    keep = labels != -1
    t_keep = [t for t, k in zip(true, keep) if k]
    l_keep = [x for x, k in zip(lab, keep) if k]
    return {
        "ari": float(adjusted_rand_score(true, lab)),
        "nmi": float(normalized_mutual_info_score(true, lab)),
        "ari_clustered_only": float(adjusted_rand_score(t_keep, l_keep)) if t_keep else None,
        "outlier_share": float((~keep).mean()),
        "clusters": int(len(set(labels.tolist()) - {-1})),
    }


# ------------------------------------------------------------------------------------ methods

def method_fn(key: str, cfg: dict, seed: int, texts: list[str]) -> Callable[[np.ndarray], np.ndarray]:
    """The labelling function of one method at one seed; every method is a Clusterer object
    (evals.baselines) run on the same vectors."""
    from evals import baselines as b
    from synth.themes.cluster import ClusterParams, HdbscanClusterer, prune_incoherent

    if key == "synth":
        params = ClusterParams(min_cluster_size=cfg["synth_mcs"], seed=seed)

        def synth(x):  # as synth's cluster_category runs it: labels, then incoherent members out
            return prune_incoherent(HdbscanClusterer(params).labels(x, 0), x, params.min_member_similarity)
        return synth
    clusterer = {
        "bertopic_matched": lambda: b.bertopic_style(cfg["synth_mcs"], seed),
        "bertopic_tuned": lambda: b.bertopic_style(cfg["bertopic_mcs"], seed),
        "bertopic_default": lambda: b.bertopic_style(10, seed),
        "bertopic_real": lambda: b.BertopicClusterer(cfg["synth_mcs"], seed, texts),
        "kmeans_true_k": lambda: b.kmeans(cfg["k"], seed),
        "hdbscan_raw": lambda: HdbscanClusterer(ClusterParams(reduction="none", selection="eom", min_cluster_size=10,
                                                              min_samples=None)),
    }[key]()
    return lambda x: clusterer.labels(x, 0)


def method_label(key: str, cfg: dict) -> str:
    from synth.themes.cluster import ClusterParams

    p = ClusterParams()
    return {
        "synth": f"synth pipeline (auto reduction, {p.selection}, min_samples {p.min_samples}, prune "
                 f"{p.min_member_similarity:g}), mcs {cfg['synth_mcs']} (tuned)",
        "bertopic_matched": f"BERTopic-style (UMAP 5/15/0.0 cosine, HDBSCAN eom), mcs {cfg['synth_mcs']} (synth's)",
        "bertopic_tuned": f"BERTopic-style, mcs {cfg['bertopic_mcs']} (tuned for it)",
        "bertopic_default": "BERTopic-style default, mcs 10",
        "bertopic_real": f"BERTopic (real), min_topic_size {cfg['synth_mcs']} (synth's), seeded UMAP",
        "kmeans_true_k": f"k-means, true k = {cfg['k']}",
        "hdbscan_raw": "HDBSCAN on raw 384-d vectors (eom, mcs 10; no seed involved)",
    }[key]


def preload(key: str) -> None:
    """Import what a method imports lazily, and compile UMAP's numba code, outside the timings."""
    import hdbscan  # noqa: F401
    import sklearn.cluster  # noqa: F401

    if key == "bertopic_real":
        import bertopic  # noqa: F401
    if key in UMAP_METHODS:
        warm_up()


def warm_up() -> None:
    """Compile UMAP's numba code outside the timings."""
    import umap

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 16)).astype(np.float32)
    umap.UMAP(n_components=5, n_neighbors=15, random_state=42, n_jobs=1).fit_transform(x)


# ------------------------------------------------------------------------------------ main

GRID = (5, 8, 10, 15, 20, 30)
REPORT_METHODS = ("synth", "bertopic_matched", "bertopic_tuned", "bertopic_default", "bertopic_real",
                  "kmeans_true_k", "hdbscan_raw")


def split_halves(labels: list[str], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions of a stratified half (tune) and the other half (report): each label's rows are
    shuffled with `seed` and split in two (an odd row goes to the report half)."""
    rng = np.random.default_rng(seed)
    by: dict[str, list[int]] = {}
    for i, lab in enumerate(labels):
        by.setdefault(lab, []).append(i)
    tune, report = [], []
    for k in sorted(by):
        rows = rng.permutation(by[k]).tolist()
        tune += rows[: len(rows) // 2]
        report += rows[len(rows) // 2:]
    return np.array(sorted(tune)), np.array(sorted(report))


def tune(x: np.ndarray, true: list[str], texts: list[str], grid=GRID) -> dict:
    """ARI on the tune half for synth and the BERTopic-style pipeline at each min_cluster_size (seed 0),
    in this process (no timing needed). Returns the grid and the best size of each."""
    warm_up()
    out: dict = {"grid": {}, "synth_mcs": None, "bertopic_mcs": None}
    best = {"synth": (-1.0, None), "bertopic_tuned": (-1.0, None)}
    for mcs in grid:
        cfg = {"synth_mcs": mcs, "bertopic_mcs": mcs, "k": 0}
        row = {}
        for key in best:
            ari = scores(true, np.asarray(method_fn(key, cfg, 0, texts)(x)))["ari"]
            row[key] = round(ari, 4)
            if ari > best[key][0]:
                best[key] = (ari, mcs)
        out["grid"][mcs] = row
    out["synth_mcs"], out["bertopic_mcs"] = best["synth"][1], best["bertopic_tuned"][1]
    return out


def main(argv: Optional[list[str]] = None) -> int:
    from evals.baselines import SEEDS, bertopic_available, spread

    ap = argparse.ArgumentParser(prog="python -m evals.clustering",
                                 description="Clustering benchmark on BANKING77: tune on one half, report on the other.")
    ap.add_argument("--data", type=Path, default=DATA, help=f"CSV with text,category (default {DATA})")
    ap.add_argument("--sample", type=int, default=3080,
                    help="messages, stratified by intent, seed --seed (0 = all; default 3080), then split in halves")
    ap.add_argument("--seed", type=int, default=0, help="sampling and half-split seed")
    ap.add_argument("--seeds", type=lambda v: tuple(int(a) for a in v.split(",")), default=SEEDS,
                    help="clustering seeds on the report half (default 0,1,2,3,4)")
    ap.add_argument("--no-raw", action="store_true", help="skip HDBSCAN on raw vectors")
    ap.add_argument("--no-bertopic", action="store_true", help="do not run the real BERTopic")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)

    import warnings

    warnings.filterwarnings("ignore")
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 140)
    if not args.data.exists():
        console.print(f"[red]no data at {args.data}[/]: pass --data PATH (a CSV with text,category)")
        return 2
    texts_all, labels_all = read_data(args.data)
    vecs_all, embed_s, cache = embed_cached(texts_all, args.data)
    idx = stratified_sample(labels_all, args.sample, args.seed)
    labels = [labels_all[i] for i in idx]
    tune_pos, report_pos = split_halves(labels, args.seed)
    half = {}
    for name, pos in (("tune", tune_pos), ("report", report_pos)):
        rows = idx[pos]
        half[name] = (np.ascontiguousarray(vecs_all[rows]), [labels_all[i] for i in rows], [texts_all[i] for i in rows])
    k = len(set(labels))
    console.print(f"[bold]{args.data.name}[/]: {len(idx)} of {len(texts_all)} messages, {k} intents, split "
                  f"{len(tune_pos)} tune / {len(report_pos)} report (stratified, seed {args.seed}); vectors "
                  f"{'encoded in %.0f s and cached' % embed_s if embed_s else 'from cache'} ({cache.name})")
    console.print(f"tuning min_cluster_size on the tune half over {list(GRID)} ...")
    tuned = tune(*half["tune"])
    cfg = {"synth_mcs": tuned["synth_mcs"], "bertopic_mcs": tuned["bertopic_mcs"], "k": k}
    console.print(f"tuned: synth mcs {cfg['synth_mcs']}, BERTopic-style mcs {cfg['bertopic_mcs']}")
    results: dict = {"data": str(args.data.name), "rows": len(idx), "rows_total": len(texts_all), "intents": k,
                     "sample": args.sample, "split_seed": args.seed, "tune_rows": len(tune_pos),
                     "report_rows": len(report_pos), "seeds": list(args.seeds), "tuning": tuned,
                     "embedding_seconds": None if embed_s is None else round(embed_s, 1),
                     "environment": {"python": platform.python_version(), "cpus": os.cpu_count()}, "methods": {}}
    x, true, texts = half["report"]
    for key in REPORT_METHODS:
        label = method_label(key, cfg)
        if key == "hdbscan_raw" and args.no_raw:
            continue
        if key == "bertopic_real":
            ok, why = bertopic_available()
            if args.no_bertopic or not ok:
                results["methods"][key] = {"label": label, "skipped": "--no-bertopic" if ok else why}
                continue
            label = label.replace("BERTopic (real)", why)
        seeds = [0] if key == "hdbscan_raw" else list(args.seeds)
        console.print(f"running {label} over seeds {seeds} ...")
        runs = measure_isolated(key, cfg, seeds, x, texts)
        per = [scores(true, lab) for lab, *_ in runs]
        results["methods"][key] = {
            "label": label, "per_seed": per,
            **{m: spread([p[m] for p in per]) for m in ("ari", "nmi", "ari_clustered_only", "outlier_share",
                                                         "clusters")},
            "seconds": spread([r[1] for r in runs]), "cpu_seconds": spread([r[2] for r in runs]),
            "peak_rss_mb": spread([None if r[3] is None else r[3] / 2 ** 20 for r in runs])}

    t = Table(title=f"BANKING77 report half: {len(report_pos)} messages, {k} intents, MiniLM vectors; mean ± sd over "
                    f"seeds {list(args.seeds)} ({os.cpu_count()} CPU cores)", title_justify="left")
    for col in ("pipeline", "clusters", "ARI", "NMI", "ARI\nclustered\nonly", "outliers", "wall s", "CPU s", "peak\nMB"):
        t.add_column(col, justify="left" if col == "pipeline" else "right")

    def ms(s, d=2):
        return "n/a" if s["mean"] is None else f"{s['mean']:.{d}f} ± {s['sd']:.{d}f}"

    for r in results["methods"].values():
        if "skipped" in r:
            t.add_row(r["label"], r["skipped"][:60], *[""] * 7)
            continue
        t.add_row(r["label"], f"{r['clusters']['mean']:.0f}", ms(r["ari"]), ms(r["nmi"]), ms(r["ari_clustered_only"]),
                  f"{r['outlier_share']['mean']:.1%}", f"{r['seconds']['mean']:.1f}", f"{r['cpu_seconds']['mean']:.1f}",
                  "n/a" if r["peak_rss_mb"]["mean"] is None else f"{r['peak_rss_mb']['mean']:.0f}")
    t.caption = ("min_cluster_size tuned on the other (tune) half only, for synth and for the BERTopic-style "
                 "pipeline each; 'matched' rows use synth's tuned size. ARI / NMI: outliers (-1) are one more "
                 "cluster. Each pipeline runs in a fresh process; wall/CPU s cover the clustering alone.")
    t.caption_justify = "left"
    console.print(t)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    console.print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
