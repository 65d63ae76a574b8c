"""`python -m evals.markdown`: the latest results (evals/results.json, evals/clustering_results.json)
as Markdown tables, for the README's "How good is it?" section."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent


def _f(x: Optional[float]) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def _p(x: Optional[float]) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def extraction(res: dict, name: str = "local") -> str:
    r = res["extraction"][name]
    out = ["| category | gold | predicted | matched | precision | recall | F1 |", "|---|--:|--:|--:|--:|--:|--:|"]
    for c in ("pain", "trigger", "alternative", "dmu"):
        x = r["per_category"][c]
        out.append(f"| {c} | {x['gold']} | {x['pred']} | {x['tp']} | {_f(x['precision'])} | "
                   f"{_f(x['recall'])} | {_f(x['f1'])} |")
    m = r["micro"]
    out.append(f"| **all (micro)** | {m['gold']} | {m['pred']} | {m['tp']} | {_f(m['precision'])} | "
               f"{_f(m['recall'])} | **{_f(m['f1'])}** |")
    d = r["dismissed"]
    out.append("")
    out.append(f"DMU role accuracy {_p(r['dmu_role_accuracy'])} (of {r['dmu_role_n']} matched DMU items); "
               f"quantity capture {_p(r['quantity_capture'])} of {r['quantity_n']} matched items with a "
               f"quantity ({_p(r['quantity_capture_all'])} of all {r['quantity_all_n']} gold quantities); "
               f"grounding rate {_p(r['grounding_rate'])} ({r['quotes_grounded']}/{r['quotes_proposed']} "
               f"quotes, {_p(r['verbatim_rate'])} verbatim at their span); dismissed concerns: "
               f"{d['flagged']} flagged, {d['omitted']} omitted, {d['recorded_as_real']} recorded as real.")
    return "\n".join(out)


def themes(res: dict) -> str:
    labels = {"synth": "synth pipeline", "bertopic_style": "BERTopic-style default",
              "kmeans_true_k": "k-means, true k"}
    out = ["| pipeline | input | pain ARI / V | trigger ARI / V | alternative ARI / V | outliers P / T / A | coverage Spearman |",
           "|---|---|--:|--:|--:|--:|--:|"]

    def row(name, inp, r):
        cells = [f"{_f(r[c]['ari'])} / {_f(r[c]['v_measure'])}" for c in ("pain", "trigger", "alternative")]
        outl = " / ".join(_p(r[c]["outlier_share"]) for c in ("pain", "trigger", "alternative"))
        out.append(f"| {name} | {inp} | " + " | ".join(cells) + f" | {outl} | {_f(r['ranking']['spearman'])} |")

    for m, r in (res["themes"].get("gold_items") or {}).items():
        row(labels.get(m, m), "gold statements", r)
    for name, r in res["themes"].get("end_to_end", {}).items():
        row("synth pipeline", f"end to end ({name} extractor)", r)
    return "\n".join(out)


def icp(res: dict) -> str:
    out = ["| rules from | criteria applied | top tier | conversion inside / outside | lift | AUC | oracle AUC | wins in top tier |",
           "|---|--:|--:|--:|--:|--:|--:|--:|"]
    for name, r in res["icp"].items():
        g = r["generated"]
        lift = "n/a" if g["lift"] is None else f"{g['lift']:.2f}x"
        out.append(f"| {name} | {g['criteria_applicable']} of {g['criteria_total']} (+{g['disqualifiers']} "
                   f"disqualifiers) | {_p(g['top_tier_share'])} | {_p(g['conversion_inside'])} / "
                   f"{_p(g['conversion_outside'])} | {lift} | {_f(g['auc'])} | {_f(g['oracle_auc'])} | "
                   f"{_p(g['recall'])} |")
    return "\n".join(out)


def banking(cres: dict) -> str:
    out = ["| pipeline | clusters | ARI | NMI | ARI clustered only | outliers | wall s | CPU s | peak MB |",
           "|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in cres["methods"].values():
        if "skipped" in r:
            out.append(f"| {r['label']} | {r['skipped']} | | | | | | | |")
            continue
        out.append(f"| {r['label']} | {r['clusters']} | {r['ari']:.2f} | {r['nmi']:.2f} | "
                   f"{_f(r['ari_clustered_only'])} | {r['outlier_share']:.1%} | {r['seconds']:.1f} | "
                   f"{r.get('cpu_seconds', float('nan')):.1f} | "
                   f"{'n/a' if r['peak_rss_mb'] is None else round(r['peak_rss_mb'])} |")
    return "\n".join(out)


def main() -> int:
    res_p, cres_p = HERE / "results.json", HERE / "clustering_results.json"
    if res_p.exists():
        res = json.loads(res_p.read_text(encoding="utf-8"))
        print("### Extraction (local extractor)\n")
        print(extraction(res) + "\n")
        if res.get("extraction", {}).get("llm", {}).get("measured"):
            print("### Extraction (LLM)\n")
            print(extraction(res, "llm") + "\n")
        if res.get("themes", {}).get("gold_items"):
            print("### Themes\n")
            print(themes(res) + "\n")
        print("### ICP\n")
        print(icp(res) + "\n")
    if cres_p.exists():
        print("### BANKING77\n")
        print(banking(json.loads(cres_p.read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
