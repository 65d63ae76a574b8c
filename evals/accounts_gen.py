"""A generated accounts table with known ground truth, for judging synthesized ICP rules.

    records, p_true = generate_accounts(n=2000, seed=0)
    python -m evals.accounts_gen --out accounts_generated.csv     # the same table as a CSV

The gold study (evals/gold/accounts.csv) has 5 won accounts of 60-310 employees running
postgres / snowflake / kafka / salesforce / hubspot-style stacks in usage-metered infrastructure
and API markets, and 5 lost accounts that are mostly tiny (7-35 employees) on stripe + vercel /
supabase / firebase. The generator turns that contrast into a known conversion probability and
draws outcomes from it, so the rules synthesized from the 12 gold accounts can be scored against
accounts they have never seen, and compared with the best possible ranking (the true probability).

Draws (numpy `default_rng(seed)`, in this order, one row at a time is NOT used: each column is one
vectorized draw, so the table is identical for the same n and seed):

* employees: log-uniform on [3, 3000], rounded;
* funding_stage: from the employee count (< 15: Pre-seed/Seed; < 50: Seed/Series A; < 150:
  Series A/B; < 400: Series B/C; else Series C/Series D), uniform within the pair;
* industry: uniform over 12 (6 usage-metered: Observability, Data infrastructure, Video
  infrastructure, Geospatial APIs, Logistics APIs, Agtech IoT; 6 seat-priced: Design collaboration,
  Developer tools, Product analytics, Workflow automation, HR software, Marketing software);
* country: US 50%, GB, DE, NL, FR, CA, AU 8.3% each;
* tech_stack: each of 18 items independently with its own probability (STACK_P); a billing tool
  (stripe, chargebee or quickbooks) is always present.

Ground truth, a logistic model:

    logit = -2.0
            + 1.8  if 50 <= employees <= 500        (the won accounts' band)
            + 0.6  if employees > 500
            - 1.2  if employees < 20                  (the tiny lost accounts)
            + 0.7  if industry is usage-metered
            + 0.5  if the stack has snowflake, kafka, bigquery or clickhouse (a metering data source)
            + 0.4  if the stack has salesforce or hubspot (a CRM to sync invoices with)
            + 0.3  if the stack has postgres
            - 0.9  if the stack has vercel, supabase or firebase (the lost accounts' hobby stacks)
    p_true = 1 / (1 + exp(-logit));  outcome = won if U(0,1) < p_true else lost

Funding stage and country have no effect of their own (funding stage correlates with employees).
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

USAGE_HEAVY = ("Observability", "Data infrastructure", "Video infrastructure", "Geospatial APIs",
               "Logistics APIs", "Agtech IoT")
SEAT_PRICED = ("Design collaboration", "Developer tools", "Product analytics", "Workflow automation",
               "HR software", "Marketing software")
COUNTRIES = ("US", "GB", "DE", "NL", "FR", "CA", "AU")
COUNTRY_P = (0.5,) + (0.5 / 6,) * 6
STACK_P = {
    "stripe": 0.6, "chargebee": 0.1, "quickbooks": 0.08, "postgres": 0.55, "snowflake": 0.2,
    "kafka": 0.15, "bigquery": 0.1, "clickhouse": 0.08, "salesforce": 0.25, "hubspot": 0.3,
    "netsuite": 0.08, "xero": 0.05, "redis": 0.3, "aws": 0.4, "datadog": 0.2, "vercel": 0.2,
    "supabase": 0.12, "firebase": 0.1,
}
DATA_SOURCES = {"snowflake", "kafka", "bigquery", "clickhouse"}
CRMS = {"salesforce", "hubspot"}
HOBBY = {"vercel", "supabase", "firebase"}
STAGES = [(15, ("Pre-seed", "Seed")), (50, ("Seed", "Series A")), (150, ("Series A", "Series B")),
          (400, ("Series B", "Series C")), (10 ** 9, ("Series C", "Series D"))]


def true_logit(employees: np.ndarray, industry: list[str], stacks: list[set[str]]) -> np.ndarray:
    emp = np.asarray(employees, dtype=float)
    logit = np.full(len(emp), -2.0)
    logit += np.where((emp >= 50) & (emp <= 500), 1.8, 0.0)
    logit += np.where(emp > 500, 0.6, 0.0)
    logit -= np.where(emp < 20, 1.2, 0.0)
    logit += np.array([0.7 if i in USAGE_HEAVY else 0.0 for i in industry])
    logit += np.array([0.5 if s & DATA_SOURCES else 0.0 for s in stacks])
    logit += np.array([0.4 if s & CRMS else 0.0 for s in stacks])
    logit += np.array([0.3 if "postgres" in s else 0.0 for s in stacks])
    logit -= np.array([0.9 if s & HOBBY else 0.0 for s in stacks])
    return logit


def generate_accounts(n: int = 2000, seed: int = 0) -> tuple[list[dict], np.ndarray]:
    """(records for `AccountsTable.from_records`, true conversion probability per record)."""
    rng = np.random.default_rng(seed)
    employees = np.round(np.exp(rng.uniform(np.log(3), np.log(3000), n))).astype(int)
    stage_pick = rng.integers(0, 2, n)
    industries_all = USAGE_HEAVY + SEAT_PRICED
    industry = [industries_all[i] for i in rng.integers(0, len(industries_all), n)]
    country = [COUNTRIES[i] for i in rng.choice(len(COUNTRIES), n, p=COUNTRY_P)]
    names = list(STACK_P)
    has = rng.random((n, len(names))) < np.array([STACK_P[s] for s in names])
    billing_fallback = rng.integers(0, 3, n)
    stacks: list[set[str]] = []
    for r in range(n):
        s = {names[c] for c in np.flatnonzero(has[r])}
        if not s & {"stripe", "chargebee", "quickbooks"}:
            s.add(("stripe", "chargebee", "quickbooks")[billing_fallback[r]])
        stacks.append(s)
    p_true = 1.0 / (1.0 + np.exp(-true_logit(employees, industry, stacks)))
    won = rng.random(n) < p_true
    records = []
    for r in range(n):
        stage = next(pair for limit, pair in STAGES if employees[r] < limit)[stage_pick[r]]
        records.append({
            "company": f"Generated {r + 1:05d}", "employees": int(employees[r]), "industry": industry[r],
            "country": country[r], "funding_stage": stage,
            "tech_stack": ";".join(n_ for n_ in names if n_ in stacks[r]),
            "outcome": "won" if won[r] else "lost"})
    return records, p_true


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.accounts_gen", description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    records, p = generate_accounts(args.n, args.seed)
    with args.out.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=[*records[0], "p_true"])
        w.writeheader()
        for rec, pt in zip(records, p):
            w.writerow({**rec, "p_true": f"{pt:.4f}"})
    print(f"wrote {len(records)} accounts to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
