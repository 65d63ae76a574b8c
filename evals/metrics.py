"""Evaluation metrics: pure functions, no model, no I/O, small enough to check by hand.

Extraction matching
-------------------
A predicted item matches a gold item when both come from the same transcript, have the same
category, and the prediction covers at least half of the gold quote's tokens:

    overlap(gold, pred) = |gold tokens covered by pred| / |gold tokens|      match iff >= 0.5

Tokens are lowercase word tokens: runs of letters and digits, with an inner apostrophe kept
("can't", "we'd"); punctuation is not a token. "Covered" is decided one of two ways:

* **span mode** (used whenever both sides carry character spans into the same `Transcript.text`,
  which is how `python -m evals` runs): a gold token is covered when its character span lies inside
  one of the prediction's evidence spans. Words that merely recur elsewhere in the interview do not
  count.
* **multiset mode** (no spans): |multiset(gold tokens) ∩ multiset(tokens of all predicted quotes)|,
  each token counted at most as often as it occurs on both sides.

A prediction with several evidence quotes (one point made twice) covers the union of them.
Matching is one-to-one and greedy: all candidate pairs with overlap >= 0.5 are sorted by overlap
(highest first; ties by gold order, then prediction order) and taken while neither side is used.

Scores per category: precision = TP / predicted, recall = TP / gold, F1 their harmonic mean, where
dismissed items on either side are left out of TP and of both denominators (a dismissed item counts
for nothing downstream). Dismissed gold items are reported on their own: *flagged* (matched by a
prediction marked dismissed), *omitted* (not matched: also acceptable), or *recorded as real*
(matched by a prediction not marked dismissed: the error users complain about). A non-dismissed
prediction that matches a dismissed gold item is also a false positive.

Clustering
----------
Labels are per item; -1 (or None) means "no theme": an outlier on the predicted side, a one-off on
the gold side. By default (`outliers="cluster"`) all "no theme" items form one group on each side,
so a clustering that recovers the gold themes AND leaves exactly the gold one-offs out scores 1.0,
and one that calls everything an outlier scores ARI 0 and V-measure 0 (for a BANKING77-style gold
set with no one-offs this is the plain scikit-learn call on BERTopic's labels, -1 included).
`outliers="singletons"` makes every "no theme" item a group of its own instead; beware that
V-measure / NMI then reward outliers (a singleton is perfectly homogeneous).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

import numpy as np

MATCH_THRESHOLD = 0.5
TOKEN = re.compile(r"[a-z0-9]+(?:['\u2019][a-z0-9]+)*")
CATEGORIES = ("pain", "trigger", "alternative", "dmu")


# ------------------------------------------------------------------------------------ tokens

def tokens(text: str) -> list[str]:
    """Lowercase word tokens: "We'd spend 3-4 days!" -> ["we'd", "spend", "3", "4", "days"]."""
    return TOKEN.findall(text.lower())


def token_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Character spans of `tokens(text)`, shifted by `offset` (where `text` starts in the transcript).
    `str.lower` can change length for a few non-ASCII characters; spans then fall back to words."""
    low = text.lower()
    if len(low) != len(text):
        return [(offset + m.start(), offset + m.end()) for m in re.finditer(r"\S+", text)]
    return [(offset + m.start(), offset + m.end()) for m in TOKEN.finditer(low)]


# ------------------------------------------------------------------------------------ items

@dataclass(frozen=True)
class Mention:
    """One extracted or annotated item, reduced to what the metrics need."""

    file: str
    category: str
    quotes: tuple[str, ...]
    spans: tuple[tuple[int, int], ...] = ()     # char spans in Transcript.text, one per quote
    dismissed: bool = False
    role: Optional[str] = None                  # dmu
    quantity: Optional[float] = None            # pain: the normalized value
    theme: Optional[str] = None                 # gold theme id / predicted theme id
    id: str = ""


