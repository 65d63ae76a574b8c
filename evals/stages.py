"""Stage evaluations on the gold study: extraction, themes on gold items, themes end to end, ICP.

Each function returns a plain dict (JSON-ready); `evals.__main__` prints and saves them.
"""
from __future__ import annotations

import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Optional

import numpy as np

from evals.gold import GoldStudy, gold_item_id
from evals.metrics import (
    Mention,
    ari_v,
    coverage_agreement,
    grounding_rate,
    icp_summary,
    outlier_share,
    score_extraction,
    verbatim_rate,
)

THEMED = ("pain", "trigger", "alternative")


# ------------------------------------------------------------------------------------ extraction

def pred_mentions(extractions, transcripts: dict) -> list[Mention]:
    """Predicted items as Mentions. Spans are kept only when the extraction was made from the very
    transcript the gold quotes were located in (same content hash); else matching is by tokens."""
    out = []
    for ex in extractions:
        t = transcripts.get(ex.file)
        same = t is not None and t.content_hash == ex.transcript_hash
        for it in ex.items():
            q = getattr(it, "quantity", None)
            out.append(Mention(
                file=ex.file, category=it.category, quotes=tuple(e.quote for e in it.evidence) or ("",),
                spans=tuple((e.char_start, e.char_end) for e in it.evidence) if same else (),
                dismissed=it.dismissed, role=getattr(it, "role", None),
                quantity=q.value if q is not None else None, id=it.id))
    return out


def evaluate_extraction(study: GoldStudy, run) -> tuple[dict, list[Mention], list[Mention], list]:
    """P/R/F1 per category, DMU role accuracy, quantity capture, dismissed handling, grounding."""
    gold = [it.mention() for it in study.items]
    pred = pred_mentions(run.extractions, study.transcripts)
    score = score_extraction(gold, pred)
    texts = {f: t.text for f, t in study.transcripts.items()}
    ev = [(e.quote, e.char_start, e.char_end, ex.file)
          for ex in run.extractions for it in ex.items() for e in it.evidence]
    tot = run.totals
    res = score.as_dict()
    matched_g = {i for i, _, _ in score.matches}
    matched_p = {j for _, j, _ in score.matches}
    # for whoever tunes the extractor: what was missed, and what was extracted that matches nothing
    res["missed_gold"] = [{"item": g.id, "category": g.category, "dismissed": g.dismissed,
                           "quote": g.quotes[0][:160]}
                          for i, g in enumerate(gold) if i not in matched_g]
    res["unmatched_pred"] = [{"file": p.file, "category": p.category, "dismissed": p.dismissed,
                              "quote": p.quotes[0][:160]}
                             for j, p in enumerate(pred) if j not in matched_p]
    res.update({
        "extractor": run.extractor, "model": run.model,
        "failures": [f.model_dump() for f in run.failures], "fatal": run.fatal,
        "grounding_rate": grounding_rate(tot.quotes_grounded, tot.quotes_proposed),
        "quotes_proposed": tot.quotes_proposed, "quotes_grounded": tot.quotes_grounded,
        "verbatim_rate": verbatim_rate([e[:3] for e in ev], texts, [e[3] for e in ev]),
        "calls": tot.calls, "tokens_in": tot.tokens_in, "tokens_out": tot.tokens_out,
        "cost_usd": tot.cost_usd,
    })
    return res, gold, pred, score.matches


# ------------------------------------------------------------------------------------ themes

METHODS = ("synth", "bertopic_matched", "bertopic_real", "bertopic_default", "kmeans_true_k")
METHOD_LABELS = {
    "synth": "synth pipeline",
    "synth_by_name": "synth pipeline, alternatives grouped by annotated kind/name",
    "bertopic_matched": "BERTopic-style, min_cluster_size matched to synth's",
    "bertopic_real": "BERTopic (real), min_topic_size matched",
    "bertopic_default": "BERTopic-style default (min_cluster_size 10)",
    "kmeans_true_k": "k-means, true k",
}


def _clusterer(method: str, mcs: int, true_k: int, seed: int, texts: list[str]):
    """The clustering stage object each method plugs into the comparison (evals.baselines)."""
    from evals import baselines as b

    return {"synth": lambda: b.synth_default(seed),
            "bertopic_matched": lambda: b.bertopic_style(mcs, seed),
            "bertopic_real": lambda: b.BertopicClusterer(mcs, seed, texts),
            "bertopic_default": lambda: b.bertopic_style(10, seed),
            "kmeans_true_k": lambda: b.kmeans(true_k, seed)}[method]()


