"""Run ONE benchmark in this (fresh) process and write its result as JSON, with this process's
peak RSS, so numbers from one benchmark never bleed into another's.

    python -m benchmarks._child NAME --out result.json [--runs N] [--profile prof.txt]

NAME: extraction, embeddings, ingest, score, web, startup, clustering:<n>.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path


def _run(name: str, runs: int | None) -> dict:
    if name == "extraction":
        from benchmarks import bench_extraction as b

        return b.run(runs=runs or 3)
    if name == "embeddings":
        from benchmarks import bench_embeddings as b

        return b.run(runs=runs or 3)
    if name == "ingest":
        from benchmarks import bench_ingest as b

        return b.run(runs=runs or 3)
    if name == "score":
        from benchmarks import bench_score as b

        out = b.run(rows=1_000_000, runs=runs or 3)
        out["tier_counts"] = {str(k): v for k, v in (out.get("tier_counts") or {}).items()}
        return out
    if name == "startup":
        from benchmarks import bench_startup as b

        return b.run(runs=runs or 5)
    if name == "web":
        from benchmarks import bench_web as b

        return b.run(runs=runs or 7)
    if name.startswith("clustering:"):
        from benchmarks import bench_clustering as b

        n = int(name.split(":", 1)[1])
        return b.run(n, runs=runs or (3 if n <= 10_000 else 1))
    raise SystemExit(f"unknown benchmark {name!r}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int)
    ap.add_argument("--profile", help="write a cProfile report (top functions, cumulative) here")
    a = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    t0 = time.perf_counter()
    if a.profile:
        import cProfile
        import io
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        result = _run(a.name, a.runs)
        prof.disable()
        buf = io.StringIO()
        st = pstats.Stats(prof, stream=buf)
        st.sort_stats("cumulative").print_stats(45)
        buf.write("\n\n---- by own time ----\n")
        st.sort_stats("tottime").print_stats(25)
        Path(a.profile).write_text(buf.getvalue(), encoding="utf-8")
    else:
        result = _run(a.name, a.runs)
    result["process_s"] = round(time.perf_counter() - t0, 1)
    result["peak_rss_mb"] = result.get("peak_rss_mb") or round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    Path(a.out).write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
