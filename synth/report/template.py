"""The HTML report's CSS and Jinja2 template (kept in Python so the package needs no data files)."""
from __future__ import annotations

CSS = """
:root{--ink:#1a202c;--muted:#5a6474;--line:#e3e7ee;--soft:#f6f7f9;--accent:#4c51bf;--won:#2f855a;
--lost:#dd6b20;--warn:#b7791f;--bad:#c53030}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#fff;color:var(--ink);font:15px/1.55 -apple-system,BlinkMacSystemFont,"Segoe UI",
Roboto,"Helvetica Neue",Arial,"Noto Sans","DejaVu Sans",sans-serif}
main{max-width:1060px;margin:0 auto;padding:32px 28px 64px}
h1{font-size:28px;line-height:1.2;margin:0 0 6px;letter-spacing:-.01em}
h2{font-size:21px;margin:48px 0 6px;padding-top:8px;border-top:1px solid var(--line)}
h3{font-size:16px;margin:0}
p{margin:.4em 0 .8em}
.lede{color:var(--muted);margin:0 0 20px}
.muted{color:var(--muted)}
.small{font-size:13px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:10px;margin:18px 0}
.kpi{background:var(--soft);border:1px solid var(--line);border-radius:10px;padding:10px 14px}
.kpi b{display:block;font-size:22px;line-height:1.2}
.kpi span{font-size:12.5px;color:var(--muted)}
nav.toc{background:var(--soft);border:1px solid var(--line);border-radius:10px;padding:12px 18px;margin:8px 0 0}
nav.toc ol{margin:4px 0 0;padding-left:20px;columns:2;column-gap:32px}
nav.toc a{color:var(--accent);text-decoration:none}
nav.toc a:hover{text-decoration:underline}
.charts{display:grid;grid-template-columns:1fr;gap:14px;margin:14px 0 18px}
figure{margin:0;border:1px solid var(--line);border-radius:10px;padding:10px 10px 6px;background:#fff}
figcaption{font-size:12.5px;color:var(--muted);padding:2px 6px 4px}
svg.chart{display:block;width:100%;max-width:100%;height:auto}
svg.chart *{stroke-linejoin:round;stroke-linecap:butt}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(470px,1fr));gap:14px;align-items:start}
.card{border:1px solid var(--line);border-radius:12px;padding:14px 16px 10px;background:#fff;
box-shadow:0 1px 2px rgba(16,24,40,.04)}
.card header{display:flex;align-items:flex-start;gap:10px}
.card header h3{flex:1;overflow-wrap:anywhere}
.code{display:inline-block;min-width:30px;text-align:center;font-size:12px;font-weight:700;color:#fff;
border-radius:6px;padding:2px 6px;margin-top:1px}
.score{font-size:13px;font-weight:700;background:#eef0fb;color:var(--accent);border-radius:999px;
padding:2px 10px;white-space:nowrap}
.meta{font-size:13px;color:var(--muted);margin:6px 0 4px}
.bar{height:6px;background:#edf0f4;border-radius:3px;overflow:hidden;margin:4px 0 8px}
.bar i{display:block;height:100%;background:var(--accent)}
.chips{margin:2px 0 6px}
.chip{display:inline-block;font-size:12px;background:var(--soft);border:1px solid var(--line);border-radius:999px;
padding:0 8px;margin:0 4px 4px 0;overflow-wrap:anywhere}
.def{font-size:14px;margin:4px 0}
blockquote{margin:10px 0;padding:6px 12px;border-left:3px solid #c3c9f5;background:#fafbff;border-radius:0 8px 8px 0}
blockquote p{margin:0;overflow-wrap:anywhere}
blockquote footer{font-size:12.5px;color:var(--muted);margin-top:3px;overflow-wrap:anywhere}
details{margin:6px 0}
summary{cursor:pointer;color:var(--accent);font-size:13.5px}
.card table{font-size:12.5px}
table{border-collapse:collapse;width:100%;font-size:13.5px;margin:8px 0 14px}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line);overflow-wrap:break-word}
td.k{white-space:nowrap;color:var(--muted)}
code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;background:var(--soft);border-radius:4px;padding:1px 4px}
th{font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);background:var(--soft)}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.badge{display:inline-block;font-size:12px;border-radius:6px;padding:1px 7px;white-space:nowrap}
.b-won,.b-high_touch,.b-pass{background:#e6f4ea;color:#22643f}
.b-lost,.b-deprioritize,.b-fail,.b-dq{background:#fdecea;color:#9b2c2c}
.b-open,.b-nurture{background:#fef6e4;color:#8a5a00}
.b-none{background:var(--soft);color:var(--muted)}
.callout{border:1px solid #f3d9a4;background:#fffaf0;border-radius:10px;padding:8px 14px;font-size:14px;margin:10px 0}
.narrative{font-size:15.5px;background:var(--soft);border-radius:10px;padding:12px 16px}
.sig{display:block;font-size:12.5px}
.sig.pos::before{content:"+ ";color:var(--won);font-weight:700}
.sig.neg::before{content:"− ";color:var(--bad);font-weight:700}
.dot{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:4px}
footer.page{margin-top:56px;color:var(--muted);font-size:12.5px;border-top:1px solid var(--line);padding-top:12px}
.verdict{font-size:13.5px;color:var(--muted);margin:2px 0 4px}
svg.ci{display:block;width:140px;height:8px;margin-top:4px}
.hyp-row{margin:6px 0 10px}
.b-supports{background:#e6f4ea;color:#22643f}
.b-contradicts{background:#fdecea;color:#9b2c2c}
@media (max-width:720px){main{padding:18px 14px}.cards{grid-template-columns:1fr}nav.toc ol{columns:1}}
@media print{nav.toc{display:none}.card,figure{break-inside:avoid}h2{break-after:avoid}}
"""

