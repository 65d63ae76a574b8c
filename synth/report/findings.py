"""The report's Hypotheses and Saturation sections (Markdown and an HTML fragment), one data source.

`gather` reads the stored hypothesis runs (synth.hypotheses) and computes saturation from the stored
themes and cached vectors (synth.themes.saturation): no model is loaded. Every string from a hypotheses file, a transcript
or an LLM is escaped (Jinja2 autoescape; `md` for Markdown).
"""
from __future__ import annotations

from typing import Optional

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from synth.hypotheses import HypothesisRun, stored
from synth.models import interview_date
from synth.themes.saturation import Saturation, stored_vectors, theme_saturation
from synth.workspace import Workspace

from .mdtext import md, table
from .model import hms, pct

TITLES = {"file": "Your hypotheses", "icp": "The ICP's criteria as hypotheses"}


def gather(ws: Workspace, exs, ts) -> tuple[list[HypothesisRun], Optional[Saturation]]:
    runs = stored(ws).runs()
    if ts is None or not exs:
        return runs, None
    accounts = ws.accounts()
    dates = {t.file_name: interview_date(accounts.get(t.file_name), t) for t in ws.transcripts([e.file for e in exs])}
    return runs, theme_saturation(ts, exs, dates, vectors=stored_vectors(ws, ts, exs))


def _title(run: HypothesisRun) -> str:
    return TITLES["icp" if run.method == "items" else "file"]


def _share(r) -> str:
    return "–" if r.share is None else f"{pct(r.share)} ({pct(r.ci_low)}–{pct(r.ci_high)})"


def _split(r) -> str:
    s = r.split
    p = f" · p {s.p_value:.2g}" if s.p_value is not None else ""
    return f"won {s.won}/{s.won_total} · lost {s.lost}/{s.lost_total}{p}"


def markdown_sections(runs: list[HypothesisRun], sat: Optional[Saturation]) -> list[str]:
    out = ["## Hypotheses", ""]
    if not runs:
        out += ["No hypotheses tested: write `hypotheses.yaml` (a list of `id`, `text`, optional `category`) in "
                "the workspace or beside the transcripts and run `synth hypotheses`.", ""]
    for run in runs:
        out += [f"### {md(_title(run))}", "", f"Method: {md(run.method_text)}. {run.interviews} interviews"
                + (f" · source {md(run.source)}" if run.source else "")
                + (f" · model {md(run.model)}" if run.model else "") + ".", ""]
        out += table(["id", "hypothesis", "supports · contradicts · silent", "share (95% CI)", "won / lost",
                      "verdict"],
                     [[r.hypothesis.id, r.hypothesis.text, f"{r.supports} · {r.contradicts} · {r.silent}", _share(r),
                       _split(r), r.verdict] for r in run.results])
        for r in run.results:
            said = [row for row in r.interviews if row.stance != "silent" and row.quotes]
            if not said:
                continue
            out += [f"**{md(r.hypothesis.id)}** evidence:", ""]
            for row in said[:8]:
                q = row.quotes[0]
                cite = " · ".join(x for x in (q.file, q.speaker, hms(q.start)) if x)
                why = f" ({md(row.note)})" if row.note else ""
                out.append(f"- {row.stance} · {md(row.account)} ({md(row.outcome or 'open')}): “{md(q.quote)}” "
                           f"— {md(cite)}{why}")
            out += ([f"- … {len(said) - 8} more interviews (report.html lists all)"] if len(said) > 8 else []) + [""]
    out += ["## Saturation", ""]
    if sat is None or not sat.curves:
        return out + ["No themes yet: run `synth themes`.", ""]
    out += [f"Distinct themes after each interview, in interview-date order; mean over {sat.orders} random "
            f"orders in parentheses. Reference: the ICP guide's {sat.reference[0]}-{sat.reference[1]} "
            f"interviews. {md(sat.describe())}", ""]
    out += table(["category", "themes", "last new theme at", "curve (date order)", "verdict"],
                 [[c.title, c.themes, f"#{c.last_new_at} (random orders: {c.last_new_at_random})"
                   if c.last_new_at else "–", " ".join(map(str, c.cumulative)), c.verdict] for c in sat.curves])
    if sat.undated:
        out += [f"{sat.undated} interviews have no date and are placed last.", ""]
    return out


