"""The evaluation metrics on hand-computed cases (no model loading; fast).

A metric that is wrong is worse than none: every expected number here was worked out by hand,
and the working is in the comments.
"""
from __future__ import annotations

import math

import pytest

from evals.gold import locate
from evals.metrics import (
    Mention,
    ari_v,
    average_ranks,
    coverage_agreement,
    match_items,
    outlier_share,
    overlap,
    overlap_multiset,
    overlap_spans,
    prf,
    score_extraction,
    spearman,
    tokens,
    verbatim_rate,
)


def m(quote, category="pain", file="a.txt", spans=(), **kw):
    return Mention(file=file, category=category, quotes=(quote,) if isinstance(quote, str) else tuple(quote),
                   spans=spans, **kw)


# ------------------------------------------------------------------------------ tokens and overlap

def test_tokens_are_lowercase_words_with_inner_apostrophes():
    assert tokens("We'd spend 3-4 days, every CLOSE!") == ["we'd", "spend", "3", "4", "days", "every", "close"]
    assert tokens("...  --") == []


def test_overlap_exactly_half_matches_and_just_under_does_not():
    gold = m("alpha beta gamma delta")
    # 2 of 4 gold tokens (gamma, delta) are in the prediction: exactly 50% -> a match
    assert overlap_multiset("alpha beta gamma delta", "gamma delta epsilon") == 0.5
    assert match_items([gold], [m("Gamma delta epsilon.")]) == [(0, 0, 0.5)]
    # 1 of 4: 25% -> no match
    assert overlap_multiset("alpha beta gamma delta", "delta epsilon zeta") == 0.25
    assert match_items([gold], [m("delta epsilon zeta")]) == []


def test_overlap_multiset_counts_each_token_at_most_as_often_as_on_both_sides():
    # gold: the x2, cat, and, dog = 5 tokens
    assert overlap_multiset("the cat and the dog", "the bird") == pytest.approx(1 / 5)
    assert overlap_multiset("the cat and the dog", "the the cat") == pytest.approx(3 / 5)
    assert overlap_multiset("the cat and the dog", "the the the the cat") == pytest.approx(3 / 5)
    # several predicted quotes pool their tokens
    assert overlap_multiset("the cat and the dog", ["the cat", "and the dog"]) == 1.0
    assert overlap_multiset("", "anything") == 0.0


def test_overlap_spans_counts_gold_tokens_inside_a_predicted_span():
    text = "Alpha beta. Gamma delta epsilon."
    #       0123456789012345678901234567890
    start = text.index("beta. Gamma delta")          # 6; tokens beta 6-10, gamma 12-17, delta 18-23
    assert start == 6
    assert overlap_spans("beta. Gamma delta", 6, [(12, 32)]) == pytest.approx(2 / 3)   # gamma, delta
    assert overlap_spans("beta. Gamma delta", 6, [(0, 11)]) == pytest.approx(1 / 3)    # beta
    assert overlap_spans("beta. Gamma delta", 6, [(0, 11), (12, 32)]) == 1.0          # union
    assert overlap_spans("beta. Gamma delta", 6, [(13, 32)]) == pytest.approx(1 / 3)   # gamma cut


def test_overlap_spans_exactly_half():
    # tokens one 0-3, two 4-7, three 8-13, four 14-18; the prediction covers three and four
    assert overlap_spans("one two three four", 0, [(8, 18)]) == 0.5
    g = m("one two three four", spans=((0, 18),))
    assert match_items([g], [m("three four", spans=((8, 18),))]) == [(0, 0, 0.5)]
    assert match_items([g], [m("four", spans=((14, 18),))]) == []


def test_span_mode_ignores_the_same_words_said_elsewhere():
    # same words, but the predicted span is another sentence of the interview: no overlap
    g = m("billing is manual", spans=((100, 117),))
    p = m("billing is manual", spans=((300, 317),))
    assert overlap(g, p) == 0.0
    # without spans the multiset rule applies
    assert overlap(m("billing is manual"), m("billing is manual")) == 1.0


def test_matching_needs_same_file_and_category():
    g = m("alpha beta gamma")
    assert match_items([g], [m("alpha beta gamma", category="trigger")]) == []
    assert match_items([g], [m("alpha beta gamma", file="b.txt")]) == []


