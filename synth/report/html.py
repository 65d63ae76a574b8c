"""`render_html(data)`: one self-contained HTML file (inline CSS and SVG, no script, no URL).

Jinja2 with autoescape on: every string from a transcript, an accounts file, a review file or an LLM
response is escaped. The only markup not escaped is the charts' SVG, which matplotlib writes (and
escapes the text in). A Content-Security-Policy with `default-src 'none'` backs this up: should a
tag ever slip through, the browser would neither run a script nor fetch anything.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from synth.models import CATEGORIES

from .findings import html_section
from .model import ReportData, human, num, pct
from .template import CSS, TEMPLATE

TOC = [("summary", "Study summary"), ("themes", "themes"),  # "themes": one entry per section of themes
       ("map", "Theme map"), ("alternatives", "Alternatives landscape"), ("dmu", "Decision-making unit"),
       ("hypotheses", "Hypotheses"), ("saturation", "Saturation"), ("icp", "ICP draft"), ("validation", "Validation against outcomes"), ("accounts", "Scored accounts"),
       ("appendix", "Appendix")]


def _slug(x: Any) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", str(x or "none").lower()).strip("-") or "none"


def _env() -> Environment:
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters.update(pct=pct, num=num, human=human, slug=_slug)
    return env


_TEMPLATE = None


def _template():
    global _TEMPLATE
    if _TEMPLATE is None:
        _TEMPLATE = _env().from_string(TEMPLATE)
    return _TEMPLATE


def _svg(s: Optional[str]) -> Optional[Markup]:
    return Markup(s) if s else None  # matplotlib output: its text is already escaped


def build_charts(data: ReportData) -> dict[str, Optional[str]]:
    """Every chart of the report as an SVG string (None where there is nothing to draw)."""
    from . import charts  # matplotlib: ~0.6 s to import, so only when a report is drawn
    from .findings_chart import hypotheses_chart, saturation_chart

    s = data.summary
    out: dict[str, Optional[str]] = {}
    for cat, themes in data.sections():
        out[f"themes-{cat}"] = charts.theme_chart(themes, s.interviews, s.won, s.lost, f"chart-{cat}")
    out["map"] = charts.map_chart(data.item_map, data.themes)
    out["saturation"] = saturation_chart(data.saturation)
    for k, run in enumerate(data.hypotheses):
        out[f"hypotheses-{k}"] = hypotheses_chart(run, f"hypotheses-{k}")
    return out


def render_html(data: ReportData, chart_svgs: Optional[dict[str, Optional[str]]] = None) -> str:
    """The report as one HTML document (a str; write it as UTF-8)."""
    from . import charts

    svgs = chart_svgs if chart_svgs is not None else build_charts(data)
    sections = []
    for cat, themes in data.sections():
        spec = CATEGORIES[cat]
        sections.append({"id": spec.field, "category": cat, "title": spec.themes_title, "blurb": spec.blurb, "themes": themes,
                         "shown": min(len(themes), charts.MAX_ROWS),
                         "chart": _svg(svgs.get(f"themes-{cat}"))})
    toc = [entry for sid, title in TOC
           for entry in ([(s["id"], s["title"]) for s in sections] if sid == "themes" else [(sid, title)])]
    return _template().render(
        d=data, s=data.summary, icp=data.icp, css=Markup(CSS), toc=toc, sections=sections,
        colors=charts.theme_colors(data.themes), map_svg=_svg(svgs.get("map")),
        findings=html_section(data.hypotheses, data.saturation, svgs.get("saturation"),
                              [svgs.get(f"hypotheses-{k}") for k in range(len(data.hypotheses))]))
