"""The findings charts: each hypothesis' share of interviews with its interval, and saturation.

Hypotheses: one row per hypothesis, the share of interviews supporting it with its Wilson 95% interval,
and the share among won and among lost accounts' interviews beside it.

Saturation: distinct themes as interviews are added, one panel per category.

Steps: date order (what the team heard, in order). Line and band: the mean and the 10th-90th
percentile over seeded random orders. Shaded: the ICP guide's 10-20 interviews. Dot: the interview
that brought the last new theme. Drawn with the report's own matplotlib settings (synth.report.charts):
SVG for the report, PNG for the browser review (whose CSP allows no inline styles).
"""
from __future__ import annotations

import io
from typing import Optional

from matplotlib import rc_context

from synth.hypotheses import HypothesisRun
from synth.themes.saturation import Saturation

from .charts import _RC, INK, LOST, MUTED, WON, _figure, _svg, bar_colour, clean_label


def _draw(sat: Saturation, name: str):
    curves = [c for c in sat.curves if c.interviews]
    if not curves:
        return None
    fig = _figure(name, 3.6 * len(curves), 3.0)
    n = sat.interviews
    lo, hi = sat.reference
    for k, c in enumerate(curves):
        ax = fig.add_subplot(1, len(curves), k + 1)
        xs = list(range(1, n + 1))
        ax.axvspan(lo, hi, color="#edf2f7", zorder=0, label=f"{lo}-{hi} interviews (ICP guide)")
        if c.random_mean:
            ax.fill_between(xs, c.random_low, c.random_high, color="#cbd5e0", alpha=0.6, linewidth=0,
                            label=f"random orders (10th-90th pct, {sat.orders})")
            ax.plot(xs, c.random_mean, color=MUTED, linewidth=1.2, linestyle="--", label="random orders (mean)")
        color = bar_colour(c.category)
        ax.step(xs, c.cumulative, where="post", color=color, linewidth=2.0, label="interview-date order")
        if c.last_new_at:
            ax.plot([c.last_new_at], [c.cumulative[c.last_new_at - 1]], "o", color=color, markersize=6)
            ax.annotate(f"last new: #{c.last_new_at}", (c.last_new_at, c.cumulative[c.last_new_at - 1]),
                        xytext=(6, -12), textcoords="offset points", fontsize=8, color=INK)
        ax.set_xlim(0.5, max(n, hi) + 0.5)
        ax.set_ylim(0, max(c.themes, 1) * 1.15 + 0.5)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_xlabel("interviews")
        # a grouped curve counts saturation's own groups of statements, not the study's themes
        ax.set_title(f"{c.title}: {c.themes} {'groups' if c.basis == 'grouped' else 'themes'}")
        if k == 0:
            ax.set_ylabel("distinct themes")
            ax.legend(loc="lower right", fontsize=7)
    return fig


def saturation_chart(sat: Optional[Saturation], name: str = "saturation") -> Optional[str]:
    """Inline SVG (None when there is nothing to draw)."""
    if sat is None:
        return None
    with rc_context({**_RC, "svg.hashsalt": f"synth-{name}"}):
        fig = _draw(sat, name)
        return _svg(fig, name) if fig is not None else None


def saturation_png(sat: Optional[Saturation], dpi: int = 110) -> Optional[bytes]:
    if sat is None:
        return None
    with rc_context(_RC):
        fig = _draw(sat, "saturation")
        return _png(fig, dpi) if fig is not None else None


def _png(fig, dpi: int) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def hypotheses_chart(run: Optional[HypothesisRun], name: str = "hypotheses") -> Optional[str]:
    """Inline SVG of `_hypotheses_figure` (None when no hypothesis has a share)."""
    with rc_context({**_RC, "svg.hashsalt": f"synth-{name}"}):
        fig = _hypotheses_figure(run, name)
        return _svg(fig, name) if fig is not None else None


def hypotheses_png(run: Optional[HypothesisRun], dpi: int = 110) -> Optional[bytes]:
    with rc_context(_RC):
        fig = _hypotheses_figure(run, "hypotheses")
        return _png(fig, dpi) if fig is not None else None


def _hypotheses_figure(run: Optional[HypothesisRun], name: str):
    """Share of interviews supporting each hypothesis (dot) with its 95% interval (bar), and the share
    among won (green) and lost (orange) interviews."""
    rows = [r for r in (run.results if run else []) if r.share is not None][:16]
    if not rows:
        return None
    fig = _figure(name, 9.5, 1.3 + 0.42 * len(rows))
    ax = fig.add_subplot()
    ys = list(range(len(rows)))
    for y, r in zip(ys, rows):
        ax.plot([100 * r.ci_low, 100 * r.ci_high], [y, y], color="#a3bffa", linewidth=5, solid_capstyle="round")
        ax.plot([100 * r.share], [y], "o", color="#4c51bf", markersize=7)
        s = r.split
        if s.won_total:
            ax.plot([100 * s.won / s.won_total], [y - 0.22], "v", color=WON, markersize=6)
        if s.lost_total:
            ax.plot([100 * s.lost / s.lost_total], [y + 0.22], "^", color=LOST, markersize=6)
    ax.plot([], [], "o", color="#4c51bf", label="all interviews (bar: 95% CI)")
    ax.plot([], [], "v", color=WON, label="won accounts")
    ax.plot([], [], "^", color=LOST, label="lost accounts")
    ax.set_yticks(ys, [f"{r.hypothesis.id}  {clean_label(r.hypothesis.text, 56)}" for r in rows])
    ax.invert_yaxis()
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(-3, 104)
    ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    ax.grid(axis="x", color="#edf0f4", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.set_title("Share of interviews supporting each hypothesis")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=8, ncol=3, handlelength=1.0,
              borderaxespad=0.1)
    return fig
