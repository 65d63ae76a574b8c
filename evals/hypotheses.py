"""`python -m evals.hypotheses`: each gold theme's definition as a hypothesis, tested per interview
against the gold coverage (which interviews have an annotated item of that theme), on both studies.

    python -m evals.hypotheses                  # both studies: offline related evidence + oracle LLM replies
    python -m evals.hypotheses --study dev      # tune here (never on the held-out study)
    python -m evals.hypotheses --sweep --study dev   # dev precision/recall over thresholds, and the
                                                     # threshold chosen by `choose_threshold`
    python -m evals.hypotheses --subsets --study dev --no-oracle   # dev: does the operating point move
                                                     # with the hypothesis set? (`set_stability`)
    python -m evals.hypotheses --no-oracle --base-url http://127.0.0.1:8000/v1 --model gemma3-270m \
        --out /tmp/model.json                        # the LLM path with a real model (llama_cpp.server)

Offline: ingest -> local extractor -> `check_hypotheses(method="related")` in a temporary workspace.
Oracle: the same study through the real LLM path (openai client, instructor, cache, grounding, support
check) against `tests.support.fakeopenai.FakeOpenAI`, whose replies are written from the gold
annotations (every annotated quote of a theme that lies in the chunk, stance "supports"). Those replies
are hand-made from the annotations, not a model's: the number measures the pipeline around a perfect
model (chunking, quote grounding, support check, aggregation), not a model.
A (theme, interview) pair is positive in gold when the interview has a non-dismissed item of the theme;
predicted positive when the stance is "supports". Precision, recall and agreement (share of all pairs
labelled alike) over all pairs; the won/lost split per theme is compared with the gold split.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import tempfile
import time
from pathlib import Path
from typing import Optional

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

RESULTS = Path(__file__).resolve().parent / "hypotheses_results.json"
_FILE = re.compile(r"Interview file: (.+?), chunk (\d+) of (\d+)\.")


def gold_hypotheses(study):
    from synth.hypotheses import Hypothesis

    return [Hypothesis(id=t.id, text=f"{t.label}: {t.description}", category=t.category)
            for t in study.themes.values()]


def pairs(results, cover: dict[str, set[str]]) -> list[tuple[str, str, bool, bool]]:
    """(hypothesis id, file, predicted positive, gold positive) for every (hypothesis, interview) pair."""
    return [(r.hypothesis.id, row.file, row.stance == "supports", row.file in cover.get(r.hypothesis.id, set()))
            for r in results for row in r.interviews]


def confusion(rows) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) of `pairs` rows."""
    return (sum(p and g for _, _, p, g in rows), sum(p and not g for _, _, p, g in rows),
            sum(g and not p for _, _, p, g in rows))


def precision_recall(rows) -> tuple[Optional[float], Optional[float]]:
    tp, fp, fn = confusion(rows)
    return (tp / (tp + fp) if tp + fp else None, tp / (tp + fn) if tp + fn else None)


def score(run, study) -> dict:
    cover = study.theme_files()
    outcome = {a.file: a.outcome for a in study.accounts if a.file}
    rows = pairs(run.results, cover)
    (tp, fp, fn), (p, rc) = confusion(rows), precision_recall(rows)
    agree, n = sum(pred == g for _, _, pred, g in rows), len(rows)
    split_rows = []
    for r in run.results:
        gold = cover.get(r.hypothesis.id, set())
        gw = sum(outcome.get(f) == "won" for f in gold)
        gl = sum(outcome.get(f) == "lost" for f in gold)
        split_rows.append({"id": r.hypothesis.id, "gold_won": gw, "gold_lost": gl, "pred_won": r.split.won,
                           "pred_lost": r.split.lost, "won_total": r.split.won_total,
                           "lost_total": r.split.lost_total, "p_value": r.split.p_value})
    split_err = [abs(s["pred_won"] - s["gold_won"]) + abs(s["pred_lost"] - s["gold_lost"]) for s in split_rows]
    quotes = [q for r in run.results for row in r.interviews for q in row.quotes]
    return {"pairs": n, "tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": rc,
            "agreement": agree / n if n else None,
            "split_exact": sum(e == 0 for e in split_err), "split_themes": len(split_rows),
            "split_mean_abs_error": sum(split_err) / len(split_err) if split_err else None,
            "quotes": len(quotes), "quotes_verbatim_interviewee": _verbatim(quotes, study),
            "split": split_rows}


