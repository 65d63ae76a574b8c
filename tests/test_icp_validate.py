"""Validation arithmetic on a table computed by hand, edge cases, bootstrap intervals, and
cross-validation that is deterministic and never lets a held-out account into its own fit."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synth.icp import Criterion, IcpRules, fit_table, table_learner
from synth.icp.crossval import cross_validate, make_folds
from synth.icp.metrics import average_ranks, roc_auc
from synth.icp.table import AccountsTable
from synth.icp.validate import TOO_FEW, validate

RULES = IcpRules(criteria=[
    Criterion(id="sw", attribute="firmographic", field="industry", op="in", value=["Software"], points=50),
    Criterion(id="k8s", attribute="technographic", field="tech_stack", op="contains_any",
              value=["kubernetes"], points=30),
    Criterion(id="us", attribute="firmographic", field="country", op="in", value=["US"], points=20),
])

# company, industry, stack, country, outcome -> score (sw 50 + k8s 30 + us 20) and tier
HAND = [
    ("r1", "Software", "kubernetes", "US", "won"),    # 100 high_touch
    ("r2", "Software", "kubernetes", "UK", "won"),    #  80 high_touch
    ("r3", "Software", "kubernetes", "UK", "lost"),   #  80 high_touch
    ("r4", "Software", "", "US", "won"),              #  70 nurture
    ("r5", "Software", "", "UK", "lost"),             #  50 nurture
    ("r6", "Other", "kubernetes", "US", "won"),       #  50 nurture
    ("r7", "Other", "kubernetes", "UK", "lost"),      #  30 deprioritize
    ("r8", "Other", "", "US", "lost"),                #  20 deprioritize
    ("r9", "Other", "", "UK", "lost"),                #   0 deprioritize
    ("r10", "Software", "kubernetes", "US", "open"),  # 100 high_touch (open: not in any rate)
    ("r11", "Other", "", "UK", ""),                   #   0 deprioritize (no outcome)
]
# By hand:
#   inside (high_touch) decided: r1 won, r2 won, r3 lost           -> conversion 2/3
#   outside decided: r4 won, r5 lost, r6 won, r7, r8, r9 lost       -> conversion 2/6 = 1/3
#   lift = (2/3) / (1/3) = 2.0  (< 3: "narrow the ICP")
#   wins = r1, r2, r4, r6 = 4; inside 2 -> recall 0.5 (< 0.6: "misses most of your wins")
#   top-tier share = 4 of 11 accounts (r1, r2, r3, r10)
#   tiers: high_touch 4 accounts (2 won, 1 lost, 1 open) 2/3; nurture 3 (2 won, 1 lost) 2/3;
#          deprioritize 4 (0 won, 3 lost, 1 no outcome) 0
#   AUC: sorted decided scores 0L 20L 30L 50W 50L 70W 80W 80L 100W
#        ranks 1, 2, 3, 4.5, 4.5, 6, 7.5, 7.5, 9; won ranks 9 + 7.5 + 6 + 4.5 = 27
#        U = 27 - 4*5/2 = 17; AUC = 17 / (4*5) = 0.85


def hand_table(rows=HAND):
    return AccountsTable.from_records([dict(zip(("company", "industry", "tech_stack", "country", "outcome"), r))
                                       for r in rows])


def test_lift_auc_recall_on_the_hand_computed_table():
    r = validate(hand_table(), RULES)
    assert (r.won, r.lost, r.open) == (4, 5, 2)
    assert r.inside.conversion == pytest.approx(2 / 3) and r.outside.conversion == pytest.approx(1 / 3)
    assert r.lift == pytest.approx(2.0)
    assert r.recall == pytest.approx(0.5)
    assert r.top_tier_share == pytest.approx(4 / 11)
    assert r.auc == pytest.approx(0.85)
    tiers = {t.tier: (t.accounts, t.won, t.lost, t.open) for t in r.tiers}
    assert tiers == {"high_touch": (4, 2, 1, 1), "nurture": (3, 2, 1, 0), "deprioritize": (4, 0, 3, 1)}
    assert [t.conversion for t in r.tiers] == pytest.approx([2 / 3, 2 / 3, 0.0])
    assert any(w.startswith("lift is under 3x in sample: narrow the ICP") for w in r.warnings)
    assert any(w.startswith("the top tier holds 2 of 4 wins (50%)") for w in r.warnings)
    assert any("too few outcomes" in w for w in r.warnings)
    assert not r.passed and r.verdict == TOO_FEW
    assert r.lift_text() == "2.00x" and r.lift_ci.resamples == 1000 and r.lift_ci.defined > 900
    assert r.lift_ci.low < 2.0 < r.lift_ci.high


def test_a_good_icp_passes():
    rows = [(f"w{i}", "Software", "kubernetes", "US", "won") for i in range(6)]
    rows += [(f"l{i}", "Other", "", "UK", "lost") for i in range(6)]
    rows += [("lw", "Other", "", "UK", "won"), ("hl", "Software", "kubernetes", "US", "lost")]
    r = validate(hand_table(rows), RULES)
    # inside 6 won / 7 decided; outside 1 won / 7 decided -> lift 6; recall 6/7
    assert r.lift == pytest.approx(6.0) and r.recall == pytest.approx(6 / 7)
    assert r.passed and not any("lift" in w or "misses" in w for w in r.warnings)


def test_lift_undefined_when_nothing_converts_outside():
    rows = [("a", "Software", "kubernetes", "US", "won"), ("b", "Other", "", "UK", "lost")]
    r = validate(hand_table(rows), RULES)
    assert r.lift is None and r.outside.conversion == 0.0 and r.separates
    assert r.lift_text().startswith("unbounded") and any("lift is unbounded" in n for n in r.notes)
    rows = [("a", "Other", "", "UK", "won"), ("b", "Other", "", "UK", "lost")]
    r = validate(hand_table(rows), RULES)
    assert r.lift is None and r.inside.conversion is None and r.recall == 0.0
    assert any("no won or lost account is in the top tier" in w for w in r.warnings)
    assert r.lift_text() == "n/a" and "n/ax" not in " ".join(r.summary_lines())


def test_no_outcome_column_or_no_outcomes():
    t = AccountsTable.from_records([{"company": "a", "industry": "Software"}])
    r = validate(t, RULES)
    assert r.lift is None and r.auc is None and "no outcome column" in r.warnings[0]
    t = AccountsTable.from_records([{"company": "a", "industry": "Software", "outcome": "open"}])
    r = validate(t, RULES)
    assert any("no account has a won or lost" in w for w in r.warnings) and r.auc is None


def test_average_ranks_and_auc_edges():
    assert average_ranks(np.array([3, 1, 3, 2])).tolist() == [3.5, 1.0, 3.5, 2.0]
    assert roc_auc(np.array([1, 2]), np.array([1, 1])) is None
    assert roc_auc(np.array([5, 5, 5]), np.array([1, 0, 0])) == 0.5
    assert roc_auc(np.array([1, 2, 3]), np.array([0, 0, 1])) == 1.0


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.booleans()), min_size=2, max_size=30))
def test_auc_matches_pair_counting(pairs):
    s = np.array([p[0] for p in pairs])
    y = np.array([p[1] for p in pairs])
    pos, neg = s[y], s[~y]
    if not len(pos) or not len(neg):
        assert roc_auc(s, y) is None
        return
    expected = sum((a > b) + 0.5 * (a == b) for a in pos for b in neg) / (len(pos) * len(neg))
    assert roc_auc(s, y) == pytest.approx(expected)


def synthetic_table(n=300, seed=3):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        fit = rng.random() < 0.4
        industry = "Software" if fit else str(rng.choice(["Retail", "Agency", "Software"]))
        stack = "kubernetes;aws" if fit and rng.random() < 0.8 else str(rng.choice(["aws", "azure", ""]))
        won = rng.random() < (0.7 if fit else 0.1)
        rows.append({"company": f"acct{i}", "employees": int(rng.integers(100, 400) if fit else
                                                             rng.integers(2, 5000)),
                     "industry": industry, "tech_stack": stack, "country": "US",
                     "outcome": "won" if won else str(rng.choice(["lost", "lost", "open"]))})
    return AccountsTable.from_records(rows)


def test_cross_validation_is_deterministic_and_uses_k_fold_from_40_outcomes():
    t = synthetic_table()
    _, rules = fit_table(t)
    a = validate(t, rules, table_learner(t), seed=7)
    b = validate(t, rules, table_learner(t), seed=7)
    assert a.model_dump() == b.model_dump()
    oos = a.out_of_sample
    assert oos.method == "k-fold" and oos.folds == 5
    decided = np.flatnonzero(t.outcomes() >= 0)
    held = sorted(i for f in oos.held_out for i in f)
    assert held == decided.tolist()                            # every decided account once, open never
    assert oos.metrics.auc > 0.6 and oos.metrics.auc <= a.auc + 0.05
    c = validate(t, rules, table_learner(t), seed=8)
    assert c.out_of_sample.held_out != oos.held_out


def test_held_out_rows_never_reach_the_learner_and_their_outcome_cannot_move_their_score():
    t = synthetic_table(n=30, seed=5)
    seen: list[np.ndarray] = []

    def spy(train):
        seen.append(train)
        return fit_table(t.take(train))[1]

    oos = cross_validate(t, spy)
    assert oos.method == "leave-one-out" and len(seen) == oos.folds == len(oos.held_out)
    for train, fold in zip(seen, oos.held_out):
        assert not set(fold) & set(train.tolist())             # the held-out row is not trained on
        assert len(train) == t.n_rows - len(fold)
    # the check that matters: flipping a held-out account's outcome leaves its own score unchanged
    rows = t.to_account_rows()
    i = oos.held_out[0][0]
    flipped = [r.model_copy(update={"outcome": ("lost" if r.outcome == "won" else "won")}) if k == i else r
               for k, r in enumerate(rows)]
    t2 = AccountsTable.from_account_rows(flipped)
    oos2 = cross_validate(t2, table_learner(t2))
    assert oos2.scores[i] == oos.scores[i]
    # while the in-sample fit does see it (not a vacuous check): the fitted rules differ
    assert fit_table(t)[1].model_dump() != fit_table(t2)[1].model_dump()


def test_folds_are_stratified():
    y = np.array([1] * 20 + [0] * 30 + [-1] * 5, dtype=np.int8)
    method, folds = make_folds(y, seed=0)
    assert method == "k-fold" and len(folds) == 5
    assert sorted(len(f) for f in folds) == [10] * 5 and all((y[f] == 1).sum() == 4 for f in folds)


def test_only_wins_marked_and_open_as_lost():
    rows = [("a", "Software", "kubernetes", "US", "customer"), ("b", "Other", "", "UK", "customer"),
            ("c", "Software", "kubernetes", "US", "lead"), ("d", "Other", "", "UK", "lead"),
            ("e", "Other", "", "UK", "")]
    r = validate(hand_table(rows), RULES)
    assert r.lift is None and any("no lost accounts" in w for w in r.warnings)
    r = validate(hand_table(rows), RULES, open_as_lost=True)
    # inside (a, c): 1 of 2 converted; outside (b, d, e): 1 of 3 -> lift (1/2) / (1/3) = 1.5
    assert (r.won, r.lost) == (2, 3) and r.lift == pytest.approx(1.5) and r.recall == 0.5
