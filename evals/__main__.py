"""`python -m evals` (also `make eval`): measure every stage on the held-out and the dev study,
print them side by side, save.

    python -m evals                   # both studies, 5 seeds (about 5 minutes on 2 CPU cores)
    python -m evals --study dev       # the dev study only: what to run while tuning
    python -m evals --quick           # extraction + ICP only: no theme clustering
    python -m evals --seeds 0,1       # fewer seeds for clustering and the ICP generator
    python -m evals --no-llm          # never call a configured LLM provider
    python -m evals --study dev --quick --base-url http://127.0.0.1:8080/v1 --model M   # an LLM row, any endpoint
    python -m evals --out FILE        # default: evals/results.json

Studies: `evals/heldout/` (held out: measured, never tuned on) and `evals/gold/` (the dev study:
thresholds, caps and examples were set on it, so its numbers are in-sample). The local extractor
is measured on every run; a configured LLM provider (OPENAI_API_KEY and/or OPENAI_BASE_URL, see
`synth.llm.provider`) is measured too, in its own temporary workspace; that costs real calls.
How each number is defined: evals/metrics.py and evals/README.md.
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
THEMED = ("pain", "trigger", "alternative")


def _f(x: Optional[float], digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:.{digits}f}"


def _pct(x: Optional[float]) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def _ms(s: dict, digits: int = 2) -> str:
    """mean ± sd over seeds."""
    return "n/a" if s.get("mean") is None else f"{s['mean']:.{digits}f} ± {s['sd']:.{digits}f}"


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


def macro_f1(res: dict) -> Optional[float]:
    f = [res["per_category"][c]["f1"] for c in CATS]
    return None if any(x is None for x in f) else sum(f) / len(f)


def side_by_side(results: dict):
    """One table: each study's extraction F1 per category, macro and micro, theme ARI, ICP AUC."""
    from rich.table import Table

    names = list(results["studies"])
    t = Table(title="Held-out and dev side by side (local extractor; dev = tuned on, in-sample)",
              title_justify="left")
    t.add_column("measure")
    for n in names:
        t.add_column(n, justify="right")
    rows: list[tuple[str, list[str]]] = []
    ex = {n: results["studies"][n]["extraction"]["local"] for n in names}
    for c in CATS:
        rows.append((f"extraction F1: {c}", [_f(ex[n]["per_category"][c]["f1"]) for n in names]))
    rows.append(("extraction F1: macro", [_f(ex[n]["macro_f1"]) for n in names]))
    rows.append(("extraction F1: micro", [_f(ex[n]["micro"]["f1"]) for n in names]))
    rows.append(("quantity capture (matched)", [_pct(ex[n]["quantity_capture"]) for n in names]))
    rows.append(("dismissed: flagged / omitted / as real",
                 [f"{ex[n]['dismissed']['flagged']} / {ex[n]['dismissed']['omitted']} / "
                  f"{ex[n]['dismissed']['recorded_as_real']}" for n in names]))
    th = {n: (results["studies"][n].get("themes") or {}).get("gold_items") for n in names}
    if all(th.values()):
        for c in THEMED:
            rows.append((f"themes ARI {c}: synth", [_ms(th[n]["synth"][c]["ari"]) for n in names]))
            rows.append((f"themes ARI {c}: BERTopic-style matched", [_ms(th[n]["bertopic_matched"][c]["ari"])
                                                                      for n in names]))
    for key, label in (("annotations", "ICP AUC: rules from annotations"),
                       ("local extractor", "ICP AUC: rules from local extractor"),
                       ("firmographic only", "ICP AUC: firmographic rules only")):
        rows.append((label, [_ms(results["studies"][n]["icp"][key]["generated"]["auc"]) for n in names]))
    for label, vals in rows:
        t.add_row(label, *vals)
    return t


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
    t.add_row("macro F1", "", "", "", "", "", _f(res["macro_f1"]), style="bold")
    d = res["dismissed"]
    t.caption = (
        f"DMU role accuracy {_pct(res['dmu_role_accuracy'])} of {res['dmu_role_n']} matched · quantity capture "
        f"{_pct(res['quantity_capture'])} of {res['quantity_n']} matched ({_pct(res['quantity_capture_all'])} of all "
        f"{res['quantity_all_n']}) · grounding {_pct(res['grounding_rate'])} ({res['quotes_grounded']}/"
        f"{res['quotes_proposed']}; verbatim at span {_pct(res['verbatim_rate'])}) · dismissed "
        f"({d['gold_dismissed']}): {d['flagged']} flagged, {d['omitted']} omitted, {d['recorded_as_real']} as real; "
        f"{d['false_dismissals']} real items wrongly dismissed")
    t.caption_justify = "left"
    return t


