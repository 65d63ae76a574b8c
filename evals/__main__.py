"""`python -m evals` (also `make eval`): measure every stage on the gold study, print, save.

    python -m evals                 # everything (about a minute on 2 CPU cores)
    python -m evals --quick         # extraction + ICP only: no theme clustering (no UMAP)
    python -m evals --no-llm        # never call a configured LLM provider
    python -m evals --out FILE      # default: evals/results.json
    python -m evals --quick --base-url http://127.0.0.1:8080/v1 --model M   # any OpenAI-compatible endpoint

The local extractor is measured on every run. A configured LLM provider (OPENAI_API_KEY and/or
OPENAI_BASE_URL, see `synth.llm.provider`) is measured too, in its own temporary workspace;
that costs real calls. How each number is defined: evals/metrics.py and evals/README.md.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from pathlib import Path
from typing import Optional

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

RESULTS = Path(__file__).resolve().parent / "results.json"
CATS = ("pain", "trigger", "alternative", "dmu")


def _f(x: Optional[float], digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:.{digits}f}"


def _pct(x: Optional[float]) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def _clean(obj):
    """JSON-safe: NaN -> None, tuples -> lists, numpy scalars -> Python."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):
        try:
            obj = obj.item()
        except Exception:  # noqa: BLE001
            pass
    if isinstance(obj, float):
        return None if math.isnan(obj) else round(obj, 4)
    return obj


def extraction_table(title: str, res: dict):
    from rich.table import Table

    t = Table(title=title, title_justify="left")
    for col in ("category", "gold", "predicted", "matched", "precision", "recall", "F1"):
        t.add_column(col, justify="left" if col == "category" else "right")
    for c in CATS:
        r = res["per_category"][c]
        t.add_row(c, str(r["gold"]), str(r["pred"]), str(r["tp"]), _f(r["precision"]), _f(r["recall"]),
                  _f(r["f1"]))
    m = res["micro"]
    t.add_row("all (micro)", str(m["gold"]), str(m["pred"]), str(m["tp"]), _f(m["precision"]),
              _f(m["recall"]), _f(m["f1"]), style="bold")
    d = res["dismissed"]
    t.caption = (
        f"DMU role accuracy {_pct(res['dmu_role_accuracy'])} of {res['dmu_role_n']} matched DMU items · "
        f"quantity capture {_pct(res['quantity_capture'])} of {res['quantity_n']} matched "
        f"({_pct(res['quantity_capture_all'])} of all {res['quantity_all_n']} gold quantities) · "
        f"grounding {_pct(res['grounding_rate'])} ({res['quotes_grounded']}/{res['quotes_proposed']} quotes; "
        f"verbatim at their span: {_pct(res['verbatim_rate'])}) · "
        f"dismissed gold items ({d['gold_dismissed']}): {d['flagged']} flagged, {d['omitted']} omitted, "
        f"{d['recorded_as_real']} recorded as real; {d['false_dismissals']} real items wrongly dismissed")
    t.caption_justify = "left"
    return t


def themes_table(gold_items: Optional[dict], e2e: dict[str, dict]):
    from rich.table import Table

    from evals.stages import METHOD_LABELS

    t = Table(title="Themes vs gold themes (ARI / V-measure; 'no theme' is one group on each side)",
              title_justify="left")
    t.add_column("pipeline")
    t.add_column("input")
    for c in ("pain", "trigger", "alternative"):
        t.add_column(f"{c}\nARI / V", justify="right")
    t.add_column("outliers\nP / T / A", justify="right")
    t.add_column("coverage\nSpearman", justify="right")

    def row(name, inp, r):
        cells = [f"{_f(r[c]['ari'])} / {_f(r[c]['v_measure'])}" for c in ("pain", "trigger", "alternative")]
        outl = " / ".join(_pct(r[c]["outlier_share"]) for c in ("pain", "trigger", "alternative"))
        t.add_row(name, inp, *cells, outl, _f(r["ranking"]["spearman"]))

    if gold_items:
        for m, r in gold_items.items():
            row(METHOD_LABELS[m], "gold statements", r)
    for name, r in e2e.items():
        row("synth pipeline", f"end to end ({name} extractor)", r)
    t.caption = ("gold statements: the annotated items, clustered per category (synth clusters "
                 "alternatives by extracted kind/name). end to end: the extractor's items on the 12 "
                 "transcripts, scored on those that match a gold item. coverage Spearman: rank correlation between "
                 "each gold theme's interview count and that of the predicted theme holding most of its items.")
    t.caption_justify = "left"
    return t


