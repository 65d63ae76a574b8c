"""Charts for the report: matplotlib figures rendered to inline SVG.

Deterministic: text stays text (`svg.fonttype: none`), element ids come from a fixed per-chart
`svg.hashsalt`, no date in the metadata, and every id is prefixed with the chart's name so several
charts can sit in one HTML page without id clashes. The XML prolog, DOCTYPE and RDF metadata are
dropped: an inline `<svg>` in HTML needs none of them, and they carry the only URLs matplotlib writes.

Labels that come from transcripts are cleaned (control characters removed, whitespace collapsed,
shortened) and drawn with mathtext off, so a `$` in a quote cannot turn into TeX; matplotlib's SVG
writer escapes `<`, `>` and `&` in text.
"""
from __future__ import annotations

import io
import re
import unicodedata
from typing import Optional, Sequence

from matplotlib import colormaps, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from synth.models import CATEGORIES, THEME_SECTIONS

from .model import MapPoint, ThemeView

WON, LOST, GREY = "#2f855a", "#dd6b20", "#b8bec9"
GREY_BAR = "#718096"  # a bar of no known category


def bar_colour(category: str) -> str:
    """A category's bars and lines: its `colour` in the categories table."""
    return CATEGORIES[category].colour if category in CATEGORIES else GREY_BAR


INK, MUTED = "#1a202c", "#5a6474"
MAX_ROWS = 12

_RC = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Helvetica", "Arial"],
    "font.size": 9.5,
    "axes.edgecolor": "#cbd2dc",
    "axes.labelcolor": MUTED,
    "axes.titlesize": 10.5,
    "axes.titleweight": "bold",
    "axes.titlecolor": INK,
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": MUTED,
    "ytick.color": INK,
    "legend.frameon": False,
    "path.simplify": False,
}

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean_label(text: str, width: int = 40) -> str:
    """One printable line of at most `width` characters (an ellipsis marks a cut)."""
    s = unicodedata.normalize("NFC", str(text))
    s = " ".join(_CONTROL.sub(" ", s).split())
    return s if len(s) <= width else s[: width - 1].rstrip() + "…"


def theme_colors(themes: Sequence[ThemeView]) -> dict[str, str]:
    """A colour per theme code, the same on the map and on the theme cards."""
    tab10 = [colormaps["tab10"](i) for i in range(10)]
    tab20 = [colormaps["tab20"](i) for i in range(1, 20, 2)]
    palette = ["#%02x%02x%02x" % tuple(int(round(c * 255)) for c in rgba[:3]) for rgba in tab10 + tab20]
    palette = [c for c in palette if c not in ("#7f7f7f", "#c7c7c7")]  # grey is for unclustered items
    out: dict[str, str] = {}
    for cat in THEME_SECTIONS:
        for i, th in enumerate(t for t in themes if t.category == cat):
            out[th.code] = palette[i % len(palette)]
    return out


def _svg(fig: Figure, name: str) -> str:
    for t in fig.findobj(Text):
        t.set_parse_math(False)
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    s = buf.getvalue()
    s = s[s.index("<svg"):]
    s = re.sub(r"<metadata>.*?</metadata>\s*", "", s, flags=re.S)
    s = re.sub(r"<defs>\s*<style[^>]*>[^<]*</style>\s*</defs>\s*", "", s)  # the page's CSS has this rule
    s = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", s, count=0)
    s = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{name}-{m.group(1)}"', s)
    s = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{name}-{m.group(1)})", s)
    s = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{name}-{m.group(1)}"', s)
    s = s.replace("<svg ", '<svg class="chart" role="img" ', 1)
    return s.strip() + "\n"


def _figure(name: str, w: float, h: float) -> Figure:
    fig = Figure(figsize=(w, h), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    fig.set_facecolor("white")
    return fig


def _rows(themes: Sequence[ThemeView], limit: int) -> list[ThemeView]:
    return sorted(themes, key=lambda t: (t.rank, t.id))[:limit]


def _ylabels(ax, rows: list[ThemeView]) -> None:
    ax.set_yticks(range(len(rows)), [f"{t.code}  {clean_label(t.label)}" for t in rows])
    ax.invert_yaxis()
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#edf0f4", linewidth=0.8)
    ax.set_axisbelow(True)


def _coverage(ax, rows: list[ThemeView], n_interviews: int) -> None:
    vals = [t.interviews for t in rows]
    ax.barh(range(len(rows)), vals, height=0.62, color=bar_colour(rows[0].category))
    top = max(n_interviews, max(vals), 1)
    for i, v in enumerate(vals):
        ax.text(v + top * 0.015, i, f"{v}", va="center", fontsize=8.5, color=MUTED)
    ax.set_xlim(0, top * 1.1)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"Interviews (of {n_interviews})")