TEMPLATE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="synth report">
<title>{{ s.title }}: {{ s.interviews }} interviews</title>
<style>{{ css }}</style>
</head>
<body>
<main>
{%- macro quote(q) %}
<blockquote><p>“{{ q.quote }}”</p><footer>{{ q.cite }}</footer></blockquote>
{%- endmacro %}
{%- macro badge(v) %}<span class="badge b-{{ v|slug }}">{{ (v or "–")|human }}</span>{% endmacro %}
<header>
<h1>{{ s.title }}</h1>
<p class="lede">{{ s.interviews }} interview{{ "s" if s.interviews != 1 else "" }}{% if s.accounts %} with {{ s.accounts }} account{{ "s" if s.accounts != 1 else "" }}
({{ s.won }} won, {{ s.lost }} lost, {{ s.open }} open or unknown){% else %} (no account data){% endif %} · extractor:
{% for k, v in s.extractors.items() %}{{ k }}{% if s.extractors|length > 1 %} ({{ v }}){% endif %}{{ ", " if not loop.last else "" }}{% endfor %}
{%- if s.models %} · model {{ s.models|join(", ") }}{% endif %}</p>
</header>
<section class="kpis" aria-label="Study at a glance">
<div class="kpi"><b>{{ s.interviews }}</b><span>interviews</span></div>
<div class="kpi"><b>{{ s.won }} / {{ s.lost }} / {{ s.open }}</b><span>accounts won / lost / open</span></div>
<div class="kpi"><b>{% for sec in sections %}{{ sec.themes|length }}{{ " · " if not loop.last else "" }}{% endfor %}</b><span>{% for sec in sections %}{{ sec.category }}{{ " · " if not loop.last else "" }}{% endfor %} themes</span></div>
<div class="kpi"><b>{{ s.items.values()|sum }}</b><span>items extracted</span></div>
<div class="kpi"><b>{{ s.grounding_rate|pct }}</b><span>quotes found verbatim</span></div>
<div class="kpi"><b>{{ s.cost_text() }}</b><span>LLM cost ({{ s.llm_calls }} calls)</span></div>
</section>
<nav class="toc" aria-label="Contents"><strong>Contents</strong><ol>
{% for id, title in toc %}<li><a href="#{{ id }}">{{ title }}</a></li>{% endfor %}
</ol></nav>