def _verbatim(quotes, study) -> int:
    ok = 0
    for q in quotes:
        t = study.transcripts.get(q.file)
        turn = t.turn_at(q.char_start) if t else None
        ok += bool(t and t.text[q.char_start:q.char_end] == q.quote and turn and not turn.is_interviewer
                   and q.char_end <= turn.char_end)
    return ok


BAR_PRECISION, BAR_RECALL = 0.8, 0.6   # the bar for offline related evidence


def choose_threshold(sweep: list[dict]) -> float:
    """The dev threshold with the widest margin to both bars: max over thresholds of
    min(precision - 0.8, recall - 0.6); ties go to the lower threshold (more recall). This is how
    `synth.hypotheses.offline.RELATED_THRESHOLD` was set; it is never run on the held-out study."""
    def margin(row):
        if row["precision"] is None or row["recall"] is None:
            return float("-inf")
        return min(row["precision"] - BAR_PRECISION, row["recall"] - BAR_RECALL)
    return max(sweep, key=lambda r: (round(margin(r), 6), -r["threshold"]))["threshold"]


SUBSET_SIZES = (5, 7, 10)
SUBSET_DRAWS = 20
SUBSET_SEED = 0
# claims about none of either study's subjects (written for this check, not from any transcript): the
# full set plus some of these asks whether an unrelated hypothesis moves the others' stances
UNRELATED = (
    ("X1", "pain", "Ramping new sales reps is slow: new account executives take months to close their first deal."),
    ("X2", "pain", "Security questionnaires stall enterprise deals: procurement asks for SOC 2 and pen tests."),
    ("X3", "trigger", "A failed compliance audit makes teams start looking for a vendor."),
    ("X4", "trigger", "Office relocation: moving to a new headquarters makes the team revisit its tools."),
    ("X5", "alternative", "An outsourced agency does the work for them on retainer."),
    ("X6", "dmu", "The head of IT signs off on every new purchase."),
)


def subset_draws(ids: list[str], seed: int = SUBSET_SEED, draws: int = SUBSET_DRAWS,
                 sizes: tuple[int, ...] = SUBSET_SIZES) -> dict[int, list[list[str]]]:
    """Seeded hypothesis subsets: per size, `draws` draws without replacement (sizes >= the set skipped)."""
    rng = random.Random(seed)
    return {k: [rng.sample(ids, k) for _ in range(draws)] for k in sizes if k < len(ids)}


def set_stability(ws, study, hyps, threshold: Optional[float] = None) -> list[dict]:
    """Dev only: P/R of the offline method at one fixed threshold when the hypothesis set changes,
    each beside the same (hypothesis, interview) pairs as they are scored in the full set. A score that
    does not depend on the rest of the set gives the same two numbers in every row."""
    from synth.embed import Embedder
    from synth.hypotheses import Hypothesis, HypothesisOptions, check_hypotheses

    emb = Embedder(ws)   # one embedder: the interviews' vectors are encoded once for every draw
    opts = HypothesisOptions(method="related", threshold=threshold)
    cover = study.theme_files()
    full = pairs(check_hypotheses(ws, hyps, options=opts, embedder=emb).results, cover)
    in_full = {(h, f): pred for h, f, pred, _ in full}
    by_id = {h.id: h for h in hyps}
    unrelated = [Hypothesis(id=i, category=c, text=t) for i, c, t in UNRELATED]
    sets = {f"{k} of {len(hyps)}": draws for k, draws in subset_draws([h.id for h in hyps]).items()}
    sets[f"all {len(hyps)} + 2 unrelated"] = [[h.id for h in hyps] + [u.id for u in pick]
                                               for pick in itertools.combinations(unrelated, 2)]
    sets[f"all {len(hyps)} + {len(unrelated)} unrelated"] = [[h.id for h in hyps] + [u.id for u in unrelated]]
    by_id.update({u.id: u for u in unrelated})
    out = [{"set": f"all {len(hyps)}", "draws": 1, "pairs": len(full), "precision": precision_recall(full)[0],
            "recall": precision_recall(full)[1], "changed": 0}]
    for name, draws in sets.items():
        got, ref = [], []
        for ids in draws:
            run = check_hypotheses(ws, [by_id[i] for i in ids], options=opts, embedder=emb)
            got += [p for p in pairs(run.results, cover) if p[0] in cover]   # the unrelated ones have no gold
            ref += [p for p in full if p[0] in ids]
        (p, r), (p0, r0) = precision_recall(got), precision_recall(ref)
        out.append({"set": name, "draws": len(draws), "pairs": len(got), "precision": p, "recall": r,
                    "precision_full_set": p0, "recall_full_set": r0,
                    "changed": sum(pred != in_full[h, f] for h, f, pred, _ in got)})
    return out


