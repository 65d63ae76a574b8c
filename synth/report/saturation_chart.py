"""The saturation chart: distinct themes as interviews are added, one panel per category.

Steps: date order (what the team heard, in order). Line and band: the mean and the 10th-90th
percentile over seeded random orders. Shaded: the ICP guide's 10-20 interviews. Dot: the interview
that brought the last new theme. Drawn with the report's own matplotlib settings (synth.report.charts):
SVG for the report, PNG for the browser review (whose CSP allows no inline styles).
"""
from __future__ import annotations

import io
from typing import Optional

from matplotlib import rc_context

from synth.themes.saturation import Saturation

from .charts import _RC, BAR, INK, MUTED, _figure, _svg


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
        color = BAR.get(c.category, INK)
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
        ax.set_title(f"{c.title}: {c.themes} themes")
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
        if fig is None:
            return None
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
        return buf.getvalue()
