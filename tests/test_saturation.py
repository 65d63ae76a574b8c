"""Saturation: distinct themes as interviews are added, in date order and over seeded random orders."""
from __future__ import annotations

import datetime as dt

from synth.models import Evidence, Extraction, PainPoint, Theme, ThemeSet, Trigger
from synth.themes.saturation import date_order, theme_saturation


def _study(plan: list[list[str]], category: str = "pain"):
    """plan[i] = theme ids heard in interview i+1 (dated in order); an id starting with 'x' is a one-off."""
    exs, members, singles, dates = [], {}, [], {}
    for i, heard in enumerate(plan, 1):
        f = f"{i:02d}.txt"
        dates[f] = dt.date(2026, 1, 1) + dt.timedelta(days=7 * i)
        ex = Extraction(file=f, transcript_hash=f"h{i}", extractor="test")
        for tid in heard:
            ev = Evidence(quote=tid, file=f, transcript_hash=f"h{i}", speaker="P", turn_index=0, char_start=0,
                          char_end=len(tid))
            it = (PainPoint if category == "pain" else Trigger)(statement=f"{tid} {i}", evidence=[ev])
            it.id = it.stable_id(category, f"h{i}")
            ex.add(it)
            (singles.append(it.id) if tid.startswith("x") else members.setdefault(tid, []).append((it.id, f)))
        exs.append(ex)
    themes = [Theme(id=t, category=category, label=t, item_ids=[i for i, _ in v], files=sorted({f for _, f in v}))
              for t, v in members.items()]
    return ThemeSet(themes=themes, unclustered={category: singles}), exs, dates


def test_a_planted_saturation_point_is_found_and_said():
    plan = [["A"], ["B"], ["A", "C"], ["D"], ["B", "C"], ["A", "D"], ["B"], ["C", "D"]]
    ts, exs, dates = _study(plan)
    c = next(c for c in theme_saturation(ts, exs, dates).curves if c.category == "pain")
    assert c.cumulative == [1, 2, 3, 4, 4, 4, 4, 4] and c.new_themes[3] == 1 and c.last_new_at == 4
    assert c.saturated and c.verdict.startswith("The last 3 interviews added no new pain theme")
    assert "interview 4 of 8" in c.verdict and "below the 10-20 interviews" in c.verdict
    assert len(c.random_mean) == 8 and c.random_mean[-1] == 4 and c.random_low[0] <= c.random_mean[0] <= c.random_high[0]
    assert c.last_new_at_random is not None and 1 <= c.last_new_at_random <= 8


def test_keep_interviewing_when_each_recent_interview_adds_a_theme():
    plan = [["A"], ["A"], ["A"], ["B"], ["C"], ["D"], ["B", "C", "D"]]
    ts, exs, dates = _study(plan, "trigger")
    c = next(c for c in theme_saturation(ts, exs, dates).curves if c.category == "trigger")
    assert c.new_themes == [1, 0, 0, 1, 1, 1, 0]
    assert not c.saturated and "keep interviewing" in c.verdict and "trigger" in c.verdict
    plan = [["A"], ["A"], ["B"], ["C"], ["D"], ["B", "C", "D"]]
    ts, exs, dates = _study(plan, "trigger")
    c = next(c for c in theme_saturation(ts, exs, dates, window=2).curves if c.category == "trigger")
    assert c.verdict.startswith("1 new trigger theme in the last 2 interviews")


def test_date_order_not_file_order_and_undated_last():
    dates = {"a.txt": dt.date(2026, 3, 1), "b.txt": dt.date(2026, 1, 1), "c.txt": None}
    assert date_order(["a.txt", "b.txt", "c.txt"], dates) == ["b.txt", "a.txt", "c.txt"]
    plan = [["A"], ["A"], ["B"], ["B"], ["x1"]]
    ts, exs, dates = _study(plan)
    dates["05.txt"] = None
    sat = theme_saturation(ts, exs, dates)
    c = next(c for c in sat.curves if c.category == "pain")
    assert sat.undated == 1 and c.one_offs == [0, 0, 0, 0, 1]


def test_too_few_interviews_and_seeded_orders_are_deterministic():
    ts, exs, dates = _study([["A"], ["A"]])
    c = next(c for c in theme_saturation(ts, exs, dates).curves if c.category == "pain")
    assert c.verdict.startswith("Too few interviews")
    ts, exs, dates = _study([["A"], ["B"], ["A", "C"], ["B", "C"], ["A"]])
    assert theme_saturation(ts, exs, dates, seed=3) == theme_saturation(ts, exs, dates, seed=3)