def _contrast(ax, rows: list[ThemeView], n_won: int, n_lost: int) -> None:
    h = 0.36
    won = [100 * (t.won_share or 0) for t in rows]
    lost = [100 * (t.lost_share or 0) for t in rows]
    ax.barh([i - h / 2 for i in range(len(rows))], won, height=h, color=WON, label=f"won (n={n_won})")
    ax.barh([i + h / 2 for i in range(len(rows))], lost, height=h, color=LOST, label=f"lost (n={n_lost})")
    for i, (a, b) in enumerate(zip(won, lost)):
        ax.text(a + 1.5, i - h / 2, f"{a:.0f}%", va="center", fontsize=7.5, color=MUTED)
        ax.text(b + 1.5, i + h / 2, f"{b:.0f}%", va="center", fontsize=7.5, color=MUTED)
    ax.set_xlim(0, 115)
    ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    ax.set_title("Won vs lost accounts")
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=8, ncol=2, handlelength=1.0,
              columnspacing=1.0, borderaxespad=0.1)


def theme_chart(themes: Sequence[ThemeView], n_interviews: int, n_won: int, n_lost: int, name: str,
                limit: int = MAX_ROWS) -> Optional[str]:
    """One row per theme (top `limit` by rank), two panels sharing the labels: coverage bars
    (interviews with evidence) and the won-vs-lost contrast (share of won accounts vs share of lost
    accounts mentioning the theme). The contrast panel is left out when the study has no won or no
    lost account."""
    rows = _rows(themes, limit)
    if not rows:
        return None
    contrast = bool(n_won and n_lost) and all(t.won_share is not None and t.lost_share is not None for t in rows)
    with rc_context({**_RC, "svg.hashsalt": f"synth-{name}"}):
        fig = _figure(name, 10.0 if contrast else 7.0, 1.05 + 0.34 * len(rows))
        if contrast:
            ax, ax2 = fig.subplots(1, 2, sharey=True, width_ratios=[1, 1.15])
        else:
            ax, ax2 = fig.add_subplot(), None
        _coverage(ax, rows, n_interviews)
        _ylabels(ax, rows)
        if ax2 is not None:
            _contrast(ax2, rows, n_won, n_lost)
            ax2.tick_params(axis="y", length=0, labelleft=False)
            ax2.grid(axis="x", color="#edf0f4", linewidth=0.8)
            ax2.set_axisbelow(True)
        return _svg(fig, name)


def map_chart(points: Sequence[MapPoint], themes: Sequence[ThemeView], name: str = "map") -> Optional[str]:
    """Items placed by the 2-D PCA of their statement embeddings, coloured by theme; a panel per category."""
    cats = [c for c in THEME_SECTIONS if any(p.category == c for p in points)]
    if not cats:
        return None
    colors = theme_colors(themes)
    with rc_context({**_RC, "svg.hashsalt": f"synth-{name}"}):
        fig = _figure(name, 3.7 * len(cats), 3.9)
        for k, cat in enumerate(cats):
            ax = fig.add_subplot(1, len(cats), k + 1)
            pts = [p for p in points if p.category == cat]
            grey = [p for p in pts if not p.theme_code]
            ax.scatter([p.x for p in grey], [p.y for p in grey], s=16, color=GREY, linewidths=0,
                       label="outside every theme")
            codes = sorted({p.theme_code for p in pts if p.theme_code}, key=lambda c: (len(c), c))
            for code in codes:
                mem = [p for p in pts if p.theme_code == code]
                ax.scatter([p.x for p in mem], [p.y for p in mem], s=30, color=colors.get(code, INK),
                           edgecolors="white", linewidths=0.6)
                cx, cy = sum(p.x for p in mem) / len(mem), sum(p.y for p in mem) / len(mem)
                ax.annotate(code, (cx, cy), xytext=(5, 5), textcoords="offset points", fontsize=8,
                            fontweight="bold", color=colors.get(code, INK))
            ax.set_xticks([])
            ax.set_yticks([])
            for side in ("left", "bottom"):
                ax.spines[side].set_visible(False)
            ax.set_facecolor("#f8f9fb")
            ax.set_title(f"{cat.capitalize()} items ({len(pts)})")  # the category's name: "Trigger items (12)"
            if grey:
                ax.legend(loc="lower left", fontsize=7.5, handletextpad=0.2, borderaxespad=0.1)
        return _svg(fig, name)
