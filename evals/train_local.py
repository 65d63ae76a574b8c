"""Train the offline extractor's classifier (synth/extract/local_model.py) on the dev study only.

    python -m evals.train_local            # writes prompts/local_classifier_v1.json
    python -m evals.train_local --dry-run  # cross-validation report only

Training set: every interviewee sentence unit (`synth.extract.local_speech.units`) of the dev study
(evals/gold, 12 interviews) that can be an item at all (no questions, backchannels, bare numbers).
A unit is a positive for a category when it overlaps an annotated (non-dismissed) quote of that
category by at least half of the quote or 60% of the unit. The held-out study (evals/heldout) is
never read here. Findings annotations of the real corpus's dev half (evals/real/findings, when present)
add pain/trigger/alternative positives and negatives for those three categories.

Model: per category, scikit-learn LogisticRegression (lbfgs, L2, deterministic) on standardized
features; C and the probability threshold are chosen by leave-one-interview-out cross-validation
(C by mean average precision, the threshold by the best unit-level F1 of the pooled held-out-fold
probabilities). The file records the training set, the features and the CV numbers.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "prompts" / "local_classifier_v1.json"
VERSION = "local-classifier-v1.1"
C_GRID = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3)
MIN_QUOTE_SHARE, MIN_UNIT_SHARE = 0.5, 0.6


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def labelled_units(transcripts: dict, spans_by_file: dict[str, list[tuple[str, tuple[int, int]]]],
                   categories) -> list[tuple[str, object, dict[str, int]]]:
    """(file, unit, {category: 0/1}) for every unit that can be an item."""
    from synth.extract.local_speech import units

    out = []
    for f in sorted(transcripts):
        t = transcripts[f]
        for u in units(t):
            if u.why_not:
                continue
            base = t.turns[u.turn].char_start
            us = (base + u.start, base + u.end)
            lab = {c: 0 for c in categories}
            for c, gs in spans_by_file.get(f, []):
                ov = _overlap(us, gs)
                if c in lab and ov and (ov >= MIN_QUOTE_SHARE * (gs[1] - gs[0]) or ov >= MIN_UNIT_SHARE * (us[1] - us[0])):
                    lab[c] = 1
            out.append((f, u, lab))
    return out


def dev_training_set():
    from evals.gold import DEV_DIR, load_gold
    from synth.extract.local_model import SCORED

    st = load_gold(DEV_DIR)
    spans: dict[str, list] = {}
    for it in st.items:
        if it.span is not None and not it.dismissed:
            spans.setdefault(it.file, []).append((it.category, it.span))
    return labelled_units(st.transcripts, spans, SCORED)


def real_dev_training_set():
    """The real corpus's dev half with findings annotations: pain/trigger/alternative labels only."""
    try:
        from evals.real.findings import dev_findings_spans
    except ImportError:
        return []
    transcripts, spans = dev_findings_spans()
    return labelled_units(transcripts, spans, ("pain", "trigger", "alternative"))


def features(rows, embedder, embedding: bool):
    from synth.extract.local_model import feature_matrix

    us = [u for _, u, _ in rows]
    vecs = embedder.encode([u.text for u in us])
    return feature_matrix(us, vecs, embedder.model_path, embedding)


def _fit(x, y, c):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=2000, solver="lbfgs").fit(x, y)