_HTML = r"""
<h2 id="hypotheses">Hypotheses</h2>
{% if not runs %}<p>No hypotheses tested: write <code>hypotheses.yaml</code> (a list of <code>id</code>, <code>text</code>, optional <code>category</code>) in the workspace or beside the transcripts and run <code>synth hypotheses</code>.</p>{% endif %}
{% for run in runs %}
<h3 class="hyp-run">{{ title(run) }}</h3>
{% if run_charts[loop.index0] %}<figure>{{ run_charts[loop.index0] }}<figcaption>Dot: share of all interviews supporting the hypothesis, bar: its Wilson 95% interval; triangles: the share among won and among lost accounts' interviews.</figcaption></figure>{% endif %}
<p class="muted small">Method: {{ run.method_text }}. {{ run.interviews }} interviews{% if run.source %} · source {{ run.source }}{% endif %}{% if run.model %} · model {{ run.model }}{% endif %}.{% if run.quotes_proposed %} Quotes proposed {{ run.quotes_proposed }}, found verbatim {{ run.quotes_grounded }}, not about the hypothesis {{ run.quotes_off_topic }}.{% endif %}</p>
<table class="hyp">
<tr><th>hypothesis</th><th class="n">supports · contradicts · silent</th><th>share of interviews (95% CI)</th><th>won / lost</th></tr>
{% for r in run.results %}<tr><td><strong>{{ r.hypothesis.id }}</strong> {{ r.hypothesis.text }}
<div class="verdict">{{ r.verdict }}</div>
{% set said = r.interviews|selectattr("stance", "ne", "silent")|list %}
{% if said %}<details><summary>evidence from {{ said|length }} interview{{ "s" if said|length != 1 else "" }}</summary>
{% for row in said %}<div class="hyp-row"><span class="badge b-{{ row.stance }}">{{ row.stance }}</span> <strong>{{ row.account }}</strong> <span class="badge b-{{ row.outcome or 'open' }}">{{ row.outcome or "open" }}</span>{% if row.mixed %} <span class="small muted">(also said against)</span>{% endif %}{% if row.note %} <span class="small muted">({{ row.note }})</span>{% endif %}
{% for q in row.quotes %}<blockquote><p>“{{ q.quote }}”</p><footer>{{ q.file }} · {{ q.speaker }}{% if q.start is not none %} · {{ hms(q.start) }}{% endif %}</footer></blockquote>{% endfor %}</div>{% endfor %}
</details>{% endif %}</td>
<td class="n">{{ r.supports }} · {{ r.contradicts }} · {{ r.silent }}</td>
<td>{{ share(r) }}{% if r.ci_low is not none %}<svg class="ci" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true"><rect x="0" y="3" width="100" height="2" fill="#e3e7ee"/><rect x="{{ "%.1f"|format(100 * r.ci_low) }}" y="1" width="{{ "%.1f"|format(100 * (r.ci_high - r.ci_low)) }}" height="6" fill="#a3bffa"/><rect x="{{ "%.1f"|format(100 * r.share - 0.8) }}" y="0" width="1.6" height="8" fill="#4c51bf"/></svg>{% endif %}</td>
<td class="small">{{ split(r) }}</td></tr>{% endfor %}
</table>
{% endfor %}
<h2 id="saturation">Saturation</h2>
{% if sat and sat.curves %}
<p class="muted">Distinct themes after each interview. Solid steps: interview-date order; dashed line and band: mean and 10th-90th percentile over {{ sat.orders }} seeded random orders; shaded: the ICP guide's {{ sat.reference[0] }}-{{ sat.reference[1] }} interviews. {{ sat.describe() }}</p>
{% if chart %}<figure>{{ chart }}<figcaption>{% for c in sat.curves %}{{ c.title }}: {{ c.verdict }} {% endfor %}</figcaption></figure>{% endif %}
<ul class="verdicts">{% for c in sat.curves %}<li><strong>{{ c.title }}</strong>: {{ c.verdict }}</li>{% endfor %}</ul>
{% if sat.undated %}<p class="muted small">{{ sat.undated }} interviews have no date and are placed last.</p>{% endif %}
{% else %}<p>No themes yet: run <code>synth themes</code>.</p>{% endif %}
"""

_TEMPLATE = None


def html_section(runs: list[HypothesisRun], sat: Optional[Saturation], chart: Optional[str],
                 run_charts: Optional[list[Optional[str]]] = None) -> Markup:
    """The two sections as an HTML fragment; `chart` and `run_charts` (one per run) are trusted SVG
    (matplotlib's) or <img> tags."""
    global _TEMPLATE
    if _TEMPLATE is None:
        env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        _TEMPLATE = env.from_string(_HTML)
    charts = [Markup(c) if c else None for c in (run_charts or [None] * len(runs))]
    return Markup(_TEMPLATE.render(runs=runs, sat=sat, chart=Markup(chart) if chart else None, title=_title,
                                   run_charts=charts,
                                   share=_share, split=_split, hms=hms))
