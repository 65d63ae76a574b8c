"""`python -m evals.clustering`: how well do clustering pipelines recover known groups in real
customer messages? BANKING77 (Casanueva et al. 2020, CC BY 4.0; see ../shared/data/README.md).

    python -m evals.clustering                      # 3,080 messages, 40 per intent, seed 0
    python -m evals.clustering --sample 0           # all 10,003 messages
    python -m evals.clustering --data PATH.csv      # any CSV with text,category columns

Every text is embedded once with the bundled all-MiniLM-L6-v2 (normalized) and the vectors are
cached in evals/.cache/ as .npy, keyed by the SHA-256 of the data file. Then, on the same vectors:

* **synth pipeline**: `synth.themes.cluster.labels_for` with synth's default `ClusterParams` (whatever
  they are at the time: the row's label spells them out; UMAP 5-d seeded, min_samples 1 when this
  was written) followed by `prune_incoherent` (members less cosine-similar to their cluster than
  `min_member_similarity` go back to the outliers), as `synth.themes` runs it.
  `min_cluster_size` is set explicitly to 10 (the BERTopic default): synth's adaptive size is
  meant for interview studies (about a fifth of the interviews), and a pile of 3,080 messages has
  no interview count; `--synth-mcs` changes it.
* **BERTopic-style default**: UMAP (5 dims, 15 neighbours, min_dist 0.0, cosine) + HDBSCAN (eom,
  min_cluster_size 10, min_samples = min_cluster_size), via `labels_for` with those parameters.
  UMAP is seeded (random_state 42, as synth does); BERTopic itself leaves it unseeded.
* **k-means, true k**: scikit-learn KMeans with k = the number of intents (n_init 10, seed 42).
* **HDBSCAN on raw vectors**: the same HDBSCAN (eom, mcs 10) with no reduction, to show why
  reduction matters.
* **BERTopic itself** (`pip install -e '.[evals]'`): `BERTopic().fit_transform(texts, embeddings)`
  with every default, when the package is importable; otherwise the row says it was skipped.

Metrics: adjusted Rand index and NMI against the intents, with the -1 outliers as one more
cluster (a plain scikit-learn call on the labels); also ARI on the clustered messages only;
outlier share; wall time; peak memory = the highest resident-set size sampled every 5 ms while the
method runs, minus the RSS before it (psutil; the vectors are already in memory). Each method runs
in its own fresh process (so no method reuses memory another one freed), where the libraries it
uses are imported and UMAP's numba code is compiled on a small warm-up array first, outside the
timing. Wall time on a shared machine varies with load: CPU time (all threads) is reported too.

Sampling (`--sample N`, default 3080): stratified by intent with seed 0: N // K messages per
intent (an intent with fewer gives all it has), and the slots left over go one each to the
intents with spare messages, in name order; rows are then used in file order. `--sample 0` uses
every row.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Optional

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "banking77_train.csv"
CACHE = HERE / ".cache"
RESULTS = HERE / "clustering_results.json"
UMAP_METHODS = ("synth", "bertopic_style", "bertopic")


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
    from synth.themes.embed import Embedder

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

class PeakRSS:
    """Highest RSS (bytes) seen by a 5 ms sampler while the block runs, minus the RSS before it."""

    def __init__(self, interval: float = 0.005):
        self.interval = interval
        self.peak_delta: Optional[int] = None

    def __enter__(self):
        try:
            import psutil
        except ImportError:   # pragma: no cover - psutil is in the dev extra
            self._proc = None
            return self
        self._proc = psutil.Process()
        self._base = self._proc.memory_info().rss
        self._peak = self._base
        self._stop = threading.Event()

        def run():
            while not self._stop.is_set():
                try:
                    self._peak = max(self._peak, self._proc.memory_info().rss)
                except Exception:  # noqa: BLE001
                    pass
                self._stop.wait(self.interval)

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        if self._proc is None:
            return False
        self._stop.set()
        self._thread.join()
        self._peak = max(self._peak, self._proc.memory_info().rss)
        self.peak_delta = self._peak - self._base
        return False


def measure(fn: Callable[[], np.ndarray]) -> tuple[np.ndarray, float, float, Optional[int]]:
    """(labels, wall seconds, CPU seconds of the whole process, peak RSS growth in bytes)."""
    import gc

    gc.collect()
    with PeakRSS() as mem:
        c0, t0 = time.process_time(), time.perf_counter()
        labels = fn()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return np.asarray(labels), seconds, cpu, mem.peak_delta


def _child(key: str, k: int, synth_mcs: int, x: np.ndarray, texts: list[str], conn) -> None:
    """Runs in a fresh (spawned) process: warm up, then measure one method."""
    import warnings

    warnings.filterwarnings("ignore")
    try:
        if key == "bertopic":
            run, why = bertopic_runner()
            if run is None:
                raise RuntimeError(why)
            fn = lambda: run(texts, x)  # noqa: E731
        else:
            method = methods(k, synth_mcs)[key][1]
            fn = lambda: method(x)  # noqa: E731
        preload(key)
        conn.send(("ok", measure(fn)))
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def measure_isolated(key: str, k: int, synth_mcs: int, x: np.ndarray, texts: list[str]
                     ) -> tuple[np.ndarray, float, float, Optional[int]]:
    """Measure one method in a fresh spawned process: no method reuses memory another one freed
    (which would make it look cheaper), results do not depend on the order, and no thread pool
    (OpenMP, numba, torch) is inherited across a fork. Warm-up runs in the child, outside the timing."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(key, k, synth_mcs, x, texts, send), daemon=True)
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

