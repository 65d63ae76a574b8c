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