def oracle_responder(study):
    """Replies written from the gold annotations (not a model): per chunk, each theme's annotated quotes
    that lie in the chunk."""
    from tests.support.fakeopenai import json_completion, tool_call_completion

    by_file: dict[str, list] = {}
    for it in study.items:
        if it.theme and not it.dismissed and it.located_text:
            by_file.setdefault(it.file, []).append(it)

    def respond(body: dict) -> dict:
        user = "\n".join(m["content"] for m in body["messages"] if m["role"] == "user")
        m = _FILE.search(user)
        chunk = user.split("<transcript>", 1)[-1]
        norm = " ".join(chunk.split())
        found: dict[str, list[str]] = {}
        for it in by_file.get(m.group(1) if m else "", []):
            if " ".join(it.located_text.split()) in norm:
                found.setdefault(it.theme, []).append(it.located_text)
        args = {"findings": [{"hypothesis_id": k, "stance": "supports", "quotes": v[:3]}
                             for k, v in sorted(found.items())]}
        if body.get("tools"):
            return tool_call_completion(body["tools"][0]["function"]["name"], args)
        return json_completion(args)

    return respond


def _llm_scores(run, study, t0: float) -> dict:
    """An LLM-path run's scores, time and call counts (the oracle's and a real model's alike)."""
    return {**score(run, study), "seconds": round(time.perf_counter() - t0, 1), "calls": run.calls,
            "quotes_proposed": run.quotes_proposed, "quotes_grounded": run.quotes_grounded,
            "quotes_off_topic": run.quotes_off_topic, "failed_chunks": run.failed_chunks}


def run_study(name: str, sweep: bool = False, oracle: bool = True, subsets: bool = False,
              server: Optional[dict] = None) -> dict:
    from pydantic import SecretStr

    from evals.gold import STUDIES, load_gold
    from synth import pipeline
    from synth.hypotheses import HypothesisOptions, check_hypotheses
    from synth.llm.provider import ProviderConfig
    from synth.workspace import Workspace

    study = load_gold(STUDIES[name])
    hyps = gold_hypotheses(study)
    out: dict = {"study": name, "hypotheses": len(hyps), "interviews": len(study.files)}
    with tempfile.TemporaryDirectory(prefix="synth-hyp-") as tmp:
        ws = Workspace(Path(tmp) / "ws")
        try:
            pipeline.ingest([study.root / "transcripts"], ws, accounts_csv=study.root / "accounts.csv")
            pipeline.extract(ws)
            t0 = time.perf_counter()
            run = check_hypotheses(ws, hyps, options=HypothesisOptions(method="related"))
            out["offline"] = {**score(run, study), "seconds": round(time.perf_counter() - t0, 1)}
            if sweep:
                out["sweep"] = []
                for thr in [x / 100 for x in range(5, 41)]:
                    r = check_hypotheses(ws, hyps, options=HypothesisOptions(method="related", threshold=thr))
                    s = score(r, study)
                    out["sweep"].append({"threshold": thr, "precision": s["precision"], "recall": s["recall"]})
                out["chosen_threshold"] = choose_threshold(out["sweep"])
            if subsets:
                out["set_stability"] = set_stability(ws, study, hyps)
            if oracle:
                from tests.support.fakeopenai import FakeOpenAI

                with FakeOpenAI(oracle_responder(study)) as srv:
                    cfg = ProviderConfig(provider="openai", model="gpt-4o-mini", api_key=SecretStr("sk-oracle-0000"),
                                         base_url=srv.base_url, mode="tools", timeout_s=10.0, max_attempts=2)
                    t0 = time.perf_counter()
                    out["oracle"] = _llm_scores(check_hypotheses(ws, hyps, provider=cfg), study, t0)
            if server:  # a real model behind an OpenAI-compatible server: the same path, the same scoring
                cfg = ProviderConfig(provider="compatible", model=server["model"], api_key=SecretStr("sk-local"),
                                     base_url=server["base_url"], mode=server["mode"], timeout_s=900.0,
                                     max_attempts=2)
                t0 = time.perf_counter()
                out["model"] = {**_llm_scores(check_hypotheses(ws, hyps, provider=cfg), study, t0),
                                "name": server["model"], "mode": server["mode"]}
        finally:
            ws.close()
    return out