def methods(k: int, synth_mcs: int, include_raw: bool = True) -> dict[str, tuple[str, Callable]]:
    from synth.themes.cluster import ClusterParams, HdbscanClusterer, KMeansClusterer, prune_incoherent

    synth_params = ClusterParams(min_cluster_size=synth_mcs)
    bertopic_style = HdbscanClusterer(ClusterParams(reduction="umap", selection="eom", min_cluster_size=10,
                                                    min_samples=None))
    raw = HdbscanClusterer(ClusterParams(reduction="none", selection="eom", min_cluster_size=10, min_samples=None))

    def synth(x):
        lab = HdbscanClusterer(synth_params).labels(x, n_interviews=0)
        return prune_incoherent(lab, x, synth_params.min_member_similarity)

    out = {
        "synth": (f"synth pipeline ({synth_params.reduction} reduction, {synth_params.selection}, mcs {synth_mcs}, "
                  f"min_samples {synth_params.min_samples}, prune {synth_params.min_member_similarity:g})", synth),
        "bertopic_style": ("BERTopic-style default (UMAP 5/15/0.0 cosine, HDBSCAN eom mcs 10)",
                           lambda x: bertopic_style.labels(x, 0)),
        "kmeans_true_k": (f"k-means, true k = {k}", lambda x: KMeansClusterer(k).labels(x, 0)),
    }
    if include_raw:
        out["hdbscan_raw"] = ("HDBSCAN on raw 384-d vectors (eom, mcs 10)", lambda x: raw.labels(x, 0))
    return out


def bertopic_runner():
    try:
        from bertopic import BERTopic  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - any import problem means "not available"
        return None, f"skipped: bertopic is not importable ({type(exc).__name__}: {exc}); " \
                     "install the evals extra: pip install -e '.[evals]'"

    def run(texts, x):
        from bertopic import BERTopic

        topics, _ = BERTopic().fit_transform(texts, embeddings=x)
        return np.asarray(topics)

    return run, None


def preload(key: str) -> None:
    """Import what a method imports lazily, and compile UMAP's numba code, outside the timings."""
    import hdbscan  # noqa: F401
    import sklearn.cluster  # noqa: F401

    if key == "bertopic":
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

