"""Calibrate and measure the statement/quote support check (synth/extract/support.py, issue 25).

    python -m evals.support            # ROC on the dev study, the chosen point, held-out at that point
    python -m evals.support --items    # + what the check does to correct items (offline and gold answers)

Positives: each annotated pain / trigger / alternative's statement with its own gold quote.
Negatives, from the same transcript (the realistic mistake: the wrong line of the same chunk):
(a) the statement with another annotated item's quote, items of the same theme left out (they may
legitimately say the same thing); (b) the statement with an interviewee sentence that overlaps no
annotated quote of the item's theme. Thresholds are set on the dev study only; the held-out study is
measured at the chosen point, never tuned on.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from evals.gold import DEV_DIR, HELDOUT_DIR, load_gold
from synth.extract import local_cues
from synth.extract.support import OVERLAP_WEIGHT, THRESHOLD, overlap

JUDGED = ("pain", "trigger", "alternative")
TARGET_TPR = 0.99  # at most 1% of correct pairs refused: the bar is < 2% of correct items


def pairs(study) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    pos, neg = [], []
    items = [i for i in study.items if i.category in JUDGED and i.located_text]
    by_file: dict[str, list] = {}
    for it in items:
        by_file.setdefault(it.file, []).append(it)
    for f, its in sorted(by_file.items()):
        t = study.transcripts[f]
        sentences = []
        for turn in t.turns:
            if turn.is_interviewer:
                continue
            for a, b in local_cues.sentences(turn.text):
                s = turn.text[a:b].strip()
                if len(s.split()) >= 6:
                    sentences.append((turn.char_start + a, turn.char_start + b, s))
        for it in its:
            pos.append((it.statement, it.located_text))
            same_theme = [o for o in items if o.file == f and (o is it or (it.theme and o.theme == it.theme))]
            for o in its:
                if o not in same_theme:
                    neg.append((it.statement, o.located_text))
            for a, b, s in sentences:
                if not any(o.span and a < o.span[1] and o.span[0] < b for o in same_theme):
                    neg.append((it.statement, s))
    return pos, neg


def signals(pairs_: list[tuple[str, str]], encode) -> tuple[np.ndarray, np.ndarray]:
    texts = list(dict.fromkeys(x for p in pairs_ for x in p))
    vecs = encode(texts)
    at = {t: i for i, t in enumerate(texts)}
    sim = np.array([float(vecs[at[s]] @ vecs[at[q]]) for s, q in pairs_])
    ov = np.array([overlap(s, q) for s, q in pairs_])
    return sim, ov


def roc(pos: np.ndarray, neg: np.ndarray) -> tuple[float, list[tuple[float, float, float]]]:
    """(AUC, [(threshold, TPR, FPR)]) over every distinct score."""
    ths = np.unique(np.concatenate([pos, neg]))[::-1]
    pts = [(float(t), float((pos >= t).mean()), float((neg >= t).mean())) for t in ths]
    auc = float(np.mean([(p > neg).mean() + 0.5 * (p == neg).mean() for p in pos]))
    return auc, pts


def chosen(pts, target=TARGET_TPR) -> tuple[float, float, float]:
    """The highest threshold whose TPR reaches `target`, rounded down to 2 decimals."""
    for t, tpr, fpr in pts:
        if tpr >= target:
            return t, tpr, fpr
    return pts[-1]


def measure(root: Path, encode, weight: float) -> dict:
    study = load_gold(root)
    pos, neg = pairs(study)
    ps, po = signals(pos, encode)
    ns, no = signals(neg, encode)
    out = {"positives": len(pos), "negatives": len(neg), "signals": {}}
    for name, p, n in (("similarity", ps, ns), ("overlap", po, no),
                       (f"similarity + {weight:g} * overlap", ps + weight * po, ns + weight * no)):
        auc, pts = roc(p, n)
        t, tpr, fpr = chosen(pts)
        out["signals"][name] = {"auc": round(auc, 3), "threshold_at_99": round(t, 3), "tpr": round(tpr, 3),
                                "fpr": round(fpr, 3), "roc": [(round(a, 3), round(b, 3), round(c, 3))
                                                              for a, b, c in pts[:: max(1, len(pts) // 20)]]}
    comb_p, comb_n = ps + weight * po, ns + weight * no
    out["at_shipped_threshold"] = {"threshold": THRESHOLD, "tpr": round(float((comb_p >= THRESHOLD).mean()), 3),
                                   "fpr": round(float((comb_n >= THRESHOLD).mean()), 3),
                                   "refused_correct": int((comb_p < THRESHOLD).sum()),
                                   "refused_examples": [pos[i] for i in np.where(comb_p < THRESHOLD)[0][:5]]}
    return out


def _overlaps(ev, gold_items, file: str, category: str) -> bool:
    return any(g.file == file and g.category == category and g.span and ev.char_start < g.span[1]
               and g.span[0] < ev.char_end for g in gold_items)


def item_effect(encode) -> dict:
    """What the check does to items known to be correct, per study and extractor.

    - offline: the local extractor's items (verified, as stored before the check) whose evidence
      overlaps a gold quote of the same category ("correct"); the sample has no annotations, so all
      of its items count;
    - gold answers: the annotations themselves as an extraction (what a perfect model's answer is
      after grounding; the LLM path's own check on them runs in tests/test_truth_support.py)."""
    from synth.embed import Embedder
    from synth.extract.local import extract_local
    from synth.extract.support import SupportJudge, check_support
    from synth.extract.verify import verify_extraction
    from synth.ingest import load_transcript

    judge = SupportJudge(encode)
    emb = Embedder(None)
    sample_dir = Path(__file__).resolve().parent.parent / "transcripts" / "sample"
    out: dict = {}
    studies = {"sample": None, "dev": load_gold(DEV_DIR), "heldout": load_gold(HELDOUT_DIR)}
    for name, study in studies.items():
        if study is None:
            ts = [load_transcript(str(p)) for p in sorted(sample_dir.iterdir()) if p.name[:2].isdigit()]
        else:
            ts = [study.transcripts[f] for f in sorted(study.transcripts)]
        n = changed = 0
        for t in ts:
            ex = extract_local(t, None, emb)
            verify_extraction(ex, t)
            before = [(it, it.statement) for it in ex.items()]
            check_support(ex, judge)  # changes items in place, removes the dropped ones
            after = {id(it) for it in ex.items()}
            for it, statement in before:
                if study is not None and not any(_overlaps(e, study.items, t.file_name, it.category)
                                                 for e in it.evidence):
                    continue
                n += 1
                changed += id(it) not in after or it.statement != statement
        row = {"offline_correct_items": n, "offline_replaced_or_dropped": changed}
        if study is not None:
            exs = study.to_extractions()
            g_n = sum(len(e.items()) for e in exs)
            for e in exs:
                check_support(e, judge)
            g_changed = sum(e.stats.statements_replaced + e.stats.items_unsupported for e in exs)
            row.update({"gold_items": g_n, "gold_replaced_or_dropped": g_changed})
        out[name] = row
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--items", action="store_true", help="also measure the check on correct items")
    args = ap.parse_args(argv)
    from synth.embed import Embedder

    enc = Embedder(None).encode
    res = {"dev": measure(DEV_DIR, enc, OVERLAP_WEIGHT), "heldout": measure(HELDOUT_DIR, enc, OVERLAP_WEIGHT)}
    for study, r in res.items():
        print(f"{study}: {r['positives']} gold pairs, {r['negatives']} mismatched pairs")
        for name, s in r["signals"].items():
            print(f"  {name:32s} AUC {s['auc']:.3f}  at TPR>={TARGET_TPR}: threshold {s['threshold_at_99']:.3f} "
                  f"TPR {s['tpr']:.3f} FPR {s['fpr']:.3f}")
        a = r["at_shipped_threshold"]
        print(f"  shipped threshold {a['threshold']}: TPR {a['tpr']:.3f} FPR {a['fpr']:.3f} "
              f"({a['refused_correct']} correct pairs refused)")
        for s, q in a["refused_examples"]:
            print(f"    refused: {s!r} <- {q!r}")
    if args.items:
        res["items"] = item_effect(enc)
        for study, r in res["items"].items():
            line = (f"{study}: offline {r['offline_replaced_or_dropped']} of {r['offline_correct_items']} correct "
                    "items replaced or dropped")
            if "gold_items" in r:
                line += f"; gold answers {r['gold_replaced_or_dropped']} of {r['gold_items']}"
            print(line)
    if args.json:
        args.json.write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
