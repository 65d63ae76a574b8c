"""Generated accounts with known ground truth, including the signals interviews reveal.

    records, p_true = generate_accounts(n=2000, seed=0)
    python -m evals.accounts_gen --out accounts_generated.csv     # the same table as a CSV

Why: an ICP eval whose table has only firmographic columns cannot see extraction (the rules synth
draws from triggers, alternatives and the buying committee never apply, so any extractor scores
the same). This table also carries the columns those rules read (`triggers`, `alternatives`,
`champion_title`, `economic_buyer_title`, ';'-separated), and its true conversion probability
depends on them. The truth is written from the brief's and the seeds' generic ICP logic, not from
any study's accounts or interviews: an account converts more when something just changed (any
realized triggering event), when someone champions the purchase, and when it copes with a workaround
rather than doing nothing; mid-sized accounts convert more than tiny ones. Industry, country, stage
and tech stack are drawn at random and have no effect, so a rule on them can only add noise.

What the score then measures: how well rules synthesized from one study's accounts plus its
extraction rank accounts they never saw by a conversion logic that rewards interview signals. An
extractor that finds the won accounts' triggers (with their kinds) and champions yields trigger and
DMU rules that match this table's converting accounts; one that misses them, or finds triggers in
lost accounts, yields firmographic-only or misleading rules. The oracle AUC (ranking by the true
probability) is the ceiling; the "firmographic rules only" row is the floor extraction must beat.

Draws (numpy `default_rng(seed)`, one vectorized draw per column, in this order): employees
log-uniform on [3, 3000]; funding stage from employees; industry uniform over GENERIC_INDUSTRIES;
country; each tech in STACK independently (p 0.3); each trigger kind independently (p TRIGGER_P);
one alternative kind (ALT_P), plus a second one with p 0.25; a champion title with p 0.5 and an
economic buyer title with p 0.6, uniform over generic title pools.

    logit = -2.3 + 1.0 [50 <= employees <= 1000] - 1.0 [employees < 20]
            + 1.6 [any trigger] + 0.6 [a champion] + 0.5 [a workaround: spreadsheet, manual, homegrown]
            - 0.8 [alternatives are only "nothing"]
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

GENERIC_INDUSTRIES = ("Software", "Financial services", "Healthcare", "Manufacturing", "Retail", "Logistics",
                      "Education", "Media", "Energy", "Professional services")
COUNTRIES = ("US", "GB", "DE", "NL", "FR", "CA", "AU")
COUNTRY_P = (0.5,) + (0.5 / 6,) * 6
STACK = ("aws", "gcp", "azure", "postgres", "salesforce", "hubspot", "slack", "okta", "netsuite", "excel")
# the brief's realized trigger kinds ("other" is not a kind a rule can name)
TRIGGER_KINDS = ("funding", "executive_hire", "vendor_renewal", "audit_or_regulation", "incident",
                 "scaling_wall", "blocked_deal", "migration_or_deprecation")
TRIGGER_P = 0.08
ALT_KINDS = ("spreadsheet", "manual", "homegrown", "competitor", "nothing")
ALT_P = (0.3, 0.2, 0.15, 0.2, 0.15)
WORKAROUNDS = {"spreadsheet", "manual", "homegrown"}
CHAMPION_TITLES = ("VP Engineering", "Head of Operations", "Director of Operations", "VP Operations", "Head of IT",
                   "Head of Platform")
BUYER_TITLES = ("CFO", "CEO", "VP Finance", "COO", "CTO")
STAGES = [(15, ("Pre-seed", "Seed")), (50, ("Seed", "Series A")), (150, ("Series A", "Series B")),
          (400, ("Series B", "Series C")), (10 ** 9, ("Series C", "Series D"))]
SIGNAL_COLUMNS = ("triggers", "alternatives", "champion_title", "economic_buyer_title")


def true_logit(employees: np.ndarray, triggers: list[list[str]], alts: list[list[str]],
               champion: list[str]) -> np.ndarray:
    emp = np.asarray(employees, dtype=float)
    logit = np.full(len(emp), -2.3)
    logit += np.where((emp >= 50) & (emp <= 1000), 1.0, 0.0)
    logit -= np.where(emp < 20, 1.0, 0.0)
    logit += np.array([1.6 if t else 0.0 for t in triggers])
    logit += np.array([0.6 if c else 0.0 for c in champion])
    logit += np.array([0.5 if set(a) & WORKAROUNDS else 0.0 for a in alts])
    logit -= np.array([0.8 if a == ["nothing"] else 0.0 for a in alts])
    return logit


def generate_accounts(n: int = 2000, seed: int = 0) -> tuple[list[dict], np.ndarray]:
    """(records for `AccountsTable.from_records`, true conversion probability per record)."""
    rng = np.random.default_rng(seed)
    employees = np.round(np.exp(rng.uniform(np.log(3), np.log(3000), n))).astype(int)
    stage_pick = rng.integers(0, 2, n)
    industry = [GENERIC_INDUSTRIES[i] for i in rng.integers(0, len(GENERIC_INDUSTRIES), n)]
    country = [COUNTRIES[i] for i in rng.choice(len(COUNTRIES), n, p=COUNTRY_P)]
    has_tech = rng.random((n, len(STACK))) < 0.3
    has_trig = rng.random((n, len(TRIGGER_KINDS))) < TRIGGER_P
    alt1 = rng.choice(len(ALT_KINDS), n, p=ALT_P)
    alt2 = np.where(rng.random(n) < 0.25, rng.choice(len(ALT_KINDS), n, p=ALT_P), -1)
    champ = np.where(rng.random(n) < 0.5, rng.integers(0, len(CHAMPION_TITLES), n), -1)
    buyer = np.where(rng.random(n) < 0.6, rng.integers(0, len(BUYER_TITLES), n), -1)
    triggers = [[TRIGGER_KINDS[c] for c in np.flatnonzero(has_trig[r])] for r in range(n)]
    alts = []
    for r in range(n):
        a = [ALT_KINDS[alt1[r]]]
        if alt2[r] >= 0 and ALT_KINDS[alt2[r]] not in a and "nothing" not in (a[0], ALT_KINDS[alt2[r]]):
            a.append(ALT_KINDS[alt2[r]])
        alts.append(a)
    champion = [CHAMPION_TITLES[c] if c >= 0 else "" for c in champ]
    p_true = 1.0 / (1.0 + np.exp(-true_logit(employees, triggers, alts, champion)))
    won = rng.random(n) < p_true
    records = []
    for r in range(n):
        stage = next(pair for limit, pair in STAGES if employees[r] < limit)[stage_pick[r]]
        records.append({
            "company": f"Generated {r + 1:05d}", "employees": int(employees[r]), "industry": industry[r],
            "country": country[r], "funding_stage": stage,
            "tech_stack": ";".join(STACK[c] for c in np.flatnonzero(has_tech[r])),
            "triggers": ";".join(triggers[r]), "alternatives": ";".join(alts[r]),
            "champion_title": champion[r], "economic_buyer_title": BUYER_TITLES[buyer[r]] if buyer[r] >= 0 else "",
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