<h2 id="summary">Study summary</h2>
<table>
<tr><th>Interviews</th><td>{{ s.interviews }}</td><th>Accounts</th><td>{% if s.accounts %}{{ s.accounts }} ({{ s.won }} won, {{ s.lost }} lost, {{ s.open }} open){% else %}none (no company in accounts.csv or front matter){% endif %}</td></tr>
<tr><th>Extractor</th><td>{% for k, v in s.extractors.items() %}{{ k }} ({{ v }}){{ ", " if not loop.last else "" }}{% else %}–{% endfor %}</td>
<th>Model · prompt</th><td>{{ s.models|join(", ") or "–" }} · {{ s.prompt_versions|join(", ") or "–" }}</td></tr>
<tr><th>Items</th><td>{% for k, v in s.items.items() %}{{ v }} {{ k }}{{ ", " if not loop.last else "" }}{% else %}none{% endfor %}{% if s.dismissed %} ({{ s.dismissed }} dismissed){% endif %}</td>
<th>Evidence</th><td>{{ s.grounding_text() }}</td></tr>
<tr><th>LLM calls</th><td>{{ s.llm_calls }}{% if s.llm_purposes %} ({% for k, v in s.llm_purposes.items() %}{{ v }} {{ k }}{{ ", " if not loop.last else "" }}{% endfor %}){% endif %}{% if s.llm_failed %}, {{ s.llm_failed }} failed{% endif %}{% if s.probe_requests %}; probe {{ s.probe_requests }} (not counted){% endif %}; extraction cache hits {{ s.extraction_cache_hits }}</td>
<th>Tokens · cost</th><td>{{ "{:,}".format(s.tokens_in) }} in, {{ "{:,}".format(s.tokens_out) }} out · {{ s.cost_text(4) }}</td></tr>
</table>
{% if s.stale_decisions %}<div class="callout">Review decisions that no longer apply: {{ s.stale_decisions|join("; ") }}</div>{% endif %}

{% for sec in sections %}
<h2 id="{{ sec.id }}">{{ sec.title }}</h2>
<p class="muted">{{ sec.blurb }}</p>
{% if sec.themes %}
<div class="charts">
{% if sec.chart %}<figure>{{ sec.chart }}<figcaption>Top {{ sec.shown }} of {{ sec.themes|length }} themes by rank. Left: interviews with at least one quote for the theme. Right: share of won accounts and share of lost accounts whose interviews mention it.</figcaption></figure>{% endif %}
</div>
<div class="cards">
{% for t in sec.themes %}
<article class="card" id="theme-{{ t.id|slug }}">
<header><span class="code" style="background:{{ colors.get(t.code, '#4a5568') }}">{{ t.code }}</span>
<h3 class="theme-label">{{ t.label }}{% if t.pinned %} <span class="badge b-none">pinned</span>{% endif %}</h3>
<span class="score" title="rank score">{{ "%.1f"|format(t.score) }}</span></header>
<div class="meta">{{ t.interviews }} of {{ s.interviews }} interviews ({{ t.coverage|pct }}) · {{ t.won }} won / {{ t.lost }} lost account{{ "s" if t.won + t.lost != 1 else "" }} · {{ t.items }} item{{ "s" if t.items != 1 else "" }}</div>
<div class="bar" aria-hidden="true"><i style="width:{{ "%.1f"|format(100 * t.coverage) }}%"></i></div>
{% if t.definition %}<p class="def">{{ t.definition }}</p>{% endif %}
{% if t.keyphrases %}<div class="chips">{% for k in t.keyphrases %}<span class="chip">{{ k }}</span>{% endfor %}</div>{% endif %}
{% for q in t.quotes[:2] %}{{ quote(q) }}{% endfor %}
{% if t.quotes|length > 2 %}<details><summary>{{ t.quotes|length - 2 }} more quote{{ "s" if t.quotes|length > 3 else "" }}</summary>{% for q in t.quotes[2:] %}{{ quote(q) }}{% endfor %}</details>{% endif %}
<details><summary>Score breakdown</summary>
<table><tr><th>component</th><th class="n">value</th><th class="n">weight</th><th class="n">points</th><th>note</th></tr>
{% for c in t.breakdown %}<tr><td>{{ c.name|human }}</td><td class="n">{{ "%.2f"|format(c.value) }}</td><td class="n">{{ "%g"|format(c.weight) }}</td><td class="n">{{ "%.2f"|format(c.points) }}</td><td>{{ c.note }}</td></tr>{% endfor %}
<tr><th colspan="3">score</th><th class="n">{{ "%.2f"|format(t.score) }}</th><th>{{ t.label_source }} label · id {{ t.id }}</th></tr>
</table></details>
</article>
{% endfor %}
</div>
{% else %}<p>No theme recurs in two or more interviews.</p>{% endif %}
{% endfor %}

<h2 id="map">Theme map</h2>
<p class="muted">Each dot is an extracted pain or trigger, placed by a 2-D projection (PCA) of its statement's embedding: nearby dots say similar things. Colours and codes match the theme cards; grey dots belong to no theme.</p>
{% if map_svg %}<figure>{{ map_svg }}<figcaption>{{ d.item_map|length }} items{% if d.map_note %}; {{ d.map_note }}{% endif %}.</figcaption></figure>
{% else %}<p>No embeddings cached for this study{% if d.map_note %} ({{ d.map_note }}){% endif %}.</p>{% endif %}