def icp_table(icp: dict[str, dict]):
    from rich.table import Table

    t = Table(title="ICP rules synthesized from the gold study, scored on 2,000 generated accounts "
                    "(known truth)", title_justify="left")
    for col in ("rules from", "criteria\napplied", "top\ntier", "conv.\ninside", "conv.\noutside", "lift",
                "AUC", "oracle\nAUC", "wins in\ntop tier"):
        t.add_column(col, justify="left" if col == "rules from" else "right")
    for name, r in icp.items():
        g = r["generated"]
        t.add_row(name, f"{g['criteria_applicable']}/{g['criteria_total']} +{g['disqualifiers']} dq",
                  _pct(g["top_tier_share"]), _pct(g["conversion_inside"]), _pct(g["conversion_outside"]),
                  "n/a" if g["lift"] is None else f"{g['lift']:.2f}x", _f(g["auc"]), _f(g["oracle_auc"]),
                  _pct(g["recall"]))
    t.caption = ("criteria applied: rules whose column the generated table has (trigger, alternative and "
                 "DMU rules need columns a CRM export lacks). oracle AUC: ranking by the true conversion "
                 "probability. Generator: evals/accounts_gen.py.")
    t.caption_justify = "left"
    return t


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals", description="Measure synth on the gold study.")
    ap.add_argument("--quick", action="store_true",
                    help="extraction and ICP only: skip theme clustering (gold items and end to end)")
    ap.add_argument("--no-llm", action="store_true", help="do not call a configured LLM provider")
    ap.add_argument("--out", type=Path, default=RESULTS, help=f"results file (default {RESULTS})")
    ap.add_argument("--gold", type=Path, default=None, help="gold study folder (default evals/gold)")
    # the LLM row against any OpenAI-compatible endpoint (flags as `synth extract` takes them)
    ap.add_argument("--base-url", default=None, help="OpenAI-compatible base URL (else OPENAI_BASE_URL)")
    ap.add_argument("--model", default=None, help="model name (else SYNTH_MODEL)")
    ap.add_argument("--provider", default=None, help="openai, azure, ollama, vllm, llamacpp, lmstudio")
    ap.add_argument("--mode", default=None, help="how to ask for structure (default: probe once)")
    ap.add_argument("--timeout", type=float, default=None, help="seconds per LLM call")
    args = ap.parse_args(argv)

    import warnings

    warnings.filterwarnings("ignore")
    from rich.console import Console

    from evals import stages
    from evals.gold import GOLD_DIR, load_gold
    from synth.themes.embed import Embedder

    console = Console(width=None if sys.stdout.isatty() else 130)
    t_start = time.perf_counter()
    timings: dict[str, float] = {}
    study = load_gold(args.gold or GOLD_DIR)
    n_items = len(study.items)
    problems = [f"{it.key}: quote not found in synth's transcript text" for it in study.unlocated()]
    problems += [f"{it.key}: quote lies in a turn synth marks as the interviewer's"
                 for it in study.items if it.in_interviewer_turn]
    console.print(f"[bold]gold study[/]: {len(study.transcripts)} interviews, {n_items} items, "
                  f"{len(study.themes)} themes ({study.root})")
    for p in problems:
        console.print(f"[yellow]warning[/]: {p}")

    results: dict = {"gold": {"interviews": len(study.transcripts), "items": n_items,
                              "themes": len(study.themes), "problems": problems},
                     "quick": args.quick}

    # ---------------------------------------------------------------- local extractor, end to end
    t0 = time.perf_counter()
    local = stages.run_pipeline(study) if not args.quick else _extract_only(study)
    timings["local_pipeline"] = time.perf_counter() - t0
    timings.update({f"local_{k}": v for k, v in local["seconds"].items()})
    ex_res, gold_m, pred_m, matches = stages.evaluate_extraction(study, local["run"])
    results["extraction"] = {"local": ex_res}
    e2e: dict[str, dict] = {}
    if not args.quick and local["themeset"] is not None:
        e2e["local"] = stages.evaluate_end_to_end(study, local["themeset"], local["run"].extractions,
                                                  gold_m, pred_m, matches)

    # ---------------------------------------------------------------- LLM provider, when configured
    from synth.llm.provider import resolve_provider

    cfg = None if args.no_llm else resolve_provider(base_url=args.base_url, model=args.model,
                                                    provider=args.provider, mode=args.mode, timeout=args.timeout)
    llm_note = None
    if cfg is None:
        llm_note = ("LLM path not measured: no provider configured (set OPENAI_API_KEY and/or "
                    "OPENAI_BASE_URL, optionally SYNTH_MODEL)") if not args.no_llm else \
            "LLM path not measured (--no-llm)"
        results["extraction"]["llm"] = {"measured": False, "reason": llm_note}
    else:
        console.print(f"measuring the LLM path: {cfg.describe()}")
        t0 = time.perf_counter()
        try:
            llm = stages.run_pipeline(study, provider=cfg) if not args.quick else _extract_only(study, cfg)
            timings["llm_pipeline"] = time.perf_counter() - t0
            if llm["run"].fatal or not llm["run"].extractions:
                first = llm["run"].failures[0].error if llm["run"].failures else ""
                llm_note = ("LLM run failed: " + (llm["run"].fatal or f"no extraction succeeded ({first})"))[:400]
                results["extraction"]["llm"] = {"measured": False, "reason": llm_note,
                                                "failures": [f.model_dump() for f in llm["run"].failures]}
            else:
                lres, lg, lp, lm = stages.evaluate_extraction(study, llm["run"])
                lres["measured"] = True
                lres["provider"] = cfg.describe()
                tot = llm["run"].totals  # what the row cost: calls, tokens, re-asks, cut-off / looping replies
                lres["cost"] = {"calls": tot.calls, "tokens_in": tot.tokens_in, "tokens_out": tot.tokens_out,
                                "reask_calls": tot.reask_calls, "replies_truncated": tot.replies_truncated,
                                "replies_looping": tot.replies_looping, "parts_lost": tot.parts_lost,
                                "failed_files": len(llm["run"].failures), "endpoint": llm["run"].endpoint_note,
                                "wall_s": round(time.perf_counter() - t0, 1)}
                results["extraction"]["llm"] = lres
                if not args.quick and llm["themeset"] is not None:
                    e2e["llm"] = stages.evaluate_end_to_end(study, llm["themeset"], llm["run"].extractions,
                                                            lg, lp, lm)
        except Exception as exc:  # noqa: BLE001 - a provider problem must not lose the other numbers
            llm_note = f"LLM run failed: {type(exc).__name__}: {exc}"
            results["extraction"]["llm"] = {"measured": False, "reason": llm_note}

    # ---------------------------------------------------------------- themes on gold items
    gold_items = None
    if not args.quick:
        t0 = time.perf_counter()
        gold_items = stages.cluster_gold_items(study, Embedder())
        timings["themes_gold_items"] = time.perf_counter() - t0
    results["themes"] = {"gold_items": gold_items, "end_to_end": e2e}

    # ---------------------------------------------------------------- ICP
    t0 = time.perf_counter()
    icp = {"gold annotations": stages.evaluate_icp(study, study.to_extractions(), study.to_themeset()),
           "local extractor": stages.evaluate_icp(study, local["run"].extractions, local["themeset"])}
    timings["icp"] = time.perf_counter() - t0
    results["icp"] = icp

    timings["total"] = time.perf_counter() - t_start
    results["timings_s"] = {k: round(v, 1) for k, v in timings.items()}
    results["environment"] = {"python": platform.python_version(), "machine": platform.machine(),
                              "cpus": os.cpu_count()}

    # ---------------------------------------------------------------- print
    console.print()
    console.print(extraction_table("Extraction on the gold set: local extractor (offline baseline)",
                                   results["extraction"]["local"]))
    llm_res = results["extraction"]["llm"]
    if llm_res.get("measured"):
        console.print(extraction_table(f"Extraction on the gold set: LLM ({llm_res['provider']})", llm_res))
        c = llm_res.get("cost", {})
        console.print(f"LLM cost: {c.get('calls')} calls, {c.get('tokens_in')} tokens in, {c.get('tokens_out')} out, "
                      f"{c.get('reask_calls')} re-ask calls, {c.get('replies_truncated')} replies cut off at the cap "
                      f"({c.get('parts_lost')} halves lost), {c.get('replies_looping')} looping, "
                      f"{c.get('failed_files')} files failed, {c.get('wall_s')} s; {c.get('endpoint')}")
    console.print()
    if not args.quick:
        console.print(themes_table(gold_items, e2e))
        console.print()
    console.print(icp_table(icp))
    if llm_note:
        console.print(f"\n[yellow]{llm_note}[/]")
    if args.quick:
        console.print("--quick: theme clustering was skipped")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(_clean(results), indent=2, sort_keys=False, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    console.print(f"\nwrote {args.out} in {timings['total']:.0f} s")
    return 0


def _extract_only(study, provider=None) -> dict:
    """--quick: ingest + extract, no themes."""
    import tempfile

    from synth import pipeline
    from synth.workspace import Workspace

    with tempfile.TemporaryDirectory(prefix="synth-evals-") as d:
        ws = Workspace(Path(d) / "ws")
        try:
            t0 = time.perf_counter()
            pipeline.ingest([study.root / "transcripts"], ws, accounts_csv=study.root / "accounts.csv")
            t1 = time.perf_counter()
            run = pipeline.extract(ws, provider=provider)
            t2 = time.perf_counter()
        finally:
            ws.close()
    return {"run": run, "themeset": None, "seconds": {"ingest": t1 - t0, "extract": t2 - t1}}


if __name__ == "__main__":
    sys.exit(main())