def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.clustering",
                                 description="Clustering benchmark on BANKING77 (labelled customer messages).")
    ap.add_argument("--data", type=Path, default=DATA, help=f"CSV with text,category (default {DATA})")
    ap.add_argument("--sample", type=int, default=3080,
                    help="messages to cluster, stratified by intent, seed --seed (0 = all; default 3080)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--synth-mcs", type=int, default=10, help="min_cluster_size for synth's pipeline")
    ap.add_argument("--no-raw", action="store_true", help="skip HDBSCAN on raw vectors")
    ap.add_argument("--no-bertopic", action="store_true", help="do not run the real BERTopic")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)

    import warnings

    warnings.filterwarnings("ignore")
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(width=None if sys.stdout.isatty() else 130)
    if not args.data.exists():
        console.print(f"[red]no data at {args.data}[/]: pass --data PATH (a CSV with text,category)")
        return 2
    texts_all, labels_all = read_data(args.data)
    vecs_all, embed_s, cache = embed_cached(texts_all, args.data)
    idx = stratified_sample(labels_all, args.sample, args.seed)
    texts = [texts_all[i] for i in idx]
    true = [labels_all[i] for i in idx]
    x = np.ascontiguousarray(vecs_all[idx])
    k = len(set(true))
    console.print(f"[bold]{args.data.name}[/]: {len(texts)} of {len(texts_all)} messages, {k} intents; "
                  f"vectors {'encoded in %.0f s and cached' % embed_s if embed_s else 'from cache'} ({cache.name})")
    results: dict = {"data": str(args.data.name), "rows": len(texts), "rows_total": len(texts_all),
                     "intents": k, "sample": args.sample, "seed": args.seed,
                     "embedding_seconds": None if embed_s is None else round(embed_s, 1),
                     "environment": {"python": platform.python_version(), "cpus": os.cpu_count()},
                     "methods": {}}
    for key, (label, _) in methods(k, args.synth_mcs, not args.no_raw).items():
        console.print(f"running {label} ...")
        lab, secs, cpu, mem = measure_isolated(key, k, args.synth_mcs, x, texts)
        results["methods"][key] = {"label": label, **scores(true, lab), "seconds": round(secs, 2),
                                   "cpu_seconds": round(cpu, 2),
                                   "peak_rss_mb": None if mem is None else round(mem / 2 ** 20, 1)}
    if args.no_bertopic:
        results["methods"]["bertopic"] = {"label": "BERTopic (real)", "skipped": "--no-bertopic"}
    else:
        run, why = bertopic_runner()
        if run is None:
            results["methods"]["bertopic"] = {"label": "BERTopic (real)", "skipped": why}
        else:
            console.print("running BERTopic (real) ...")
            lab, secs, cpu, mem = measure_isolated("bertopic", k, args.synth_mcs, x, texts)
            import bertopic

            results["methods"]["bertopic"] = {"label": f"BERTopic {bertopic.__version__} (real, all defaults)",
                                              **scores(true, lab), "seconds": round(secs, 2),
                                              "cpu_seconds": round(cpu, 2),
                                              "peak_rss_mb": None if mem is None else round(mem / 2 ** 20, 1)}

    t = Table(title=f"Clustering BANKING77: {len(texts)} customer messages, {k} intents, MiniLM vectors "
                    f"({os.cpu_count()} CPU cores)", title_justify="left")
    for col in ("pipeline", "clusters", "ARI", "NMI", "ARI\nclustered\nonly", "outliers", "wall s",
                "CPU s", "peak\nMB"):
        t.add_column(col, justify="left" if col == "pipeline" else "right")
    for key, r in results["methods"].items():
        if "skipped" in r:
            t.add_row(r["label"], *[""] * 8)
            t.add_row(Text("  " + r["skipped"], style="dim"), *[""] * 8)
            continue
        t.add_row(r["label"], str(r["clusters"]), f"{r['ari']:.2f}", f"{r['nmi']:.2f}",
                  "n/a" if r["ari_clustered_only"] is None else f"{r['ari_clustered_only']:.2f}",
                  f"{r['outlier_share']:.1%}", f"{r['seconds']:.1f}", f"{r['cpu_seconds']:.1f}",
                  "n/a" if r["peak_rss_mb"] is None else f"{r['peak_rss_mb']:.0f}")
    t.caption = ("ARI / NMI: outliers (-1) count as one more cluster. ARI clustered only: the same on the "
                 "messages given a cluster. wall s / CPU s: the clustering alone (vectors cached; CPU time of "
                 "all threads). peak MB: highest RSS during the run minus RSS before it. Each pipeline runs in "
                 "a fresh process.")
    t.caption_justify = "left"
    console.print(t)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    console.print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