<h2 id="alternatives">Alternatives landscape</h2>
<p class="muted">How interviewees solve the problem today, grouped by name.</p>
{% if d.alternatives %}<table>
<tr><th>alternative</th><th>kind</th><th class="n">interviews</th><th class="n">mentions</th><th class="n">won / lost</th><th>example</th></tr>
{% for a in d.alternatives %}<tr><td><strong>{{ a.name }}</strong>{% if a.theme_code %} <span class="muted small">{{ a.theme_code }}</span>{% endif %}
{% if a.shortfalls %}<div class="small muted">falls short: {{ a.shortfalls|join("; ") }}</div>{% endif %}</td>
<td class="k">{{ a.kind|human }}</td><td class="n">{{ a.interviews }}</td><td class="n">{{ a.mentions }}</td><td class="n">{{ a.won }} / {{ a.lost }}</td>
<td>{% if a.quote %}{{ quote(a.quote) }}{% endif %}</td></tr>{% endfor %}
</table>{% else %}<p>No alternatives extracted.</p>{% endif %}

<h2 id="dmu">Decision-making unit</h2>
<p class="muted">Who takes part in the purchase, by role, with the titles interviewees named.</p>
{% if d.dmu %}<table>
<tr><th>role</th><th>titles (mentions)</th><th class="n">interviews</th><th>example</th></tr>
{% for r in d.dmu %}<tr><td><strong>{{ r.role|human }}</strong></td><td>{% for title, n in r.titles %}<span class="chip">{{ title }} ×{{ n }}</span>{% endfor %}</td>
<td class="n">{{ r.interviews }}</td><td>{% if r.quote %}{{ quote(r.quote) }}{% endif %}</td></tr>{% endfor %}
</table>{% else %}<p>No buying-committee members extracted.</p>{% endif %}

{{ findings }}

<h2 id="icp">ICP draft</h2>
{% if icp %}
<p class="narrative">{{ icp.narrative }}</p>
<p class="muted small">Narrative: {{ icp.narrative_source }}. Rules file: {{ icp.rules_file or "–" }} (edit it, then re-score). Tiers: high touch ≥ {{ icp.tiers.high_touch }}, nurture ≥ {{ icp.tiers.nurture }}.</p>
<table>
<tr><th>attribute</th><th>trait</th><th class="n">won</th><th class="n">lost</th><th class="n">accounts</th></tr>
{% for tr in icp.traits %}{% set attr = "not a fit" if tr.direction == "negative" else tr.attribute|human %}<tr><td class="k">{{ attr if loop.changed(attr) else "" }}</td><td>{{ tr.label }}{% if tr.disqualifier %} <span class="badge b-dq">disqualifier</span>{% endif %}
{% for q in tr.quotes[:1] %}{{ quote(q) }}{% endfor %}</td><td class="n">{{ tr.won }}</td><td class="n">{{ tr.lost }}</td><td class="n">{{ tr.accounts }}</td></tr>{% endfor %}
</table>
{% for n in icp.notes %}<p class="muted small">{{ n }}</p>{% endfor %}
<h3 id="rules" style="margin-top:22px">Scoring rules</h3>
<table>
<tr><th>rule</th><th>attribute</th><th>condition</th><th class="n">points</th></tr>
{% for r in icp.rules %}<tr><td>{{ r.label }}{% if r.kind == "disqualifier" %} <span class="badge b-dq">disqualifier</span>{% endif %}
{% if r.evidence %}<details><summary>evidence</summary><div class="small">{{ r.evidence }}</div></details>{% endif %}</td>
<td class="k">{{ r.attribute|human }}</td><td><code>{{ r.condition }}</code></td><td class="n">{{ "caps score" if r.kind == "disqualifier" else "%+d"|format(r.points) }}</td></tr>{% endfor %}
</table>
{% else %}<p>No ICP draft: run <code>synth icp</code> (needs themes) and write the report again.</p>{% endif %}