def overlap_multiset(gold_quote: str, pred_quotes: str | Sequence[str]) -> float:
    """|gold tokens ∩ predicted tokens| (as multisets) / |gold tokens|; 0.0 for a gold quote with
    no tokens."""
    g = Counter(tokens(gold_quote))
    if not g:
        return 0.0
    if isinstance(pred_quotes, str):
        pred_quotes = [pred_quotes]
    p: Counter = Counter()
    for q in pred_quotes:
        p.update(tokens(q))
    return sum((g & p).values()) / sum(g.values())


def overlap_spans(gold_quote: str, gold_start: int, pred_spans: Iterable[tuple[int, int]]) -> float:
    """Share of the gold quote's tokens (the quote starts at `gold_start` in the transcript text) whose
    character span lies inside one of `pred_spans`."""
    spans = token_spans(gold_quote, gold_start)
    if not spans:
        return 0.0
    ps = list(pred_spans)
    covered = sum(1 for a, b in spans if any(pa <= a and b <= pb for pa, pb in ps))
    return covered / len(spans)


def overlap(gold: Mention, pred: Mention) -> float:
    """Span mode when both carry spans, multiset mode otherwise (see the module doc)."""
    if gold.spans and pred.spans:
        return overlap_spans(gold.quotes[0], gold.spans[0][0], pred.spans)
    return overlap_multiset(gold.quotes[0], pred.quotes)


def match_items(gold: Sequence[Mention], pred: Sequence[Mention],
                threshold: float = MATCH_THRESHOLD) -> list[tuple[int, int, float]]:
    """One-to-one greedy matching. Returns (gold index, pred index, overlap), in gold order."""
    cands = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if g.file != p.file or g.category != p.category:
                continue
            ov = overlap(g, p)
            if ov >= threshold - 1e-12:
                cands.append((-ov, i, j))
    cands.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for neg, i, j in cands:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        out.append((i, j, -neg))
    return sorted(out)


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[Optional[float], Optional[float], Optional[float]]:
    """(precision, recall, F1); a ratio with a zero denominator is None, and so is F1 then."""
    p = tp / n_pred if n_pred else None
    r = tp / n_gold if n_gold else None
    if p is None or r is None:
        return p, r, None
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def same_quantity(gold: float, pred: Optional[float]) -> bool:
    return pred is not None and math.isclose(float(gold), float(pred), rel_tol=1e-6, abs_tol=1e-9)


@dataclass
class CategoryScore:
    category: str
    gold: int
    pred: int
    tp: int
    precision: Optional[float]
    recall: Optional[float]
    f1: Optional[float]


@dataclass
class ExtractionScore:
    per_category: dict[str, CategoryScore]
    micro: CategoryScore
    dmu_role_accuracy: Optional[float]
    dmu_role_n: int
    quantity_capture: Optional[float]           # over matched gold items that have a quantity
    quantity_n: int
    quantity_capture_all: Optional[float]       # over every gold item that has a quantity
    quantity_all_n: int
    dismissed: dict[str, int]                   # flagged / omitted / recorded_as_real / false_dismissals
    matches: list[tuple[int, int, float]] = field(default_factory=list)

    def as_dict(self) -> dict:
        def cs(c: CategoryScore) -> dict:
            return {k: getattr(c, k) for k in ("gold", "pred", "tp", "precision", "recall", "f1")}
        return {"per_category": {k: cs(v) for k, v in self.per_category.items()}, "micro": cs(self.micro),
                "dmu_role_accuracy": self.dmu_role_accuracy, "dmu_role_n": self.dmu_role_n,
                "quantity_capture": self.quantity_capture, "quantity_n": self.quantity_n,
                "quantity_capture_all": self.quantity_capture_all, "quantity_all_n": self.quantity_all_n,
                "dismissed": dict(self.dismissed)}