def _best_threshold(p: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    best = (0.5, 0.0)
    for th in np.arange(0.05, 0.9, 0.01):
        pred = p >= th
        tp = float((pred & (y == 1)).sum())
        f1 = 2 * tp / max(1.0, pred.sum() + y.sum())
        if f1 > best[1] + 1e-9:
            best = (round(float(th), 2), f1)
    return best


def _average_precision(p: np.ndarray, y: np.ndarray) -> float:
    order = np.argsort(-p, kind="stable")
    ys = y[order]
    hits = np.cumsum(ys)
    prec = hits / np.arange(1, len(ys) + 1)
    return float((prec * ys).sum() / max(1, ys.sum()))


def _standardize(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sd = x.std(axis=0)
    return x.mean(axis=0), np.where(sd > 1e-6, sd, 1.0)


def fit_model(rows, x, embedding: bool, choose: bool = True, fixed: dict | None = None, log=None) -> dict:
    """Weights per category; C and threshold by leave-one-interview-out CV (or `fixed` ones)."""
    from synth.extract.local_model import LEXICAL, SCORED

    groups = np.array([f for f, _, _ in rows])
    mean, scale = _standardize(x)
    z_all = (x - mean) / scale
    model = {"version": VERSION, "embedding": embedding,
             "features": {"embedding": "all-MiniLM-L6-v2 sentence vector (384)" if embedding else "not used",
                          "example_similarity": ["pain", "trigger", "alternative", "dmu", "none"],
                          "lexical": LEXICAL},
             "mean": [round(float(v), 6) for v in mean], "scale": [round(float(v), 6) for v in scale],
             "coef": {}, "intercept": {}, "threshold": {}, "cv": {}}
    for c in SCORED:
        idx = np.array([i for i, (_, _, lab) in enumerate(rows) if c in lab])
        y = np.array([rows[i][2][c] for i in idx])
        z, g = z_all[idx], groups[idx]
        if fixed is not None:
            cval, th, ap, f1 = fixed[c]["C"], fixed[c]["threshold"], None, None
        else:
            best = None
            for cval in C_GRID:
                p = np.zeros(len(y))
                for f in sorted(set(g)):
                    tr, te = g != f, g == f
                    if y[tr].sum() == 0:
                        continue
                    p[te] = _fit(z[tr], y[tr], cval).predict_proba(z[te])[:, 1]
                ap = _average_precision(p, y)
                if best is None or ap > best[1] + 1e-9:
                    best = (cval, ap, p)
            cval, ap, p = best
            th, f1 = _best_threshold(p, y)
        m = _fit(z, y, cval)
        model["coef"][c] = [round(float(v), 6) for v in m.coef_[0]]
        model["intercept"][c] = round(float(m.intercept_[0]), 6)
        model["threshold"][c] = th
        model["cv"][c] = {"C": cval, "threshold": th, "average_precision": None if ap is None else round(ap, 3),
                          "unit_f1": None if f1 is None else round(f1, 3),
                          "positives": int(y.sum()), "units": int(len(y))}
        if log and ap is not None:
            log(f"{c:12} C={cval:<6} AP {ap:.3f}  unit F1 {f1:.3f} at {th:.2f}  ({int(y.sum())}/{len(y)} positive)")
    return model


def cross_validated_items(rows, x, embedding: bool, fixed: dict) -> dict:
    """Leave-one-interview-out on the dev study at the item level (evals' own matching): for each
    interview, a model fitted on the other eleven runs the whole extractor on it."""
    from unittest import mock

    from evals.gold import DEV_DIR, load_gold
    from evals.metrics import score_extraction
    from evals.stages import pred_mentions
    from synth.embed import Embedder
    from synth.extract import local_model
    from synth.extract.local import extract_local

    st = load_gold(DEV_DIR)
    emb = Embedder()
    acc = {a.file: a for a in st.accounts}
    groups = np.array([f for f, _, _ in rows])
    exs = []
    for f in st.files:
        keep = groups != f
        m = fit_model([r for r, k in zip(rows, keep) if k], x[keep], embedding, fixed=fixed)
        loaded = {**m, "mean": np.array(m["mean"]), "scale": np.array(m["scale"]),
                  "coef": {c: np.array(v) for c, v in m["coef"].items()}}
        with mock.patch.object(local_model, "classifier", lambda: loaded):
            exs.append(extract_local(st.transcripts[f], acc.get(f), emb))
    gold = [it.mention() for it in st.items]
    return score_extraction(gold, pred_mentions(exs, st.transcripts)).as_dict()


def train(dry_run: bool = False, embedding: bool = False, cv_items: bool = False, real: bool = True) -> dict:
    from synth.embed import Embedder

    def log(msg):
        print(msg, file=sys.stderr)

    emb = Embedder()
    rows = dev_training_set() + (real_dev_training_set() if real else [])
    x = features(rows, emb, embedding)
    model = fit_model(rows, x, embedding, log=log)
    dev_files = sorted({f for f, _, lab in rows if "dmu" in lab})
    real_files = sorted({f for f, _, lab in rows if "dmu" not in lab})
    model["trained_on"] = {"dev_study": f"evals/gold: {len(dev_files)} interviews",
                           "real_dev": f"evals/real findings, dev half: {len(real_files)} files",
                           "units": len(rows)}
    if cv_items:
        res = cross_validated_items(rows, x, embedding, model["cv"])
        f1 = {c: res["per_category"][c]["f1"] or 0.0 for c in res["per_category"]}
        model["cv"]["dev_items_loo_f1"] = {c: round(v, 3) for c, v in f1.items()}
        log("dev, leave-one-interview-out, item F1: " + " ".join(f"{c} {v:.2f}" for c, v in f1.items())
            + f"  macro {sum(f1.values()) / len(f1):.3f}")
    if not dry_run:
        OUT.write_text(json.dumps(model, separators=(",", ":")) + "\n", encoding="utf-8")
        log(f"wrote {OUT} ({OUT.stat().st_size // 1024} KB)")
    return model


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    ap.add_argument("--with-embedding", action="store_true",
                    help="add the raw 384-d sentence vector (dev leave-one-out: 0.56 macro vs 0.58 without)")
    ap.add_argument("--cv-items", action="store_true", help="also leave-one-interview-out item F1 on dev")
    ap.add_argument("--study-only", action="store_true", help="train on the dev study alone (no real-corpus findings)")
    a = ap.parse_args(argv)
    train(a.dry_run, embedding=a.with_embedding, cv_items=a.cv_items, real=not a.study_only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
