"""Ingest of 500 generated transcripts (~1,500 words each; txt, md, vtt, srt, json in turn):
parse + decode + speaker assignment + workspace writes, fresh workspace per run; then the same
folder again (every file unchanged); and `synth ingest FOLDER` as a user runs it, in a fresh process
(interpreter start-up, imports and the table printed included)."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N_FILES = 500
WORDS = 1500


def run(runs: int = 3, n: int = N_FILES, words: int = WORDS) -> dict:
    from benchmarks.gen import generated_transcripts
    from synth import pipeline
    from synth.workspace import Workspace

    cold, again = [], []
    with tempfile.TemporaryDirectory(prefix="synth-bench-i-") as d:
        src = Path(d) / "in"
        paths, total_words = generated_transcripts(src, n, words)
        mb = sum(p.stat().st_size for p in paths) / 1e6
        for r in range(runs):
            with Workspace(Path(d) / f"ws{r}") as ws:
                t0 = time.perf_counter()
                rep = pipeline.ingest([src], ws)
                cold.append(time.perf_counter() - t0)
                assert rep.failed == 0 and len(rep.files) == n, [f.error for f in rep.files if f.error][:3]
                t0 = time.perf_counter()
                rep = pipeline.ingest([src], ws)
                again.append(time.perf_counter() - t0)
                assert {f.status for f in rep.files} == {"unchanged"}
        cli = []
        for r in range(runs):
            t0 = time.perf_counter()
            res = subprocess.run([sys.executable, "-m", "synth", "ingest", str(src), "-w", str(Path(d) / f"cli{r}")],
                                 capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "120"})
            cli.append(time.perf_counter() - t0)
            assert res.returncode == 0, res.stderr[-2000:]
    c, a = statistics.median(cold), statistics.median(again)
    return {"files": n, "words": total_words, "mb": round(mb, 1), "runs": runs, "wall_s": round(c, 2),
            "files_per_s": round(n / c, 1), "words_per_s": round(total_words / c), "unchanged_s": round(a, 2),
            "cli_s": round(statistics.median(cli), 2)}


def rows(r: dict) -> list[dict]:
    out = [
        {"benchmark": "ingest", "measure": f"{r['files']} transcripts, {r['words']:,} words, {r['mb']} MB, 5 formats",
         "result": f"{r['wall_s']:.2f} s ({r['files_per_s']:.0f} files/s, {r['words_per_s'] / 1e3:.0f}k words/s)",
         "ratio": None, "target": "-", "ok": None, "runs": r["runs"]},
        {"benchmark": "ingest", "measure": "same folder again (all unchanged)", "result": f"{r['unchanged_s']:.2f} s",
         "ratio": round(r["wall_s"] / r["unchanged_s"], 1) if r["unchanged_s"] else None,
         "target": "ratio: first / again", "ok": None, "runs": r["runs"]},
    ]
    if "cli_s" in r:  # absent from results written before it was measured
        out.append({"benchmark": "ingest",
                    "measure": f"`synth ingest` on those {r['files']} files (new process, table printed)",
                    "result": f"{r['cli_s']:.2f} s", "ratio": None, "target": "< 10 s", "ok": r["cli_s"] < 10,
                    "runs": r["runs"]})
    return out
