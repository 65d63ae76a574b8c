"""`python -m evals.markdown`: the latest results (evals/results.json, evals/clustering_results.json)
as Markdown tables, for the README's "How good is it?" section. Held-out first, dev labelled dev."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent
CATS = ("pain", "trigger", "alternative", "dmu")
THEMED = ("pain", "trigger", "alternative")


def _f(x: Optional[float]) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def _p(x: Optional[float]) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def _ms(s: Optional[dict]) -> str:
    return "n/a" if not s or s.get("mean") is None else f"{s['mean']:.2f} ± {s['sd']:.2f}"


def _order(res: dict) -> list[str]:
    return [n for n in ("heldout", "dev") if n in res["studies"]]


def extraction(res: dict, name: str = "local") -> str:
    """Precision / recall / F1 per category, the held-out and the dev study side by side."""
    studies = _order(res)
    head = "| category | " + " | ".join(f"{s} P / R / F1" for s in studies) + " |"
    out = [head, "|---|" + "--:|" * len(studies)]
    for c in CATS:
        cells = []
        for s in studies:
            x = res["studies"][s]["extraction"][name]["per_category"][c]
            cells.append(f"{_f(x['precision'])} / {_f(x['recall'])} / {_f(x['f1'])} ({x['gold']} gold)")
        out.append(f"| {c} | " + " | ".join(cells) + " |")
    micro = [res["studies"][s]["extraction"][name]["micro"] for s in studies]
    out.append("| **all (micro)** | " + " | ".join(f"{_f(m['precision'])} / {_f(m['recall'])} / **{_f(m['f1'])}**"
                                                   for m in micro) + " |")
    out.append("| **macro F1** | " + " | ".join(f"**{_f(res['studies'][s]['extraction'][name]['macro_f1'])}**"
                                               for s in studies) + " |")
    for s in studies:
        r = res["studies"][s]["extraction"][name]
        d = r["dismissed"]
        out.append("")
        out.append(f"{s}: DMU role accuracy {_p(r['dmu_role_accuracy'])} (of {r['dmu_role_n']} matched); quantity "
                   f"capture {_p(r['quantity_capture'])} of {r['quantity_n']} matched items with a quantity "
                   f"({_p(r['quantity_capture_all'])} of all {r['quantity_all_n']}); grounding "
                   f"{_p(r['grounding_rate'])} ({r['quotes_grounded']}/{r['quotes_proposed']}); dismissed concerns "
                   f"({d['gold_dismissed']}): {d['flagged']} flagged, {d['omitted']} omitted, {d['recorded_as_real']} "
                   f"recorded as real, {d['false_dismissals']} real items wrongly dismissed.")
    return "\n".join(out)


def themes(res: dict) -> str:
    from evals.stages import METHOD_LABELS

    out = []
    for s in _order(res):
        th = res["studies"][s]["themes"]["gold_items"]
        if not th:
            continue
        mcs = ", ".join(f"{c} {v['matched_min_cluster_size']}" for c, v in th["categories"].items())
        out.append(f"**{s}** (annotated statements; ARI mean ± sd over seeds {th['seeds']}; matched "
                   f"min_cluster_size: {mcs})\n")
        out.append("| pipeline | pain ARI | trigger ARI | alternative ARI | outliers P / T / A | coverage Spearman |")
        out.append("|---|--:|--:|--:|--:|--:|")
        for m, r in th.items():
            if m in ("seeds", "categories"):
                continue
            cells = [_ms(r[c]["ari"]) if c in r else "-" for c in THEMED]
            outl = " / ".join(_p(r[c]["outlier_share"]["mean"]) if c in r else "-" for c in THEMED)
            out.append(f"| {METHOD_LABELS[m]} | " + " | ".join(cells) + f" | {outl} | {_ms(r['spearman'])} |")
        out.append("")
    return "\n".join(out)


def icp(res: dict) -> str:
    out = ["| study | rules from | criteria | AUC | oracle AUC |", "|---|---|--:|--:|--:|"]
    for s in _order(res):
        for key, r in res["studies"][s]["icp"].items():
            g = r["generated"]
            out.append(f"| {s} | {key} | {r['criteria_applicable']} (+{r['disqualifiers']} dq) | {_ms(g['auc'])} | "
                       f"{_ms(g['oracle_auc'])} |")
    return "\n".join(out)


def banking(cres: dict) -> str:
    out = [f"Report half: {cres['report_rows']} messages; min_cluster_size tuned on the other {cres['tune_rows']} "
           f"(synth {cres['tuning']['synth_mcs']}, BERTopic-style {cres['tuning']['bertopic_mcs']}); "
           f"mean ± sd over seeds {cres['seeds']}.\n",
           "| pipeline | clusters | ARI | NMI | outliers | wall s |", "|---|--:|--:|--:|--:|--:|"]
    for r in cres["methods"].values():
        if "skipped" in r:
            out.append(f"| {r['label']} | {r['skipped']} | | | | |")
            continue
        out.append(f"| {r['label']} | {r['clusters']['mean']:.0f} | {_ms(r['ari'])} | {_ms(r['nmi'])} | "
                   f"{r['outlier_share']['mean']:.1%} | {r['seconds']['mean']:.1f} |")
    return "\n".join(out)


def main() -> int:
    res_p, cres_p = HERE / "results.json", HERE / "clustering_results.json"
    if res_p.exists():
        res = json.loads(res_p.read_text(encoding="utf-8"))
        print("### Extraction (local extractor)\n")
        print(extraction(res) + "\n")
        if all(res["studies"][s]["extraction"].get("llm", {}).get("measured") for s in _order(res)):
            print("### Extraction (LLM)\n")
            print(extraction(res, "llm") + "\n")
        if not res.get("quick"):
            print("### Themes\n")
            print(themes(res))
        print("### ICP\n")
        print(icp(res) + "\n")
    if cres_p.exists():
        print("### BANKING77\n")
        print(banking(json.loads(cres_p.read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