def test_the_planted_studies_are_honest():
    """evals/saturation.py's generator: dev and held-out seeds apart, no statement dealt twice, every planted
    theme heard in two interviews (synth's definition of a theme), none first heard after k, one at k."""
    from evals.saturation import DEV_SEEDS, HELDOUT_SEEDS, planted_study

    assert not set(DEV_SEEDS) & set(HELDOUT_SEEDS)
    pool = {f"T{t}": [f"theme {t} statement {s}" for s in range(3 + t)] for t in range(6)}
    for seed in list(DEV_SEEDS[:5]) + list(HELDOUT_SEEDS[:5]):
        exs, dates, k, truth = planted_study(pool, seed)
        said = [it.statement for e in exs for it in e.pains]
        assert len(said) == len(set(said))
        firsts = {t: min(int(f[-6:-4]) for f, _ in rows) for t, rows in truth.items()}
        assert all(len({f for f, _ in rows}) >= 2 for rows in truth.values())
        assert max(firsts.values()) == k and 6 <= k <= 12
        assert any(e.pains for e in exs[k:])   # later interviews repeat known themes


def _subject_vectors(exs, dim: int = 16, seed: int = 0):
    """Item id -> a unit vector: a direction every statement shares (they are all about one product,
    cosine ~0.9 between any two) plus a small one per subject (the text before the item's number)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    shared = np.zeros(dim)
    shared[0] = 1.0
    subjects: dict[str, np.ndarray] = {}
    out = {}
    for e in exs:
        for it in e.items():
            s = it.statement.split()[0]
            if s not in subjects:
                subjects[s] = np.eye(dim)[1 + len(subjects)]
            v = 3.0 * shared + subjects[s] + 0.05 * rng.standard_normal(dim)
            out[it.id] = v / np.linalg.norm(v)
    return out


def test_statement_groups_find_subjects_the_shared_direction_hides():
    import numpy as np

    from synth.themes.saturation import statement_groups

    plan = [["A"], ["B"], ["A", "C"], ["B", "C"], ["A", "B"], ["C"]]
    _, exs, _ = _study(plan)
    vecs = _subject_vectors(exs)
    ids = [it.id for e in exs for it in e.items()]
    subject = [it.statement.split()[0] for e in exs for it in e.items()]
    x = np.stack([vecs[i] for i in ids])
    assert (x @ x.T).min() > 0.8   # uncentred, every pair looks alike
    labels = statement_groups(x)
    assert len(set(labels)) == 3
    assert all((labels[a] == labels[b]) == (subject[a] == subject[b])
               for a in range(len(ids)) for b in range(len(ids)))


def test_with_vectors_pains_are_counted_as_groups_and_said_so():
    """The study's themes miss that C's first mention (interview 4) is C (a late theme start, the error
    HDBSCAN makes on small studies); the grouping of the vectors hears C at 4, and the output says what
    it counted."""
    plan = [["A"], ["B"], ["A"], ["C"], ["B"], ["A", "C"], ["B", "C"], ["A", "B"]]
    ts, exs, dates = _study(plan)
    by_id = {it.id: it for e in exs for it in e.items()}
    c_theme = next(t for t in ts.themes if t.id == "C")
    first_c = next(i for i in c_theme.item_ids if by_id[i].statement == "C 4")
    c_theme.item_ids.remove(first_c)
    c_theme.files.remove("04.txt")
    ts.unclustered["pain"] = [first_c]
    themes_only = next(c for c in theme_saturation(ts, exs, dates).curves if c.category == "pain")
    assert themes_only.basis == "themes" and themes_only.last_new_at == 6
    sat = theme_saturation(ts, exs, dates, vectors=_subject_vectors(exs))
    c = next(c for c in sat.curves if c.category == "pain")
    assert c.basis == "grouped" and c.themes == 3 and c.last_new_at == 4 and c.cumulative[3] == 3
    assert c.one_offs == [0] * 8 and c.saturated
    assert next(c for c in sat.curves if c.category == "trigger").basis == "themes"   # no trigger items
    assert "pain points: saturation's own grouping" in sat.describe()
    assert "the study's themes" in sat.describe()


def test_a_missing_vector_falls_back_to_the_study_themes():
    plan = [["A"], ["B"], ["A", "C"], ["B", "C"], ["A"]]
    ts, exs, dates = _study(plan)
    vecs = _subject_vectors(exs)
    vecs.pop(next(iter(vecs)))
    c = next(c for c in theme_saturation(ts, exs, dates, vectors=vecs).curves if c.category == "pain")
    assert c.basis == "themes" and c.themes == 3


def test_statement_groups_of_one_repeated_statement_are_one_group():
    """Every statement the same text (one vector): centring leaves nothing, and that is one subject,
    not a traceback from a NaN distance."""
    import numpy as np

    from synth.themes.saturation import statement_groups

    labels = statement_groups(np.tile(np.array([0.6, 0.8, 0.0]), (5, 1)))
    assert len(labels) == 5 and len(set(labels)) == 1


def _family_vectors(family_weight: float = 1.0):
    """Six subjects of five statements each behind one shared direction; A1-A3 also share a family
    direction as strong as their own (three card problems among a bank's customers)."""
    import numpy as np

    rng, e = np.random.default_rng(0), np.eye(40)
    subjects = {"A1": e[2], "A2": e[3], "A3": e[7], "B": e[4], "C": e[5], "D": e[6]}
    for s in ("A1", "A2", "A3"):
        subjects[s] = family_weight * e[1] + subjects[s]
    names = [s for s in subjects for _ in range(5)]
    x = np.stack([3.0 * e[0] + subjects[s] + 0.05 * rng.standard_normal(40) for s in names])
    return x / np.linalg.norm(x, axis=1, keepdims=True), names


def test_a_family_of_subjects_is_split_where_the_average_pair_merges_it():
    from synth.themes.saturation import _average_groups, statement_groups

    x, names = _family_vectors()
    merged = _average_groups(x)
    assert len(set(merged)) < 6   # one cut on the category's centring merges the family (and more)
    labels = statement_groups(x)
    assert len(set(labels)) == 6
    assert all((labels[a] == labels[b]) == (names[a] == names[b])
               for a in range(len(names)) for b in range(len(names)))


def test_a_close_family_is_split_too():
    """The family direction 1.7 x as strong as each subject's own: its parts are ~0.4 x as alike as each is
    within, which SEPARATE 0.3 kept as one subject (4 groups for 6) and 0.5 splits (fifth session: the
    seven validation pools' worst, 30 -> 35 of 60)."""
    from synth.themes.saturation import statement_groups

    x, names = _family_vectors(family_weight=1.7)
    labels = statement_groups(x)
    assert all((labels[a] == labels[b]) == (names[a] == names[b])
               for a in range(len(names)) for b in range(len(names)))


def test_one_subjects_statements_are_not_split_however_loosely_worded():
    """Statements of one subject loosely alike (cohesion ~0.3 on the centring) stay one group: a group is
    split only where its parts are less alike than SEPARATE x their own cohesion."""
    import numpy as np

    from synth.themes.saturation import statement_groups

    rng, e = np.random.default_rng(1), np.eye(60)
    names = [s for s in (1, 2, 3) for _ in range(12)]
    x = np.stack([2.0 * e[0] + 1.5 * e[s] + 0.25 * rng.standard_normal(60) for s in names])
    # without the SEPARATE check these 36 statements come out as 7 groups: each subject re-centred splits
    labels = statement_groups(x, interview=[1 + n % 12 for n in range(len(names))])
    assert len(set(labels)) == 3
    assert all((labels[a] == labels[b]) == (names[a] == names[b])
               for a in range(len(names)) for b in range(len(names)))


def test_the_resampled_grouping_is_seeded_and_counts_every_statement():
    import numpy as np

    from synth.themes.saturation import RESAMPLES, statement_groups

    assert RESAMPLES % 2 == 1   # an odd count: the median last-new interview is one of theirs
    x, names = _family_vectors(0.8)
    interview = [1 + n % 10 for n in range(len(names))]
    a = statement_groups(x, interview, seed=4)
    assert len(a) == len(names) and (a > 0).all()
    assert np.array_equal(a, statement_groups(x, interview, seed=4))


def test_the_seed_sets_never_overlap_and_fresh_ones_are_new():
    """`--pools --seeds fresh|check`: seed ranges no earlier measure used, apart from the tuning seeds, the
    dev seeds and the held-out pool's seeds (a seed set reused for tuning is no longer an estimate)."""
    from evals.saturation import DEV_SEEDS, HELDOUT_SEEDS, POOL_SEED_SETS, POOL_SEEDS, main

    sets = [set(DEV_SEEDS) | set(POOL_SEEDS), set(HELDOUT_SEEDS), set(POOL_SEED_SETS["fresh"]),
            set(POOL_SEED_SETS["check"])]
    assert all(not a & b for i, a in enumerate(sets) for b in sets[i + 1:])
    assert POOL_SEED_SETS["tune"] == POOL_SEEDS and len(POOL_SEED_SETS["fresh"]) == 100
    import pytest

    with pytest.raises(SystemExit):
        main(["--pools", "--seeds", "heldout"])


def test_the_validation_pools_are_dev_side_and_honest():
    """`--pools`: every pool is dealt by the same generator (its rules hold), BANKING77 studies have 6-9
    intents of 4-9 messages, the mixed pool 7 dev themes; nothing is read from the held-out study."""
    import pytest

    from evals.saturation import BANKING77, planted_study, validation_pools

    if not BANKING77.exists():
        pytest.skip("BANKING77 not present (../shared/data)")

    class Item:
        def __init__(self, category, theme, n):
            self.category, self.theme, self.dismissed, self.statement = category, theme, False, f"{theme} {n}"

    study = type("S", (), {"items": [Item(c, f"{c[0]}{t}", n) for c in ("pain", "trigger", "alternative")
                                     for t in range(4) for n in range(3 + t)]})
    pools = validation_pools(study)
    assert len(pools["dev 7 mixed"](0)) == 7 and pools["dev 7 mixed"](0) != pools["dev 7 mixed"](1)
    assert set(pools["dev triggers+alternatives"](0)) == {f"{c}{t}" for c in "ta" for t in range(4)}
    for seed in range(3):
        bank = pools["BANKING77 6-9 intents"](seed)
        assert 6 <= len(bank) <= 9 and all(4 <= len(v) <= 9 for v in bank.values())
        assert bank == pools["BANKING77 6-9 intents"](seed)
        exs, _, k, truth = planted_study(bank, seed)
        said = [it.statement for e in exs for it in e.pains]
        assert len(said) == len(set(said)) and all(len({f for f, _ in rows}) >= 2 for rows in truth.values())


def test_the_unlike_validation_pools_have_the_shape_they_claim():
    """Fifth session's pools: BANKING77 with 10-12 intents of 3-5 messages; CLINC150 (shipped in
    evals/data) with 6-9 intents of 4-9 queries from one domain, or one intent from each of 6-9 domains;
    seeded, and dealt by the same generator (no statement twice, every subject in 2+ interviews)."""
    import pytest

    from evals.saturation import BANKING77, clinc150, planted_study, validation_pools

    if not BANKING77.exists():
        pytest.skip("BANKING77 not present (../shared/data)")
    by_intent, domains = clinc150()
    assert len(by_intent) == 150 and len(domains) == 10 and all(len(v) == 12 for v in by_intent.values())
    domain_of = {i: d for d, intents in domains.items() for i in intents}
    study = type("S", (), {"items": []})
    pools = validation_pools(study)
    for seed in range(3):
        many = pools["BANKING77 10-12 intents of 3-5"](seed)
        assert 10 <= len(many) <= 12 and all(3 <= len(v) <= 5 for v in many.values())
        one = pools["CLINC150 one domain"](seed)
        assert 6 <= len(one) <= 9 and len({domain_of[i] for i in one}) == 1
        across = pools["CLINC150 across domains"](seed)
        assert 6 <= len(across) <= 9 and len({domain_of[i] for i in across}) == len(across)
        queries = {q for v in by_intent.values() for q in v}
        for pool in (one, across):
            assert all(4 <= len(v) <= 9 and set(v) <= queries for v in pool.values())
        assert one == pools["CLINC150 one domain"](seed) and one != pools["CLINC150 one domain"](seed + 1)
        for pool in (many, one, across):
            exs, _, k, truth = planted_study(pool, seed)
            said = [it.statement for e in exs for it in e.pains]
            assert len(said) == len(set(said)) and all(len({f for f, _ in rows}) >= 2 for rows in truth.values())
