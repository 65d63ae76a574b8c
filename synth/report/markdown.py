"""`render_markdown(data)`: the report's content as GitHub-flavoured Markdown.

Every string from a transcript (or an accounts, review or rules file, or an LLM) goes through `md`:
line breaks collapse to spaces (a quote cannot leave its blockquote or table row), `&`, `<` and `>`
become entities (a viewer shows injected tags as text instead of rendering them), and Markdown's
own punctuation is backslash-escaped (no injected links, emphasis, code or headings); in table cells
`|` is escaped too. Charts are HTML-only; the same numbers appear here as tables.
"""
from __future__ import annotations

from synth.models import CATEGORIES

from .findings import markdown_sections
from .mdtext import md, table
from .model import QuoteRef, ReportData, ThemeView, human, pct


def _anchor(heading: str) -> str:
    """The id GitHub-flavoured Markdown gives a heading: lower case, spaces as hyphens."""
    return "-".join("".join(ch for ch in heading.lower() if ch.isalnum() or ch in " -").split())


def quote(q: QuoteRef) -> list[str]:
    return [f"> “{md(q.quote)}”", f"> — {md(q.cite)}", ""]


def _theme(t: ThemeView, n: int) -> list[str]:
    pin = " (pinned)" if t.pinned else ""
    out = [f"### {t.code} · {md(t.label)}{pin}", "",
           f"Score **{t.score:.1f}** · {t.interviews} of {n} interviews ({pct(t.coverage)}) · "
           f"{t.won} won / {t.lost} lost accounts · {t.items} items · theme id {md(t.id)}", ""]
    if t.definition:
        out += [md(t.definition), ""]
    if t.keyphrases:
        out += ["Key phrases: " + ", ".join(md(k) for k in t.keyphrases), ""]
    for q in t.quotes:
        out += quote(q)
    if t.breakdown:
        out += ["Score breakdown:", ""]
        out += table(["component", "value", "weight", "points", "note"],
                     [[human(c.name), f"{c.value:.2f}", f"{c.weight:g}", f"{c.points:.2f}", c.note]
                      for c in t.breakdown], right=(1, 2, 3))
    return out


def _themes_section(title: str, themes: list[ThemeView], d: ReportData) -> list[str]:
    out = [f"## {title}", ""]
    if not themes:
        return out + ["No theme recurs in two or more interviews.", ""]
    out += table(["#", "theme", "interviews", "won accounts", "lost accounts", "score"],
                 [[t.code, t.label, f"{t.interviews} ({pct(t.coverage)})",
                   f"{t.won} ({pct(t.won_share)})", f"{t.lost} ({pct(t.lost_share)})", f"{t.score:.1f}"]
                  for t in themes], right=(2, 3, 4, 5))
    for t in themes:
        out += _theme(t, d.summary.interviews)
    return out


def _summary(d: ReportData) -> list[str]:
    s = d.summary
    ex = ", ".join(f"{k} ({v})" for k, v in s.extractors.items()) or "–"
    items = ", ".join(f"{v} {k}" for k, v in s.items.items()) or "none"
    return ["## Study summary", ""] + table(["", ""], [
        ["Interviews", s.interviews],
        ["Accounts", f"{s.accounts} ({s.won} won, {s.lost} lost, {s.open} open or unknown)" if s.accounts
         else "none (no company in accounts.csv or front matter)"],
        ["Extractor", ex],
        ["Model · prompt", f"{', '.join(s.models) or '–'} · {', '.join(s.prompt_versions) or '–'}"],
        ["Items", items + (f" ({s.dismissed} dismissed)" if s.dismissed else "")],
        ["Evidence", s.grounding_text()],
        ["LLM calls", f"{s.llm_calls} ({', '.join(f'{v} {k}' for k, v in s.llm_purposes.items()) or 'none'})"
                      + (f", {s.llm_failed} failed" if s.llm_failed else "")
                      + (f"; probe {s.probe_requests} (not counted)" if s.probe_requests else "")],
        ["Tokens · cost", f"{s.tokens_in:,} in, {s.tokens_out:,} out · {s.cost_text(4)}"],
    ])


def _icp(d: ReportData) -> list[str]:
    out = ["## ICP draft", ""]
    icp = d.icp
    if icp is None:
        return out + ["No ICP draft: run `synth icp` (needs themes) and write the report again.", ""]
    out += [md(icp.narrative), "",
            f"Narrative: {md(icp.narrative_source)}. Rules file: {md(icp.rules_file or '–')}. Tiers: high touch ≥ "
            f"{icp.tiers.get('high_touch', '–')}, nurture ≥ {icp.tiers.get('nurture', '–')}.", ""]
    out += table(["attribute", "trait", "won", "lost", "accounts"],
                 [["not a fit" if t.direction == "negative" else human(t.attribute),
                   t.label + (" (disqualifier)" if t.disqualifier else ""), t.won, t.lost, t.accounts]
                  for t in icp.traits], right=(2, 3, 4))
    out += [md(n) for n in icp.notes] + ([""] if icp.notes else [])
    out += ["### Scoring rules", ""]
    out += table(["rule", "attribute", "condition", "points", "evidence"],
                 [[r.label, human(r.attribute), r.condition,
                   "caps score" if r.kind == "disqualifier" else f"{r.points:+d}", r.evidence] for r in icp.rules],
                 right=(3,))
    return out