def test_matching_is_one_to_one_and_greedy_by_overlap():
    g0 = m("alpha beta")                 # 2 tokens
    g1 = m("alpha beta gamma delta epsilon")   # 5 tokens
    p0 = m("alpha beta gamma")           # g0: 2/2 = 1.0, g1: 3/5 = 0.6
    p1 = m("gamma delta epsilon")        # g0: 0, g1: 3/5 = 0.6
    # best pair first: (g0, p0, 1.0); then g1 can only take p1
    assert match_items([g0, g1], [p0, p1]) == [(0, 0, 1.0), (1, 1, 0.6)]
    # one prediction, two candidates: it goes to the gold item it overlaps most
    p = m("alpha beta gamma delta epsilon")     # g0: 1.0, g1: 1.0 -> tie, gold order decides
    assert match_items([g0, g1], [p]) == [(0, 0, 1.0)]
    q = m("beta gamma delta epsilon")           # g0: 1/2 = 0.5, g1: 4/5 = 0.8
    assert match_items([g0, g1], [q]) == [(1, 0, 0.8)]


# ------------------------------------------------------------------------------ P/R/F1 and friends

def test_prf_arithmetic():
    p, r, f = prf(3, 4, 6)               # P = 3/4, R = 3/6, F1 = 2*.75*.5/1.25 = 0.6
    assert (p, r) == (0.75, 0.5)
    assert f == pytest.approx(0.6)
    assert prf(0, 3, 5) == (0.0, 0.0, 0.0)
    assert prf(0, 0, 5) == (None, 0.0, None)     # nothing predicted: precision undefined
    assert prf(2, 2, 2) == (1.0, 1.0, 1.0)


def test_score_extraction_counts_dismissed_items_separately():
    gold = [
        m("we lose twelve days a month", quantity=12.0, id="g0"),
        m("security review is not really a concern", dismissed=True, id="g1"),
        m("our CFO signs it", category="dmu", role="economic_buyer", id="g2"),
        m("migration is not an issue for us", dismissed=True, id="g3"),
    ]
    pred = [
        m("we lose twelve days a month", quantity=12, id="p0"),
        m("security review is not really a concern", dismissed=True, id="p1"),   # flagged: right
        m("our CFO signs it", category="dmu", role="champion", id="p2"),         # wrong role
        m("completely unrelated words here", id="p3"),                          # false positive
        m("migration is not an issue for us", id="p4"),                          # recorded as real
    ]
    s = score_extraction(gold, pred)
    pain = s.per_category["pain"]
    # gold pains that count: g0 (g1, g3 dismissed) -> 1; predicted pains that count: p0, p3, p4 -> 3
    assert (pain.gold, pain.pred, pain.tp) == (1, 3, 1)
    assert pain.precision == pytest.approx(1 / 3) and pain.recall == 1.0
    assert pain.f1 == pytest.approx(2 * (1 / 3) / (4 / 3))          # 0.5
    dmu = s.per_category["dmu"]
    assert (dmu.gold, dmu.pred, dmu.tp, dmu.f1) == (1, 1, 1, 1.0)
    assert s.dmu_role_accuracy == 0.0 and s.dmu_role_n == 1
    assert s.quantity_capture == 1.0 and s.quantity_n == 1
    assert s.dismissed["flagged"] == 1
    assert s.dismissed["recorded_as_real"] == 1
    assert s.dismissed["omitted"] == 0
    assert s.dismissed["false_dismissals"] == 0
    assert (s.micro.gold, s.micro.pred, s.micro.tp) == (2, 4, 2)


def test_dismissed_gold_item_left_out_counts_as_omitted_and_wrong_dismissal_is_a_miss():
    gold = [m("a concern we do not have at all", dismissed=True), m("invoices take four days")]
    pred = [m("invoices take four days", dismissed=True)]
    s = score_extraction(gold, pred)
    assert s.dismissed["omitted"] == 1
    assert s.dismissed["false_dismissals"] == 1
    assert s.per_category["pain"].tp == 0 and s.per_category["pain"].recall == 0.0


def test_quantity_capture_compares_normalized_values():
    gold = [m("three to four days every close", quantity=3.5),
            m("about fifty K a year", quantity=50000.0),
            m("a dozen escalations", quantity=12.0),
            m("a pain with no number")]
    pred = [m("three to four days every close", quantity=3.5),   # same value: captured
            m("about fifty K a year", quantity=50.0),            # wrong value
            m("a pain with no number", quantity=7.0)]            # gold has no quantity: not counted
    s = score_extraction(gold, pred)
    # matched gold items with a quantity: 3.5 and 50000 -> 1 of 2 captured
    assert s.quantity_n == 2 and s.quantity_capture == 0.5
    # over every gold quantity (the dozen was never extracted): 1 of 3
    assert s.quantity_all_n == 3 and s.quantity_capture_all == pytest.approx(1 / 3)


def test_verbatim_rate():
    texts = {"f": "hello world"}
    assert verbatim_rate([("world", 6, 11), ("word", 6, 11)], texts, ["f", "f"]) == 0.5
    assert verbatim_rate([], texts, []) is None


# ------------------------------------------------------------------------------ clustering

