"""The review's Findings page: the report's Hypotheses and Saturation sections, from the same data.

The page's CSP allows no inline styles, so the saturation chart is a PNG served by its own route
(matplotlib's SVG styles its shapes inline) and the section is the report's HTML fragment.
"""
from __future__ import annotations

from typing import Optional

from synth.hypotheses import stored
from synth.models import interview_date
from synth.report.findings import html_section
from synth.report.findings_chart import hypotheses_png, saturation_png
from synth.themes.saturation import Saturation, stored_vectors, theme_saturation

CHART_URL = "/findings/saturation.png"


def study_saturation(study) -> Optional[Saturation]:
    """Saturation of the study's current (reviewed) themes; None before `synth themes`. Computed once per
    state of the study: the page and then its chart ask for it, and the grouping's 31 resampled linkages
    take seconds on a large study. The state is the themes and extractions objects (replaced by every
    decision and reload) and the study's key (the workspace and review.yaml)."""
    if study.ts is None or not study.exs:
        return None
    state = (study.ts, study.exs, study.key)
    memo = getattr(study, "_saturation_memo", None)
    if memo is not None and memo[0][0] is state[0] and memo[0][1] is state[1] and memo[0][2] == state[2]:
        return memo[1]
    dates = {e.file: interview_date(study.accounts.get(e.file), study.transcript(e.file)) for e in study.exs}
    sat = theme_saturation(study.ts, study.exs, dates, vectors=stored_vectors(study.ws, study.ts, study.exs))
    study._saturation_memo = (state, sat)
    return sat


def findings_page(study) -> dict:
    sat = study_saturation(study)
    chart = (f'<figure><img class="chart" src="{CHART_URL}" alt="Distinct themes as interviews are added, per '
             f'category"></figure>') if sat is not None and sat.curves else None
    runs = stored(study.ws).runs()
    run_charts = [f'<img class="chart" src="/findings/hypotheses-{k}.png" alt="Share of interviews supporting '
                  f'each hypothesis">' if any(r.share is not None for r in run.results) else None
                  for k, run in enumerate(runs)]
    return {"section": html_section(runs, sat, chart, run_charts)}


def findings_chart(study, name: str) -> Optional[bytes]:
    """The PNG behind /findings/<name>.png: `saturation` or `hypotheses-<k>`."""
    if name == "saturation":
        return saturation_png(study_saturation(study))
    runs = stored(study.ws).runs()
    k = name.removeprefix("hypotheses-")
    if name.startswith("hypotheses-") and k.isdigit() and int(k) < len(runs):
        return hypotheses_png(runs[int(k)])
    return None