def score_extraction(gold: Sequence[Mention], pred: Sequence[Mention],
                     categories: Sequence[str] = CATEGORIES,
                     threshold: float = MATCH_THRESHOLD) -> ExtractionScore:
    """Match, then count per category (see the module doc for how dismissed items count)."""
    matches = match_items(gold, pred, threshold)
    tp_pairs = [(i, j) for i, j, _ in matches if not gold[i].dismissed and not pred[j].dismissed]
    per: dict[str, CategoryScore] = {}
    for c in categories:
        ng = sum(1 for g in gold if g.category == c and not g.dismissed)
        npred = sum(1 for p in pred if p.category == c and not p.dismissed)
        tp = sum(1 for i, _ in tp_pairs if gold[i].category == c)
        per[c] = CategoryScore(c, ng, npred, tp, *prf(tp, npred, ng))
    ng = sum(v.gold for v in per.values())
    npred = sum(v.pred for v in per.values())
    tp = sum(v.tp for v in per.values())
    micro = CategoryScore("all", ng, npred, tp, *prf(tp, npred, ng))

    dmu = [(gold[i], pred[j]) for i, j in tp_pairs if gold[i].category == "dmu"]
    role_ok = sum(1 for g, p in dmu if g.role == p.role)
    q_pairs = [(gold[i], pred[j]) for i, j in tp_pairs if gold[i].quantity is not None]
    q_ok = sum(1 for g, p in q_pairs if same_quantity(g.quantity, p.quantity))
    q_all = sum(1 for g in gold if g.quantity is not None and not g.dismissed)

    by_gold = {i: j for i, j, _ in matches}
    dis = Counter(flagged=0, omitted=0, recorded_as_real=0, false_dismissals=0)
    for i, g in enumerate(gold):
        if g.dismissed:
            j = by_gold.get(i)
            dis["omitted" if j is None else "flagged" if pred[j].dismissed else "recorded_as_real"] += 1
        elif i in by_gold and pred[by_gold[i]].dismissed:
            dis["false_dismissals"] += 1
    dis["gold_dismissed"] = sum(1 for g in gold if g.dismissed)
    dis["pred_dismissed"] = sum(1 for p in pred if p.dismissed)
    return ExtractionScore(
        per_category=per, micro=micro,
        dmu_role_accuracy=role_ok / len(dmu) if dmu else None, dmu_role_n=len(dmu),
        quantity_capture=q_ok / len(q_pairs) if q_pairs else None, quantity_n=len(q_pairs),
        quantity_capture_all=q_ok / q_all if q_all else None, quantity_all_n=q_all,
        dismissed=dict(dis), matches=matches)


def grounding_rate(quotes_grounded: int, quotes_proposed: int) -> float:
    """As `synth.models.ExtractionStats.grounding_rate`: grounded / proposed (1.0 when none proposed)."""
    return quotes_grounded / quotes_proposed if quotes_proposed else 1.0


def verbatim_rate(evidence: Iterable[tuple[str, int, int]], texts: dict[str, str],
                  files: Iterable[str]) -> Optional[float]:
    """Independent check of grounding: share of (quote, start, end) whose transcript text at
    [start:end] is exactly the quote. `files` gives the transcript of each evidence in order."""
    n = ok = 0
    for (quote, a, b), f in zip(evidence, files):
        n += 1
        ok += texts.get(f, "")[a:b] == quote
    return ok / n if n else None


# ------------------------------------------------------------------------------------ clustering

def singletons(labels: Sequence[Optional[int | str]]) -> list[str]:
    """Labels as strings; every outlier (-1, None, "-1") becomes a group of its own."""
    out = []
    for k, lab in enumerate(labels):
        out.append(f"__outlier_{k}" if lab is None or str(lab) == "-1" else f"c:{lab}")
    return out


