"""Run the benchmarks, print ONE table, write benchmarks/results.json.

    python -m benchmarks                      # all of them (make bench); ~4 minutes on 2 cores
    python -m benchmarks extraction           # one (or several) by name
    python -m benchmarks clustering --sizes 1000,10000
    python -m benchmarks ingest --profile     # also write benchmarks/profiles/ingest.txt (cProfile)

Names: extraction, embeddings, clustering, ingest, score, web, startup. Every benchmark (every clustering size)
runs in its own process, so each peak RSS is that benchmark's alone. Results of a partial run are
merged into the existing results.json. Medians of --runs repeats (default 3; the 100k clustering runs
once). The machine is shared and noisy: where a ratio is the claim, the ratio is reported.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NAMES = ("extraction", "embeddings", "clustering", "ingest", "score", "web", "startup")
TIMEOUT_S = {"extraction": 900, "embeddings": 600, "ingest": 600, "score": 600, "clustering": 1200, "web": 600, "startup": 300}


def _child(name: str, runs: int | None, profile: Path | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="synth-bench-") as d:
        out = Path(d) / "result.json"
        cmd = [sys.executable, "-m", "benchmarks._child", name, "--out", str(out)]
        if runs:
            cmd += ["--runs", str(runs)]
        if profile:
            profile.parent.mkdir(parents=True, exist_ok=True)
            cmd += ["--profile", str(profile)]
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        t0 = time.perf_counter()
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        try:
            res = subprocess.run(cmd, cwd=ROOT, env=env, timeout=TIMEOUT_S[name.split(":")[0]],
                                 stdout=sys.stderr, stderr=sys.stderr)
        except subprocess.TimeoutExpired:
            return {"error": f"timed out after {TIMEOUT_S[name.split(':')[0]]} s"}
        print(f"[bench] {name} done in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
        if res.returncode != 0 or not out.exists():
            return {"error": f"exit code {res.returncode}"}
        return json.loads(out.read_text(encoding="utf-8"))


def _rows(name: str, result) -> list[dict]:
    from benchmarks import bench_clustering, bench_embeddings, bench_extraction, bench_ingest, bench_startup, bench_web

    if name == "clustering":
        ok = [r for r in result if "error" not in r]
        rows = bench_clustering.rows(ok)
        for row, r in zip(rows, ok):
            row["rss_mb"] = r["peak_rss_mb"]
        return rows + [_error_row(name, r) for r in result if "error" in r]
    if "error" in result:
        return [_error_row(name, result)]
    if name == "score":
        rows = [{"benchmark": "score", "measure": f"{result['rows']:,} accounts: read CSV + score",
                 "result": f"{result['read_score_s']:.2f} s (read {result['read_s']:.2f} + score {result['score_s']:.2f})",
                 "ratio": None, "target": "< 10 s", "ok": result["read_score_s"] < 10, "runs": result["runs"]}]
        if "learn_s" in result:
            rows.append({"benchmark": "score", "measure": f"{result['learn_rows']:,} accounts with outcomes: learn points",
                         "result": f"{result['learn_s']:.2f} s", "ratio": None, "target": "< 30 s",
                         "ok": result["learn_s"] < 30, "runs": result["runs"]})
    else:
        mod = {"extraction": bench_extraction, "embeddings": bench_embeddings, "ingest": bench_ingest, "web": bench_web,
               "startup": bench_startup}[name]
        rows = mod.rows(result)
    for row in rows:
        row["rss_mb"] = result.get("peak_rss_mb")
    return rows


def _error_row(name: str, result: dict) -> dict:
    return {"benchmark": name, "measure": str(result.get("n", "")), "result": result["error"], "ratio": None,
            "target": "-", "ok": False, "runs": 0, "rss_mb": None}


def _table(rows: list[dict], title: str):
    from rich.table import Table

    t = Table(title=title, show_lines=False)
    for c, j in [("benchmark", "left"), ("measure", "left"), ("result", "right"), ("ratio", "right"),
                 ("target", "left"), ("ok", "center"), ("runs", "right"), ("peak RSS", "right")]:
        t.add_column(c, justify=j)
    prev = None
    for r in rows:
        if prev is not None and r["benchmark"] != prev:
            t.add_section()
        prev = r["benchmark"]
        ok = {True: "[green]yes[/green]", False: "[red]NO[/red]", None: "-"}[r.get("ok")]
        ratio = "-" if r.get("ratio") is None else f"{r['ratio']:.2f}x"
        rss = "-" if not r.get("rss_mb") else f"{r['rss_mb'] / 1024:.2f} GB"
        t.add_row(r["benchmark"], r["measure"], r["result"], ratio, r["target"], ok, str(r["runs"]), rss)
    return t


def machine() -> dict:
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {"cpus": os.cpu_count(), "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
            "python": platform.python_version(), "platform": platform.platform(), "loadavg_at_start": load}


def main(argv=None) -> int:
    from benchmarks import bench_clustering

    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", metavar="NAME",
                    help=f"benchmarks to run (default: all): {', '.join(NAMES)}")
    ap.add_argument("--runs", type=int, help="repeats per benchmark (default 3; 100k clustering: 1)")
    ap.add_argument("--sizes", default=",".join(map(str, bench_clustering.SIZES)), help="clustering sizes")
    ap.add_argument("--profile", action="store_true", help="cProfile each benchmark into benchmarks/profiles/")
    ap.add_argument("--out", type=Path, default=HERE / "results.json")
    a = ap.parse_args(argv)
    names = a.names or list(NAMES)
    bad = [n for n in names if n not in NAMES]
    if bad:
        ap.error(f"unknown benchmark(s) {', '.join(bad)}; choose from {', '.join(NAMES)}")
    sys.path.insert(0, str(ROOT))

    started = dt.datetime.now().isoformat(timespec="seconds")
    results: dict = {}
    for name in names:
        prof = (HERE / "profiles" / f"{name}.txt") if a.profile else None
        if name == "clustering":
            results[name] = []
            for n in (int(s) for s in a.sizes.split(",") if s):
                p = prof.with_name(f"clustering_{n}.txt") if prof else None
                r = _child(f"clustering:{n}", a.runs, p)
                r.setdefault("n", n)
                results[name].append(r)
        else:
            results[name] = _child(name, a.runs, prof)

    data = {}
    if a.out.exists():
        try:
            data = json.loads(a.out.read_text(encoding="utf-8"))
        except ValueError:
            data = {}
    bench = data.setdefault("benchmarks", {})
    for name, res in results.items():
        if name == "clustering" and isinstance(bench.get(name), list):  # merge by size
            by_n = {r.get("n"): r for r in bench[name]}
            by_n.update({r.get("n"): r for r in res})
            res = [by_n[k] for k in sorted(by_n, key=lambda v: v or 0)]
        bench[name] = res
    data.setdefault("runs", {}).update({n: {"started": started, "machine": machine()} for n in names})
    order = [n for n in NAMES if n in data["benchmarks"]]
    data["rows"] = [row for n in order for row in _rows(n, data["benchmarks"][n])]
    a.out.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")

    from rich.console import Console

    m = machine()
    title = (f"synth benchmarks ({m['cpus']} CPUs, load {m['loadavg_at_start'][0]:.1f} at the end; "
             f"this run: {', '.join(names)})" if m["loadavg_at_start"] else "synth benchmarks")
    Console(width=max(150, Console().width)).print(_table(data["rows"], title))
    print(f"written {a.out.relative_to(ROOT) if a.out.is_relative_to(ROOT) else a.out}")
    # a missed target is a finding, reported in the table; only a benchmark that broke fails the command
    return 1 if any("error" in r for n in names for r in (results[n] if isinstance(results[n], list) else [results[n]])) else 0


if __name__ == "__main__":
    sys.exit(main())