def cluster_gold_items(study: GoldStudy, embedder, methods=METHODS, seeds=None) -> dict:
    """Cluster a study's annotated statements per category and compare with its themes, every method
    on the same input (the statement vectors, alternatives included) and over the same seeds.

    Items: non-dismissed annotated items of the category; the one-offs form the "no theme" group (see
    `evals.metrics.ari_v`). synth's pipeline is `synth.themes.cluster.cluster_category` with its
    default clusterer and the seed varied. For alternatives synth normally groups by the extracted
    kind/name instead of by meaning; that row ("synth_by_name") is reported apart, because it reads
    annotated fields the other methods do not get. Matched baselines get synth's own
    min_cluster_size for that category (`adaptive_min_cluster_size`); k-means gets k = the number of
    gold groups (themes, plus one for the one-offs when there are any)."""
    from evals.baselines import SEEDS, bertopic_available, spread
    from synth.themes.cluster import ClusterParams, cluster_category
    from synth.themes.params import adaptive_min_cluster_size

    seeds = tuple(SEEDS if seeds is None else seeds)
    if "bertopic_real" in methods and not bertopic_available()[0]:
        methods = tuple(m for m in methods if m != "bertopic_real")
    by_id = {it.id: it for ex in study.to_extractions() for it in ex.items()}
    n_int = len(study.transcripts)
    gold_cov = {t: len(f) for t, f in study.theme_files().items()}
    runs: dict = {m: {s: {} for s in seeds} for m in methods}
    runs["synth_by_name"] = {0: {}}
    info: dict = {}
    for cat in THEMED:
        items = [it for it in study.items if it.category == cat and not it.dismissed]
        gold_labels = [it.theme for it in items]
        true_k = len({t for t in gold_labels if t}) + (None in gold_labels)
        mcs = adaptive_min_cluster_size(len(items), n_int)
        info[cat] = {"items": len(items), "gold_groups": true_k, "matched_min_cluster_size": mcs}
        texts = [it.statement for it in items]
        vecs = embedder.encode(texts)
        models = [by_id[gold_item_id(it)] for it in items]

        def synth_labels(params, grouping_cat):
            # grouping_cat "pain" sends alternatives down the embedding path: same input as the baselines
            res = cluster_category(grouping_cat, models, vecs, params, n_int)
            where = {i: k for k, c in enumerate(res.clusters) for i in c.item_ids}
            return [where.get(gold_item_id(it), -1) for it in items]

        for m in methods:
            for seed in seeds:
                t0 = time.perf_counter()
                if m == "synth":
                    pred = synth_labels(ClusterParams(seed=seed), "pain" if cat == "alternative" else cat)
                else:
                    pred = [int(x) for x in _clusterer(m, mcs, true_k, seed, texts).labels(vecs, n_int)]
                runs[m][seed][cat] = (items, gold_labels, pred, time.perf_counter() - t0)
        if cat == "alternative":
            runs["synth_by_name"][0][cat] = (items, gold_labels, synth_labels(ClusterParams(), cat), 0.0)
    out: dict = {"seeds": list(seeds), "categories": info}
    for m, by_seed in runs.items():
        per_seed = []
        for seed, cats in by_seed.items():
            row, gt, asg, pc = {}, {}, {}, {}
            for cat, (items, gold_labels, pred, secs) in cats.items():
                row[cat] = {**ari_v(gold_labels, pred), "outlier_share": outlier_share(pred),
                            "clusters": len({p for p in pred if p != -1}), "seconds": round(secs, 2)}
                files_of: dict = defaultdict(set)
                for it, p in zip(items, pred):
                    if p != -1:
                        files_of[p].add(it.file)
                    if it.theme:
                        gt[it.key] = it.theme
                        asg[it.key] = f"{cat}:{p}" if p != -1 else None
                pc.update({f"{cat}:{p}": len(fs) for p, fs in files_of.items()})
            row["spearman"] = coverage_agreement(gt, gold_cov, asg, pc)["spearman"] if m != "synth_by_name" else None
            per_seed.append(row)
        cats = [c for c in THEMED if c in per_seed[0]]
        out[m] = {c: {k: spread([r[c][k] for r in per_seed]) for k in ("ari", "v_measure", "outlier_share",
                                                                        "clusters")} for c in cats}
        out[m]["spearman"] = spread([r["spearman"] for r in per_seed])
        out[m]["per_seed"] = per_seed
    return out


def evaluate_end_to_end(study: GoldStudy, themeset, extractions, gold: list[Mention],
                        pred: list[Mention], matches) -> dict:
    """Themes built by synth from the predicted items, judged on the predicted items that match a gold
    item (gold label: that item's theme, or "no theme" for a one-off; predicted label: its theme, or
    "no theme" when unclustered). Outlier share counts every non-dismissed predicted item."""
    theme_of = {i: th.id for th in themeset.themes for i in th.item_ids}
    cov = {th.id: len(th.files) for th in themeset.themes}
    out: dict = {}
    gold_theme, assigned = {}, {}
    gold_keys = [g.id for g in gold]
    for cat in THEMED:
        pairs = [(gold[i], pred[j]) for i, j, _ in matches
                 if gold[i].category == cat and not pred[j].dismissed and not gold[i].dismissed]
        g_lab = [g.theme for g, _ in pairs]
        p_lab = [theme_of.get(p.id, -1) for _, p in pairs]
        all_pred = [p for p in pred if p.category == cat and not p.dismissed]
        sc = ari_v(g_lab, p_lab) if pairs else {"ari": None, "v_measure": None, "nmi": None}
        out[cat] = {"pred_items": len(all_pred), "matched_items": len(pairs),
                    "themes": sum(1 for th in themeset.themes if th.category == cat),
                    "outlier_share": outlier_share([theme_of.get(p.id, -1) for p in all_pred]),
                    **sc}
        for g, p in pairs:
            if g.theme:
                gold_theme[g.id] = g.theme
                assigned[g.id] = theme_of.get(p.id)
    # gold items never matched still count for their theme (assigned None)
    for g, key in zip(gold, gold_keys):
        if g.theme and not g.dismissed and g.category in THEMED and key not in gold_theme:
            gold_theme[key] = g.theme
            assigned[key] = None
    gold_cov = {t: len(f) for t, f in study.theme_files().items()}
    out["ranking"] = coverage_agreement(gold_theme, gold_cov, assigned, cov)
    return out


