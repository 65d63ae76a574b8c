"""`python -m evals.saturation`: does synth find where a study stopped adding themes?

Generated studies (seeds 0-9): 16 interviews; the pain statements of the annotated studies, grouped
by gold theme, are dealt out so that new themes appear only up to a planted interview k (6-12; every
theme is introduced at or before k, one exactly at k) and every later interview repeats 2-4 themes
already heard. The statements go through synth's real clustering (`cluster_category`, default
parameters) and then `theme_saturation`; found = the interview (date order) where the last new theme
appeared. Passing: |found - k| <= 1. The annotated studies' own saturation (gold themes and synth's
end-to-end themes on the local extractor) is printed too.

    python -m evals.saturation              # both pools, 10 seeds each
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

RESULTS = Path(__file__).resolve().parent / "hypotheses_results.json"
N_INTERVIEWS = 16


def pools(study) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for it in study.items:
        if it.category == "pain" and it.theme and not it.dismissed:
            out.setdefault(it.theme, []).append(it.statement)
    return {k: v for k, v in sorted(out.items()) if len(v) >= 3}


def planted_study(pool: dict[str, list[str]], seed: int):
    """(extractions, dates, k): themes introduced up to interview k only."""
    from synth.models import Evidence, Extraction, PainPoint

    rng = random.Random(seed)
    themes = list(pool)
    rng.shuffle(themes)
    k = rng.randint(6, 12)
    # first appearances: theme 0 at interview 1, the last theme exactly at k, the rest in between
    firsts = sorted([1, k] + [rng.randint(1, k) for _ in range(len(themes) - 2)])
    intro = dict(zip(themes, firsts))
    decks = {t: rng.sample(pool[t], len(pool[t])) for t in themes}
    plan: dict[int, list[str]] = {i: [t for t in themes if intro[t] == i] for i in range(1, N_INTERVIEWS + 1)}
    for i in range(1, N_INTERVIEWS + 1):
        heard = [t for t in themes if intro[t] < i and t not in plan[i]]
        want = rng.randint(2, 4) if i > k else rng.randint(0, 2)
        plan[i] += rng.sample(heard, min(want, len(heard)))
    exs, dates, truth = [], {}, {}
    for i in range(1, N_INTERVIEWS + 1):
        f = f"g{seed:02d}_{i:02d}.txt"
        dates[f] = dt.date(2026, 1, 1) + dt.timedelta(days=3 * i)
        ex = Extraction(file=f, transcript_hash=f"h{seed}-{i}", extractor="generated")
        for t in plan[i]:
            deck = decks[t]
            s = deck.pop() if deck else rng.choice(pool[t])
            ev = Evidence(quote=s, file=f, transcript_hash=ex.transcript_hash, speaker="Interviewee", turn_index=0,
                          char_start=0, char_end=len(s))
            p = PainPoint(statement=s, evidence=[ev])
            truth.setdefault(t, []).append((f, s))
            p.id = p.stable_id("pain", ex.transcript_hash)
            ex.pains.append(p)
        exs.append(ex)
    return exs, dates, k, truth


def planted_themes(exs, truth):
    """The planted assignment as a ThemeSet: saturation's own arithmetic, without clustering."""
    from synth.models import Theme, ThemeSet

    themes = [Theme(id=t, category="pain", label=t, files=sorted({f for f, _ in rows}),
                    item_ids=[it.id for e in exs for it in e.pains if (e.file, it.statement) in set(rows)])
              for t, rows in sorted(truth.items())]
    return ThemeSet(themes=themes, n_interviews=len(exs))


def cluster(exs, embedder):
    from synth.models import Theme, ThemeSet
    from synth.themes.cluster import ClusterParams, cluster_category

    items = [it for e in exs for it in e.pains]
    vecs = embedder.encode([it.statement for it in items])
    res = cluster_category("pain", items, vecs, ClusterParams(), len(exs))
    themes = [Theme(id=f"P{i}", category="pain", label=f"P{i}", item_ids=c.item_ids, files=c.files)
              for i, c in enumerate(res.clusters)]
    return ThemeSet(themes=themes, unclustered={"pain": res.unclustered}, n_interviews=len(exs))


def main() -> int:
    from evals.gold import STUDIES, load_gold
    from synth.embed import Embedder
    from synth.themes.saturation import theme_saturation

    emb = Embedder()
    out: dict = {"generated": {}, "annotated": {}}
    for name in ("heldout", "dev"):
        study = load_gold(STUDIES[name])
        pool = pools(study)
        rows = []
        for seed in range(10):
            exs, dates, k, truth = planted_study(pool, seed)
            sat = theme_saturation(cluster(exs, emb), exs, dates)
            c = next(c for c in sat.curves if c.category == "pain")
            exact = next(c for c in theme_saturation(planted_themes(exs, truth), exs, dates).curves
                         if c.category == "pain")
            rows.append({"seed": seed, "planted": k, "found": c.last_new_at, "themes": c.themes,
                         "planted_themes": len(truth), "found_on_planted_themes": exact.last_new_at,
                         "ok": c.last_new_at is not None and abs(c.last_new_at - k) <= 1,
                         "ok_planted_themes": exact.last_new_at is not None and abs(exact.last_new_at - k) <= 1,
                         "verdict": c.verdict})
        hits = sum(r["ok"] for r in rows)
        exact_hits = sum(r["ok_planted_themes"] for r in rows)
        out["generated"][name] = {"hits": hits, "hits_planted_themes": exact_hits, "studies": len(rows),
                                  "rows": rows}
        print(f"generated from the {name} pool: planted point found within one interview in {hits}/10 "
              f"through synth's clustering, {exact_hits}/10 on the planted themes")
        for r in rows:
            print(f"  seed {r['seed']}: planted {r['planted']}, found {r['found']} ({r['themes']} themes found, "
                  f"{r['planted_themes']} planted; on the planted themes: {r['found_on_planted_themes']})")
        gold_ts = study.to_themeset()
        dates = {a.file: a.interview_date for a in study.accounts if a.file}
        sat = theme_saturation(gold_ts, study.to_extractions(), dates)
        out["annotated"][name] = [{"category": c.category, "themes": c.themes, "last_new_at": c.last_new_at,
                                   "last_new_at_random": c.last_new_at_random, "cumulative": c.cumulative,
                                   "verdict": c.verdict} for c in sat.curves]
        for c in sat.curves:
            print(f"  {name} gold {c.category}: {c.cumulative} -> {c.verdict}")
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    previous["saturation"] = out
    RESULTS.write_text(json.dumps(previous, indent=1, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
