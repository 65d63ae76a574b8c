"""Embeddings: items/s with a cold and a warm workspace cache (all-MiniLM-L6-v2 on CPU).

Texts are distinct 6-12-word windows of the sample transcripts' sentences (the length of extracted
statements, which is what the themes stage embeds). Cold: a fresh workspace, the model already loaded (its load time is reported apart).
Warm: the same texts again in the same workspace: every vector comes from SQLite, none is encoded.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

N_TEXTS = 1500


def run(runs: int = 3, n: int = N_TEXTS) -> dict:
    import torch

    from benchmarks.gen import sentences
    from synth.embed import Embedder, load_model
    from synth.workspace import Workspace

    texts = sentences(n)
    t0 = time.perf_counter()
    load_model(None, "cpu")
    load_s = time.perf_counter() - t0
    cold, warm = [], []
    with tempfile.TemporaryDirectory(prefix="synth-bench-e-") as d:
        for r in range(runs):
            with Workspace(Path(d) / f"ws{r}") as ws:
                e = Embedder(ws, device="cpu")
                t0 = time.perf_counter()
                v1 = e.encode(texts)
                cold.append(time.perf_counter() - t0)
                assert e.stats.encoded == n
                e2 = Embedder(ws, device="cpu")
                t0 = time.perf_counter()
                v2 = e2.encode(texts)
                warm.append(time.perf_counter() - t0)
                assert e2.stats.encoded == 0 and (v1 == v2).all()
    c, w = statistics.median(cold), statistics.median(warm)
    return {"texts": n, "runs": runs, "torch_threads": torch.get_num_threads(),
            "mean_words": round(sum(len(t.split()) for t in texts) / n, 1), "model_load_s": round(load_s, 2),
            "cold_s": round(c, 3), "warm_s": round(w, 3), "cold_items_per_s": round(n / c, 1),
            "warm_items_per_s": round(n / w, 1), "warm_over_cold": round(c / w, 1)}


def rows(r: dict) -> list[dict]:
    return [
        {"benchmark": "embeddings", "measure": f"{r['texts']} texts (~{r['mean_words']:.0f} words), cold cache",
         "result": f"{r['cold_items_per_s']:.0f} items/s", "ratio": None, "target": "~270/s (brief)",
         "ok": None, "runs": r["runs"]},
        {"benchmark": "embeddings", "measure": "same texts, warm cache (no encoding)",
         "result": f"{r['warm_items_per_s']:.0f} items/s", "ratio": r["warm_over_cold"],
         "target": "ratio: warm / cold", "ok": None, "runs": r["runs"]},
        {"benchmark": "embeddings", "measure": "model load (once per process)",
         "result": f"{r['model_load_s']:.1f} s", "ratio": None, "target": "~7 s (brief)", "ok": None, "runs": 1},
    ]