def _validation(d: ReportData) -> list[str]:
    out = ["## Validation against outcomes", ""]
    v = d.icp.validation if d.icp else None
    if v is None:
        return out + ["No known outcomes to validate against.", ""]
    basis = f" ({md(v.verdict_basis)})" if v.verdict_basis else ""
    out += [f"**Verdict: {md(v.verdict)}**{basis}. Bar: conversion inside the top tier ≥ 3× "
            "conversion outside; 95% bootstrap intervals in parentheses.", ""]
    rows = [["in sample", md(v.in_sample)]]
    if v.out_of_sample:
        rows.append([f"out of sample ({md(v.out_of_sample_method)})", md(v.out_of_sample)])
    out += table(["", "lift · AUC · top-tier recall"], rows)
    out += table(["tier", "accounts", "won", "lost", "open", "conversion"],
                 [[human(t.tier), t.accounts, t.won, t.lost, t.open, pct(t.conversion)] for t in v.tiers],
                 right=(1, 2, 3, 4, 5))
    out += [f"> **Warning:** {md(w)}\n" for w in v.warnings]
    out += [md(n) + "\n" for n in v.notes]
    return out


def render_markdown(data: ReportData) -> str:
    d, s = data, data.summary
    out = [f"# {md(s.title)}", "",
           (f"{s.interviews} interviews with {s.accounts} accounts ({s.won} won, {s.lost} lost, {s.open} open or "
            "unknown)" if s.accounts else f"{s.interviews} interviews (no account data)")
           + "".join(f" · {len(views)} {c} themes" for c, views in d.sections())
           + f" · grounding {pct(s.grounding_rate)} · LLM cost {s.cost_text()}", "",
           "Contents: [Study summary](#study-summary) · "
           + "".join(f"[{t}](#{_anchor(t)}) · " for t in (CATEGORIES[c].themes_title for c, _ in d.sections()))
           + "[Alternatives](#alternatives-landscape) · "
           f"[{CATEGORIES['dmu'].themes_title}](#{_anchor(CATEGORIES['dmu'].themes_title)}) · [Hypotheses](#hypotheses) · [Saturation](#saturation) · "
           "[ICP draft](#icp-draft) · "
           "[Validation](#validation-against-outcomes) · [Scored accounts](#scored-accounts) · [Appendix](#appendix)",
           ""]
    out += _summary(d)
    if s.stale_decisions:
        out += ["Review decisions that no longer apply: " + "; ".join(md(x) for x in s.stale_decisions), ""]
    for c, views in d.sections():
        out += _themes_section(CATEGORIES[c].themes_title, views, d)
    out += ["## Alternatives landscape", ""]
    out += table(["alternative", "kind", "interviews", "mentions", "won / lost", "theme", "example"],
                 [[a.name + (f" (falls short: {'; '.join(a.shortfalls)})" if a.shortfalls else ""), human(a.kind),
                   a.interviews, a.mentions, f"{a.won} / {a.lost}", a.theme_code,
                   f"“{a.quote.quote}” ({a.quote.cite})" if a.quote else None] for a in d.alternatives],
                 right=(2, 3, 4)) if d.alternatives else ["No alternatives extracted.", ""]
    out += [f"## {CATEGORIES['dmu'].themes_title}", ""]
    out += table(["role", "titles (mentions)", "interviews"],
                 [[human(r.role), ", ".join(f"{t} ×{n}" for t, n in r.titles), r.interviews] for r in d.dmu],
                 right=(2,)) if d.dmu else ["No buying-committee members extracted.", ""]
    out += markdown_sections(d.hypotheses, d.saturation)
    out += _icp(d)
    out += _validation(d)
    out += ["## Scored accounts", ""]
    accts = d.icp.accounts if d.icp else []
    out += table(["company", "score", "could reach", "tier", "outcome", "top signals"],
                 [[a.company, a.score, a.score_max, human(a.tier), a.outcome,
                   "; ".join([f"+ {x}" for x in a.positive[:3]] + [f"− {x}" for x in a.negative[:2]])]
                  for a in accts], right=(1, 2)) if accts else [
        md(d.icp.not_scored) + "." if d.icp and d.icp.not_scored else "No scored accounts.", ""]
    out += ["## Appendix", "",
            "Outside every theme: " + (", ".join(f"{v} {k}" for k, v in d.unclustered.items()) or "none")
            + f". Dismissed by the speaker: {len(d.dismissed)}.", ""]
    for title, notes in (("Items outside every theme", d.unclustered_items), ("Dismissed items", d.dismissed)):
        if notes:
            out += [f"### {title}", ""]
            out += table(["category", "statement", "quote"],
                         [[n.category, n.statement, f"“{n.quote.quote}” ({n.quote.cite})" if n.quote else None]
                          for n in notes])
    out += ["---", "", "Written by synth. Every quote is verbatim from a transcript and cites file · speaker · time. "
            "Charts and the theme map are in report.html; machine-readable exports: themes.json, items.csv.", ""]
    return "\n".join(out)