def _f(x) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--study", choices=["heldout", "dev", "both"], default="both")
    ap.add_argument("--sweep", action="store_true", help="dev: precision/recall over thresholds")
    ap.add_argument("--subsets", action="store_true", help="dev: P/R at the fixed threshold over seeded "
                                                               "hypothesis subsets and with unrelated hypotheses")
    ap.add_argument("--no-oracle", action="store_true")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--base-url", help="also run the LLM path against a real model behind this OpenAI-compatible "
                                       "server (python -m llama_cpp.server); with --model and --mode")
    ap.add_argument("--model", default="gemma3-270m")
    ap.add_argument("--mode", default="json_object_schema")
    args = ap.parse_args(argv)
    server = {"base_url": args.base_url, "model": args.model, "mode": args.mode} if args.base_url else None
    names = ["heldout", "dev"] if args.study == "both" else [args.study]
    results = {}
    for n in names:
        if (args.sweep or args.subsets) and n == "heldout":
            raise SystemExit("--sweep and --subsets are for the dev study only: the held-out study is only measured")
        results[n] = run_study(n, sweep=args.sweep, oracle=not args.no_oracle, subsets=args.subsets, server=server)
        r = results[n]
        for kind in ("offline", "oracle", "model"):
            if kind in r:
                s = r[kind]
                print(f"{n} {kind}: P {_f(s['precision'])} R {_f(s['recall'])} agreement {_f(s['agreement'])} "
                      f"({s['pairs']} pairs; split exact {s['split_exact']}/{s['split_themes']}, "
                      f"mean abs error {_f(s['split_mean_abs_error'])}; quotes verbatim in interviewee turns "
                      f"{s['quotes_verbatim_interviewee']}/{s['quotes']})")
        for row in r.get("sweep", []):
            print(f"  threshold {row['threshold']:.2f}: P {_f(row['precision'])} R {_f(row['recall'])}")
        for row in r.get("set_stability", []):
            ref = (f" (same pairs in the full set: P {_f(row['precision_full_set'])} R {_f(row['recall_full_set'])}; "
                   f"{row['changed']} of {row['pairs']} stances changed)" if "precision_full_set" in row else "")
            print(f"  {row['set']} ({row['draws']} draws): P {_f(row['precision'])} R {_f(row['recall'])}{ref}")
        if "chosen_threshold" in r:
            print(f"  chosen (widest margin to P >= {BAR_PRECISION} and R >= {BAR_RECALL}): "
                  f"{r['chosen_threshold']:.2f}")
    # a model run is a side measure: written only to an --out of its own
    if not (args.sweep or args.subsets) and (server is None or args.out != RESULTS):
        previous = json.loads(args.out.read_text()) if args.out.exists() else {}
        previous.update({"hypotheses": results})
        args.out.write_text(json.dumps(previous, indent=1, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