def ari_v(true: Sequence, pred: Sequence, outliers: str = "cluster") -> dict[str, float]:
    """Adjusted Rand index, V-measure and NMI (arithmetic mean; equal to V-measure) via scikit-learn.
    outliers="cluster" (default): every -1/None is one "no theme" group on its side;
    outliers="singletons": every -1/None is a group of its own."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, v_measure_score

    if len(true) != len(pred):
        raise ValueError("label lists differ in length")
    if outliers == "singletons":
        t, p = singletons(true), singletons(pred)
    elif outliers == "cluster":
        t = ["-1" if x is None else str(x) for x in true]
        p = ["-1" if x is None else str(x) for x in pred]
    else:
        raise ValueError(f"outliers must be 'cluster' or 'singletons', not {outliers!r}")
    if not t:
        return {"ari": float("nan"), "v_measure": float("nan"), "nmi": float("nan")}
    return {"ari": float(adjusted_rand_score(t, p)), "v_measure": float(v_measure_score(t, p)),
            "nmi": float(normalized_mutual_info_score(t, p))}


def outlier_share(labels: Sequence) -> Optional[float]:
    labels = list(labels)
    if not labels:
        return None
    return sum(1 for x in labels if x is None or str(x) == "-1") / len(labels)


def average_ranks(x: Sequence[float]) -> list[float]:
    """1-based ranks; ties share the mean of the ranks they span: [10, 20, 20, 30] -> [1, 2.5, 2.5, 4]."""
    from synth.icp.validate import average_ranks as ranks

    return ranks(np.asarray(x, dtype=np.float64)).tolist()


def spearman(x: Sequence[float], y: Sequence[float]) -> Optional[float]:
    """Spearman's rho: Pearson correlation of the average ranks. None with fewer than 2 pairs or when
    either side is constant."""
    if len(x) != len(y):
        raise ValueError("x and y differ in length")
    if len(x) < 2:
        return None
    rx, ry = np.array(average_ranks(x)), np.array(average_ranks(y))
    dx, dy = rx - rx.mean(), ry - ry.mean()
    den = math.sqrt(float((dx * dx).sum()) * float((dy * dy).sum()))
    return float((dx * dy).sum() / den) if den else None


def coverage_agreement(gold_theme: dict[str, str], gold_cov: dict[str, int],
                       assigned: dict[str, Optional[str]], pred_cov: dict[str, int]) -> dict:
    """Spearman between gold theme coverage and the coverage of the predicted theme that holds most
    of the gold theme's items. `gold_theme`: gold item key -> gold theme; `assigned`: gold item key
    -> predicted theme (None: outlier or not extracted). Ties: more items, then the smaller id.
    A gold theme none of whose items landed in a predicted theme gets coverage 0."""
    rows = []
    for tid in sorted(gold_cov):
        held = Counter(assigned.get(k) for k, t in gold_theme.items() if t == tid)
        held.pop(None, None)
        best = min(held, key=lambda p: (-held[p], str(p))) if held else None
        rows.append({"theme": tid, "gold_coverage": gold_cov[tid], "pred_theme": best,
                     "pred_items": held[best] if best else 0,
                     "pred_coverage": pred_cov.get(best, 0) if best else 0})
    rho = spearman([r["gold_coverage"] for r in rows], [r["pred_coverage"] for r in rows])
    return {"spearman": rho, "themes": rows}


# ------------------------------------------------------------------------------------ ICP

def icp_summary(report) -> dict:
    """Pass-through of `synth.icp.ValidationReport`: lift and AUC as synth computes them."""
    return {"lift": report.lift, "auc": report.auc, "recall": report.recall,
            "top_tier_share": report.top_tier_share, "passed": report.passed,
            "accounts": report.accounts, "won": report.won, "lost": report.lost,
            "conversion_inside": report.inside.conversion if report.inside else None,
            "conversion_outside": report.outside.conversion if report.outside else None,
            "tiers": {t.tier: {"accounts": t.accounts, "won": t.won, "lost": t.lost,
                               "conversion": t.conversion} for t in report.tiers}}