def themes_table(study: str, th: dict):
    from rich.table import Table

    from evals.stages import METHOD_LABELS

    seeds = th["gold_items"]["seeds"] if th.get("gold_items") else []
    t = Table(title=f"Themes on the {study} study's annotated statements, ARI mean ± sd over seeds {seeds} "
                    "('no theme' is one group on each side)", title_justify="left")
    t.add_column("pipeline")
    for c in THEMED:
        t.add_column(f"{c}\nARI", justify="right")
    t.add_column("outliers\nP / T / A", justify="right")
    t.add_column("coverage\nSpearman", justify="right")
    for m, r in (th.get("gold_items") or {}).items():
        if m in ("seeds", "categories"):
            continue
        cells = [_ms(r[c]["ari"]) if c in r else "-" for c in THEMED]
        outl = " / ".join(_pct(r[c]["outlier_share"]["mean"]) if c in r else "-" for c in THEMED)
        t.add_row(METHOD_LABELS[m], *cells, outl, _ms(r["spearman"]))
    for name, r in th.get("end_to_end", {}).items():
        cells = [_f(r[c]["ari"]) for c in THEMED]
        t.add_row(f"synth end to end ({name} extractor, seed 42)", *cells,
                  " / ".join(_pct(r[c]["outlier_share"]) for c in THEMED), _f(r["ranking"]["spearman"]))
    if th.get("gold_items"):
        mcs = {c: v["matched_min_cluster_size"] for c, v in th["gold_items"]["categories"].items()}
        t.caption = (f"Every method clusters the same statement vectors (alternatives too). Matched "
                     f"min_cluster_size = synth's own on this data: {mcs}. k-means is told the true k.")
        t.caption_justify = "left"
    return t


def evaluate_study(name: str, root: Path, args, console, embedder) -> dict:
    from evals import stages
    from evals.gold import load_gold
    from synth.llm.provider import resolve_provider

    study = load_gold(root)
    timings: dict[str, float] = {}
    problems = [f"{it.key}: quote not found in synth's transcript text" for it in study.unlocated()]
    problems += [f"{it.key}: quote lies in a turn synth marks as the interviewer's"
                 for it in study.items if it.in_interviewer_turn]
    console.print(f"[bold]{name} study[/]: {len(study.transcripts)} interviews, {len(study.items)} items, "
                  f"{len(study.themes)} themes ({study.root})")
    for p in problems:
        console.print(f"[yellow]warning[/]: {p}")
    out: dict = {"interviews": len(study.transcripts), "items": len(study.items), "themes_n": len(study.themes),
                 "problems": problems}
    t0 = time.perf_counter()
    local = stages.run_pipeline(study) if not args.quick else _extract_only(study)
    timings["local_pipeline"] = time.perf_counter() - t0
    ex_res, gold_m, pred_m, matches = stages.evaluate_extraction(study, local["run"])
    ex_res["macro_f1"] = macro_f1(ex_res)
    if name == "heldout":  # item-level misses are for tuning, and nothing is tuned on the held-out study
        ex_res.pop("missed_gold", None)
        ex_res.pop("unmatched_pred", None)
    out["extraction"] = {"local": ex_res}
    e2e: dict[str, dict] = {}
    if not args.quick and local["themeset"] is not None:
        e2e["local"] = stages.evaluate_end_to_end(study, local["themeset"], local["run"].extractions,
                                                  gold_m, pred_m, matches)
    cfg = None if args.no_llm else resolve_provider(base_url=args.base_url, model=args.model, provider=args.provider,
                                                    mode=args.mode, timeout=args.timeout)
    if cfg is None:
        out["extraction"]["llm"] = {"measured": False, "reason": "LLM path not measured: --no-llm" if args.no_llm
                                    else "LLM path not measured: no provider configured (OPENAI_API_KEY / "
                                         "OPENAI_BASE_URL)"}
    else:
        try:
            t_llm = time.perf_counter()
            llm = stages.run_pipeline(study, provider=cfg) if not args.quick else _extract_only(study, cfg)
            if llm["run"].fatal or not llm["run"].extractions:
                out["extraction"]["llm"] = {"measured": False, "reason": f"LLM run failed: {llm['run'].fatal}"}
            else:
                lres, lg, lp, lm = stages.evaluate_extraction(study, llm["run"])
                lres.update(measured=True, provider=cfg.describe(), macro_f1=macro_f1(lres))
                tot = llm["run"].totals  # what the row cost: calls, tokens, re-asks, cut-off / looping replies
                lres["cost"] = {"calls": tot.calls, "tokens_in": tot.tokens_in, "tokens_out": tot.tokens_out,
                                "reask_calls": tot.reask_calls, "replies_truncated": tot.replies_truncated,
                                "replies_looping": tot.replies_looping, "parts_lost": tot.parts_lost,
                                "failed_files": len(llm["run"].failures), "endpoint": llm["run"].endpoint_note,
                                "wall_s": round(time.perf_counter() - t_llm, 1)}
                out["extraction"]["llm"] = lres
                if not args.quick and llm["themeset"] is not None:
                    e2e["llm"] = stages.evaluate_end_to_end(study, llm["themeset"], llm["run"].extractions, lg, lp, lm)
        except Exception as exc:  # noqa: BLE001 - a provider problem must not lose the other numbers
            out["extraction"]["llm"] = {"measured": False, "reason": f"LLM run failed: {type(exc).__name__}: {exc}"}
    gold_items = None
    if not args.quick:
        t0 = time.perf_counter()
        gold_items = stages.cluster_gold_items(study, embedder, seeds=args.seeds)
        timings["themes_gold_items"] = time.perf_counter() - t0
    out["themes"] = {"gold_items": gold_items, "end_to_end": e2e}
    t0 = time.perf_counter()
    ann = (study.to_extractions(), study.to_themeset())
    out["icp"] = {"annotations": stages.evaluate_icp(study, *ann, seeds=args.seeds),
                  "local extractor": stages.evaluate_icp(study, local["run"].extractions, local["themeset"],
                                                         seeds=args.seeds),
                  "firmographic only": stages.evaluate_icp(study, *ann, seeds=args.seeds, interview_rules=False)}
    timings["icp"] = time.perf_counter() - t0
    out["timings_s"] = {k: round(v, 1) for k, v in timings.items()}
    return out


