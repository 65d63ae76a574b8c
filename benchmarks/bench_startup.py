"""Benchmark: how long `synth --help` and each command's start take in a new process (issue 26's
targets: `synth --help` < 0.5 s, every command's start < 1 s before its own work).

    .venv/bin/python benchmarks/bench_startup.py [--runs 5]

A command's start is measured as `synth COMMAND --help`: the process starts, the CLI root loads, the
command's module loads and typer builds its parameters; that is everything a command does before its
own first line. Each is run `runs` times as a fresh process (the console script next to this Python);
the medians of wall and CPU seconds (user + sys, from the children's rusage) are reported. The target
is judged on CPU seconds and the ratio is CPU to `python -c pass`'s CPU in the same run: this machine
is shared (two cores, often several processes), so wall time there includes waiting for a core; on an
idle machine wall and CPU agree within a few hundredths.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = ("ingest", "extract", "themes", "icp", "score", "report", "run", "review", "schema", "doctor")


def _synth() -> str:
    script = Path(sys.executable).with_name("synth")
    return str(script) if script.exists() else "synth"


def _time(cmd: list[str], runs: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                       env={**os.environ, "COLUMNS": "100"})
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def run(runs: int = 5) -> dict:
    base_wall, base_cpu = _time([sys.executable, "-c", "pass"], runs)
    out = {"runs": runs, "python_pass_s": base_wall, "python_pass_cpu_s": base_cpu, "commands": {}}
    for name in ("--help", *COMMANDS):
        args = [_synth()] + ([name] if name == "--help" else [name, "--help"])
        wall, cpu = _time(args, runs)
        out["commands"]["synth --help" if name == "--help" else f"synth {name} --help"] = {"wall_s": wall,
                                                                                          "cpu_s": cpu}
    return out


def rows(result: dict) -> list[dict]:
    base = result["python_pass_cpu_s"]
    out = []
    for label, r in result["commands"].items():
        target = 0.5 if label == "synth --help" else 1.0
        out.append({"benchmark": "startup", "measure": label,
                    "result": f"{r['wall_s']:.2f} s wall, {r['cpu_s']:.2f} s CPU",
                    "ratio": r["cpu_s"] / base if base else None, "target": f"< {target} s CPU",
                    "ok": r["cpu_s"] < target, "runs": result["runs"]})
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    res = run(ap.parse_args().runs)
    print(f"python -c pass: {res['python_pass_s']:.3f} s wall, {res['python_pass_cpu_s']:.3f} s CPU")
    for row in rows(res):
        print(f"{row['measure']:<24} {row['result']:<30} {row['ratio']:.1f}x  ok={row['ok']}")