<h2 id="validation">Validation against outcomes</h2>
{% if icp and icp.validation %}{% set v = icp.validation %}
<section class="kpis">
<div class="kpi"><b>{% if v.lift is not none %}{{ v.lift|num }}×{% else %}n/a{% endif %}</b><span>lift: conversion in vs outside the top tier (bar 3×)</span></div>
<div class="kpi"><b>{{ v.recall|pct }}</b><span>of wins in the top tier</span></div>
<div class="kpi"><b>{{ v.auc|num }}</b><span>ROC AUC of the score</span></div>
<div class="kpi"><b>{{ v.top_tier_share|pct }}</b><span>of accounts in the top tier</span></div>
<div class="kpi"><b>{{ badge("pass" if v.passed else "fail") }}</b><span>in sample: lift ≥ 3 and recall ≥ 0.6</span></div>
</section>
<p><strong>Verdict: {{ v.verdict }}</strong> <span class="muted small">({% if v.verdict_basis %}{{ v.verdict_basis }}; {% endif %}95% bootstrap intervals in parentheses)</span></p>
<table><tr><th></th><th>lift · AUC · top-tier recall</th></tr>
<tr><td>in sample</td><td>{{ v.in_sample }}</td></tr>
{% if v.out_of_sample %}<tr><td>out of sample<div class="small muted">{{ v.out_of_sample_method }}</div></td><td>{{ v.out_of_sample }}</td></tr>{% endif %}
</table>
<table><tr><th>tier</th><th class="n">accounts</th><th class="n">won</th><th class="n">lost</th><th class="n">open</th><th class="n">conversion</th></tr>
{% for t in v.tiers %}<tr><td>{{ badge(t.tier) }}</td><td class="n">{{ t.accounts }}</td><td class="n">{{ t.won }}</td><td class="n">{{ t.lost }}</td><td class="n">{{ t.open }}</td><td class="n">{{ t.conversion|pct }}</td></tr>{% endfor %}
</table>
{% for w in v.warnings %}<div class="callout">{{ w }}</div>{% endfor %}
{% for n in v.notes %}<p class="muted small">{{ n }}</p>{% endfor %}
{% else %}<p>No known outcomes to validate against (add an outcome column to accounts.csv).</p>{% endif %}

<h2 id="accounts">Scored accounts</h2>
{% if icp and icp.accounts %}
<p class="muted">Fit score 0–100 from the rules above (engagement and intent are not scored).</p>
<p class="muted small">A criterion the data cannot decide for an account (no value, or no such column) is unknown: no points. "Could reach" is the score if every unknown matched.</p>
<table><tr><th>company</th><th class="n">score</th><th class="n">could reach</th><th>tier</th><th>outcome</th><th>top signals</th></tr>
{% for a in icp.accounts %}<tr><td><strong>{{ a.company }}</strong></td><td class="n">{{ a.score }}</td><td class="n">{{ a.score_max }}</td><td>{{ badge(a.tier) }}</td><td>{{ badge(a.outcome) }}</td>
<td>{% for x in a.positive[:3] %}<span class="sig pos">{{ x }}</span>{% endfor %}{% for x in a.negative[:2] %}<span class="sig neg">{{ x }}</span>{% endfor %}
{% if a.unknowns %}<span class="sig small muted">unknown: {{ a.unknowns|join(", ") }}</span>{% endif %}</td></tr>{% endfor %}
</table>
{% elif icp and icp.not_scored %}<p><strong>{{ icp.not_scored }}.</strong> Add an accounts.csv with firmographics or outcomes to score accounts.</p>
{% else %}<p>No scored accounts.</p>{% endif %}

<h2 id="appendix">Appendix: what is not in a theme</h2>
<p>Outside every theme: {% for k, v in d.unclustered.items() %}{{ v }} {{ k }}{{ ", " if not loop.last else "" }}{% else %}none{% endfor %}. Dismissed by the speaker: {{ d.dismissed|length }}.</p>
{% if d.unclustered_items %}<details><summary>Items outside every theme ({{ d.unclustered_items|length }})</summary>
<table><tr><th>category</th><th>statement and quote</th></tr>
{% for it in d.unclustered_items %}<tr><td>{{ it.category }}</td><td>{{ it.statement }}{% if it.quote and it.quote.quote != it.statement %}{{ quote(it.quote) }}{% elif it.quote %}<div class="small muted">{{ it.quote.cite }}</div>{% endif %}</td></tr>{% endfor %}
</table></details>{% endif %}
{% if d.dismissed %}<details><summary>Dismissed items ({{ d.dismissed|length }})</summary>
<table><tr><th>category</th><th>statement and quote</th></tr>
{% for it in d.dismissed %}<tr><td>{{ it.category }}</td><td>{{ it.statement }}{% if it.quote %}{{ quote(it.quote) }}{% endif %}</td></tr>{% endfor %}
</table></details>{% endif %}
<footer class="page">Written by synth from the workspace's latest extractions and themes. Every quote is verbatim from a transcript and cites file · speaker · time. Machine-readable exports: themes.json and items.csv (schema: <code>synth schema exports</code>).</footer>
</main>
</body>
</html>
"""