def icp_table(name: str, icp: dict):
    from rich.table import Table

    t = Table(title=f"ICP rules from the {name} study, scored on generated accounts with interview signals "
                    "(mean ± sd over generator seeds)", title_justify="left")
    for col in ("rules from", "criteria", "AUC", "oracle AUC", "lift", "conv. outside top tier"):
        t.add_column(col, justify="left" if col == "rules from" else "right")
    for key, r in icp.items():
        g = r["generated"]
        t.add_row(key, f"{r['criteria_applicable']}/{r['criteria_total']} +{r['disqualifiers']} dq", _ms(g["auc"]),
                  _ms(g["oracle_auc"]), _ms(g["lift"]), _ms(g["conversion_outside"]))
    t.caption = "Generator and what it measures: evals/accounts_gen.py."
    t.caption_justify = "left"
    return t


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals", description="Measure synth on the held-out and dev studies.")
    ap.add_argument("--study", choices=("both", "dev", "heldout"), default="both")
    ap.add_argument("--quick", action="store_true", help="extraction and ICP only: skip theme clustering")
    ap.add_argument("--seeds", type=lambda s: tuple(int(x) for x in s.split(",")), default=None,
                    help="comma-separated seeds for clustering and the ICP generator (default 0,1,2,3,4)")
    ap.add_argument("--no-llm", action="store_true", help="do not call a configured LLM provider")
    ap.add_argument("--out", type=Path, default=RESULTS, help=f"results file (default {RESULTS})")
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

    from evals.baselines import SEEDS
    from evals.gold import STUDIES
    from synth.embed import Embedder

    args.seeds = args.seeds or SEEDS
    console = Console(width=None if sys.stdout.isatty() else 140)
    t_start = time.perf_counter()
    names = list(STUDIES) if args.study == "both" else [args.study]
    embedder = Embedder()
    results: dict = {"quick": args.quick, "seeds": list(args.seeds), "studies": {}}
    for name in names:
        results["studies"][name] = evaluate_study(name, STUDIES[name], args, console, embedder)
    results["timings_s"] = {"total": round(time.perf_counter() - t_start, 1)}
    results["environment"] = {"python": platform.python_version(), "machine": platform.machine(),
                              "cpus": os.cpu_count()}
    console.print()
    if len(names) > 1:
        console.print(side_by_side(results))
        console.print()
    for name in names:
        r = results["studies"][name]
        console.print(extraction_table(f"Extraction, {name} study: local extractor (offline baseline)",
                                       r["extraction"]["local"]))
        if r["extraction"]["llm"].get("measured"):
            console.print(extraction_table(f"Extraction, {name} study: LLM ({r['extraction']['llm']['provider']})",
                                           r["extraction"]["llm"]))
            c = r["extraction"]["llm"]["cost"]
            console.print(f"LLM cost: {c['calls']} calls, {c['tokens_in']} tokens in, {c['tokens_out']} out, "
                          f"{c['reask_calls']} re-ask calls, {c['replies_truncated']} replies cut off at the cap "
                          f"({c['parts_lost']} halves lost), {c['replies_looping']} looping, {c['failed_files']} "
                          f"files failed, {c['wall_s']} s; {c['endpoint']}")
        if not args.quick:
            console.print(themes_table(name, r["themes"]))
        console.print(icp_table(name, r["icp"]))
        console.print()
    note = results["studies"][names[0]]["extraction"]["llm"]
    if not note.get("measured"):
        console.print(f"[yellow]{note['reason']}[/]")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(_clean(results), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    console.print(f"\nwrote {args.out} in {results['timings_s']['total']:.0f} s")
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
