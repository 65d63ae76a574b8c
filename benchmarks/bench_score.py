"""Benchmark: read + score 1,000,000 accounts (target: under 10 s on a 2-core machine), and learn
points from 100,000 accounts with outcomes (target: under 30 s).

    .venv/bin/python benchmarks/bench_score.py [--rows 1000000] [--learn-rows 100000] [--runs 3] [--write]

Generates a deterministic accounts CSV (numpy seed 0, HubSpot-style headers so the column map is
exercised; "51-200"-style employee ranges in 10% of rows, currency in Annual Revenue, lifecycle
stages Customer / Churned / Lead as outcomes), then times `read_accounts_csv` and `score_accounts`
`runs` times and prints the medians. `--write` also times `write_scores_csv`. Learning: the first
`learn_rows` rows, read from their own CSV, through `fit_table` (profile -> candidate criteria ->
logistic-regression points -> calibrated tiers), the whole of what `synth icp` learns from a table.
`run()` returns the numbers as a dict.
"""
from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from synth.icp import Criterion, IcpRules, fit_table, read_accounts_csv, score_accounts, write_scores_csv

INDUSTRIES = ["Software", "Fintech", "Healthcare", "Retail", "Agency", "Government", "Education",
              "Manufacturing", "Media", "Logistics"]
COUNTRIES = ["United States", "Canada", "Germany", "United Kingdom", "France", "India", "Brazil", "Japan"]
STAGES = ["Seed", "Series A", "Series B", "Series C", "Public", "Bootstrapped"]
STACK = ["aws", "gcp", "azure", "kubernetes", "datadog", "snowflake", "terraform", "postgres",
         "github", "salesforce", "hubspot", "okta"]
OUTCOMES = ["Customer", "Churned", "Lead", "Opportunity", ""]


def bench_rules() -> IcpRules:
    c = Criterion
    return IcpRules(criteria=[
        c(id="employees_band", attribute="firmographic", field="employees", op="between",
          value=[100, 500], points=25),
        c(id="industry", attribute="firmographic", field="industry", op="in",
          value=["Software", "Fintech"], points=15),
        c(id="country", attribute="firmographic", field="country", op="in",
          value=["United States", "Canada"], points=10),
        c(id="k8s", attribute="technographic", field="tech_stack", op="contains_any",
          value=["kubernetes"], points=15),
        c(id="datadog", attribute="technographic", field="tech_stack", op="contains_any",
          value=["datadog"], points=15),
        c(id="cloud", attribute="technographic", field="tech_stack", op="contains_any",
          value=["aws", "gcp"], points=10),
        c(id="revenue", attribute="firmographic", field="annual_revenue", op="gte", value=5_000_000,
          points=10),
        c(id="tiny", attribute="firmographic", field="employees", op="lte", value=10, points=-20),
        c(id="agency", attribute="firmographic", field="industry", op="in", value=["Agency"],
          points=-15),
    ], disqualifiers=[
        c(id="government", attribute="firmographic", field="industry", op="equals", value="Government"),
    ])


def generate(path: Path, n: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    employees = np.round(np.exp(rng.normal(5.0, 1.6, n))).astype(np.int64).astype(str)
    employees[rng.random(n) < 0.10] = "51-200"                      # range cells, as CRMs export them
    employees[rng.random(n) < 0.05] = ""                            # 5% unknown
    revenue = np.char.add("$", (rng.integers(1, 500, n) * 100_000).astype(str))
    industry = np.array(INDUSTRIES)[rng.integers(0, len(INDUSTRIES), n)]
    country = np.array(COUNTRIES)[rng.integers(0, len(COUNTRIES), n)]
    stage = np.array(STAGES)[rng.integers(0, len(STAGES), n)]
    outcome = np.array(OUTCOMES)[rng.integers(0, len(OUTCOMES), n)]
    masks = rng.random((n, len(STACK))) < 0.3
    combos = {}
    bits = masks @ (1 << np.arange(len(STACK)))
    stack = [combos.setdefault(b, ";".join(s for j, s in enumerate(STACK) if b >> j & 1)) for b in bits.tolist()]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Record ID", "Company name", "Number of Employees", "Industry", "Country/Region",
                    "Funding stage", "Web Technologies", "Annual Revenue", "Lifecycle Stage"])
        w.writerows(zip(range(1, n + 1), (f"Company {i}" for i in range(n)), employees.tolist(),
                        industry.tolist(), country.tolist(), stage.tolist(), stack, revenue.tolist(),
                        outcome.tolist()))


def learn(path: Path, runs: int) -> dict:
    times, table = [], read_accounts_csv(path, "hubspot")
    for _ in range(runs):
        t0 = time.perf_counter()
        _, rules = fit_table(table)
        times.append(time.perf_counter() - t0)
    out = table.outcomes()
    return {"learn_rows": table.n_rows, "learn_won": int((out == 1).sum()), "learn_lost": int((out == 0).sum()),
            "learn_s": round(statistics.median(times), 3), "learn_criteria": len(rules.criteria),
            "learn_top": [f"{c.id} {c.points}" for c in sorted(rules.criteria, key=lambda c: -c.points)[:3]]}


def run(rows: int = 1_000_000, runs: int = 3, write: bool = False, learn_rows: int = 100_000) -> dict:
    rules = bench_rules()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "accounts.csv"
        t0 = time.perf_counter()
        generate(path, rows)
        gen_s = time.perf_counter() - t0
        reads, scores, totals, writes = [], [], [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            table = read_accounts_csv(path, "hubspot")
            t1 = time.perf_counter()
            result = score_accounts(table, rules)
            t2 = time.perf_counter()
            reads.append(t1 - t0)
            scores.append(t2 - t1)
            totals.append(t2 - t0)
            if write:
                t3 = time.perf_counter()
                write_scores_csv(result, Path(d) / "scores.csv")
                writes.append(time.perf_counter() - t3)
            assert len(result) == rows
        out = {"rows": rows, "runs": runs, "csv_mb": round(path.stat().st_size / 1e6, 1),
               "generate_s": round(gen_s, 2), "read_s": round(statistics.median(reads), 3),
               "score_s": round(statistics.median(scores), 3),
               "read_score_s": round(statistics.median(totals), 3),
               "tier_counts": result.tier_counts}
        if write:
            out["write_csv_s"] = round(statistics.median(writes), 3)
        if learn_rows:
            lp = Path(d) / "learn.csv"
            generate(lp, learn_rows)
            out.update(learn(lp, runs))
    print(f"{'rows':>10} {'runs':>4} {'csv MB':>7} {'read s':>8} {'score s':>8} {'read+score s':>13}"
          + (f" {'write csv s':>11}" if write else ""))
    print(f"{out['rows']:>10} {runs:>4} {out['csv_mb']:>7} {out['read_s']:>8} {out['score_s']:>8} "
          f"{out['read_score_s']:>13}" + (f" {out['write_csv_s']:>11}" if write else ""))
    print("medians of", runs, "runs; tiers:", out["tier_counts"])
    if learn_rows:
        print(f"learn points on {out['learn_rows']:,} accounts ({out['learn_won']:,} won, {out['learn_lost']:,} "
              f"lost): {out['learn_s']} s; top criteria {out['learn_top']}")
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--learn-rows", type=int, default=100_000, help="0: skip the learning benchmark")
    a = ap.parse_args()
    run(a.rows, a.runs, a.write, a.learn_rows)