# ------------------------------------------------------------------------------------ pipeline runs

def run_pipeline(study: GoldStudy, provider=None, workdir: Optional[Path] = None) -> dict:
    """ingest -> extract -> build_themes in a temporary workspace. Returns run, themeset, timings."""
    from synth import pipeline
    from synth.themes.build import build_themes

    tmp = tempfile.TemporaryDirectory(prefix="synth-evals-") if workdir is None else None
    root = Path(tmp.name) if tmp else workdir
    from synth.workspace import Workspace

    ws = Workspace(root / "ws")
    try:
        t0 = time.perf_counter()
        report = pipeline.ingest([study.root / "transcripts"], ws, accounts_csv=study.root / "accounts.csv")
        t1 = time.perf_counter()
        run = pipeline.extract(ws, provider=provider)
        t2 = time.perf_counter()
        themeset = build_themes(ws) if run.extractions else None
        t3 = time.perf_counter()
        return {"run": run, "themeset": themeset, "ingest": report,
                "seconds": {"ingest": t1 - t0, "extract": t2 - t1, "themes": t3 - t2}}
    finally:
        ws.close()
        if tmp:
            tmp.cleanup()


# ------------------------------------------------------------------------------------ ICP

def evaluate_icp(study: GoldStudy, extractions, themeset, n: int = 2000, seeds=None,
                 interview_rules: bool = True) -> dict:
    """Rules synthesized from the study's accounts + `extractions`/`themeset`, scored on generated
    tables (evals.accounts_gen: interview signals included, truth independent of any study) for each
    generator seed, and, in-sample, on the study's own accounts. `interview_rules=False` drops the
    criteria drawn from interviews (triggers, alternatives, DMU): the firmographic floor."""
    from sklearn.metrics import roc_auc_score

    from evals.accounts_gen import generate_accounts
    from evals.baselines import SEEDS, spread
    from synth.icp import AccountsTable, build_profile, score_accounts, synthesize_rules, validate

    profile = build_profile(study.accounts, extractions, themeset, study.account_by_file())
    rules = synthesize_rules(profile)
    if not interview_rules:
        keep = {"firmographic", "technographic"}
        rules = rules.model_copy(update={"criteria": [c for c in rules.criteria if c.attribute in keep],
                                         "disqualifiers": [c for c in rules.disqualifiers if c.attribute in keep]})
    per_seed = []
    for seed in (SEEDS if seeds is None else seeds):
        records, p_true = generate_accounts(n, seed)
        table = AccountsTable.from_records(records, "synth")
        report = validate(table, rules)
        result = score_accounts(table, rules)
        won = np.array([r["outcome"] == "won" for r in records])
        gen = icp_summary(report)
        gen.update({"seed": seed, "auc_sklearn": float(roc_auc_score(won, result.scores)),
                    "oracle_auc": float(roc_auc_score(won, p_true)), "base_rate": float(won.mean()),
                    "criteria_applicable": sum(1 for c in rules.criteria if table.has(c.field)),
                    "criteria_total": len(rules.criteria), "disqualifiers": len(rules.disqualifiers)})
        per_seed.append(gen)
    summary = {k: spread([g.get(k) for g in per_seed]) for k in ("auc", "oracle_auc", "lift", "top_tier_share",
                                                                  "conversion_inside", "conversion_outside")}
    ins = icp_summary(validate(AccountsTable.from_account_rows(study.accounts), rules))
    return {
        "generated": summary, "per_seed": per_seed, "study_in_sample": ins,
        "criteria_applicable": per_seed[0]["criteria_applicable"], "criteria_total": len(rules.criteria),
        "disqualifiers": len(rules.disqualifiers),
        "rules": [{"id": c.id, "attribute": c.attribute, "field": c.field, "op": c.op, "value": c.value,
                   "points": c.points} for c in rules.criteria],
        "disqualifier_rules": [{"id": c.id, "field": c.field, "op": c.op, "value": c.value}
                               for c in rules.disqualifiers],
    }