def test_ari_and_v_measure_trivial_cases():
    assert ari_v([0, 0, 1, 1], [0, 0, 1, 1]) == {"ari": 1.0, "v_measure": 1.0, "nmi": 1.0}
    # the names of clusters do not matter
    assert ari_v(["P1", "P1", "P2", "P2"], [7, 7, 3, 3])["ari"] == 1.0
    # one-offs (None) and outliers (-1) are one "no theme" group each: perfect recovery scores 1.0
    assert ari_v(["P1", "P1", None, None], [4, 4, -1, -1])["ari"] == 1.0
    assert ari_v(["P1", "P1", None], [4, 4, -1], outliers="singletons")["ari"] == 1.0
    # everything an outlier: ARI 0 and V-measure 0
    r = ari_v(["P1", "P1", "P2", "P2"], [-1, -1, -1, -1])
    assert r["ari"] == 0.0 and r["v_measure"] == 0.0


def test_ari_hand_computed():
    # true [0,0,1,1], pred [0,0,0,1]; contingency cells 2,1 | 0,1 -> sum C(nij,2) = 1
    # rows (true) 2,2 -> 1+1 = 2; columns (pred) 3,1 -> 3+0 = 3; C(4,2) = 6
    # expected = 2*3/6 = 1; max = (2+3)/2 = 2.5; ARI = (1-1)/(2.5-1) = 0
    assert ari_v([0, 0, 1, 1], [0, 0, 0, 1])["ari"] == pytest.approx(0.0)
    # true [0,0,0,1,1,1], pred [0,0,1,1,2,2]: cells 2,1,0 | 0,1,2 -> 1+0+1 = 2
    # rows 3,3 -> 3+3 = 6; cols 2,2,2 -> 3; C(6,2) = 15; expected = 6*3/15 = 1.2
    # max = (6+3)/2 = 4.5; ARI = (2-1.2)/(4.5-1.2) = 0.8/3.3
    assert ari_v([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2])["ari"] == pytest.approx(0.8 / 3.3)


def test_outlier_share():
    assert outlier_share([-1, 0, None, 1]) == 0.5
    assert outlier_share([]) is None


# ------------------------------------------------------------------------------ ranking

def test_average_ranks_share_ties():
    assert average_ranks([10, 20, 20, 30]) == [1, 2.5, 2.5, 4]
    assert average_ranks([3, 1, 2]) == [3, 1, 2]


def test_spearman_hand_computed():
    # x ranks 1..5; y = [5,6,7,8,7] ranks [1,2,3.5,5,3.5]
    # dx = [-2,-1,0,1,2], dy = [-2,-1,.5,2,.5]; sum dx*dy = 4+1+0+2+1 = 8
    # sum dx^2 = 10, sum dy^2 = 9.5 -> rho = 8 / sqrt(95)
    assert spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) == pytest.approx(8 / math.sqrt(95))
    assert spearman([1, 2, 3], [30, 20, 10]) == pytest.approx(-1.0)
    assert spearman([1, 2, 3], [4, 4, 4]) is None      # constant side: undefined
    assert spearman([1], [2]) is None


def test_spearman_agrees_with_scipy():
    scipy_stats = pytest.importorskip("scipy.stats")
    x = [6, 5, 7, 6, 3, 3, 2, 6, 10]
    y = [7, 5, 6, 5, 2, 0, 1, 3, 6]
    assert spearman(x, y) == pytest.approx(scipy_stats.spearmanr(x, y)[0])


def test_coverage_agreement():
    # gold themes A (3 interviews) and B (1 interview);
    # A's items: two in predicted theme p1 (coverage 4), one in p2 (coverage 2) -> p1 holds most
    # B's item was never extracted -> coverage 0
    gold_theme = {"g1": "A", "g2": "A", "g3": "A", "g4": "B"}
    assigned = {"g1": "p1", "g2": "p1", "g3": "p2", "g4": None}
    out = coverage_agreement(gold_theme, {"A": 3, "B": 1}, assigned, {"p1": 4, "p2": 2})
    rows = {r["theme"]: r for r in out["themes"]}
    assert rows["A"]["pred_theme"] == "p1" and rows["A"]["pred_coverage"] == 4
    assert rows["B"]["pred_theme"] is None and rows["B"]["pred_coverage"] == 0
    assert out["spearman"] == pytest.approx(1.0)     # 3 > 1 and 4 > 0


# ------------------------------------------------------------------------------ gold quote location

def test_locate_exact_then_whitespace_and_case_folded():
    text = "Jenna: We closed our   Series B\nin November."
    assert locate("Series B", text) == (23, 31)          # "Jenna: We closed our" + 3 spaces = 23 chars
    a, b = locate("series b in november", text)
    assert text[a:b] == "Series B\nin November"
    assert locate("Series C", text) is None
