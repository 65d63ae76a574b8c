"""Terminal rendering with rich. Everything from a transcript goes through `esc` (rich markup), and every
string the consoles render loses its control characters (synth/controlchars.py): no label, LLM text or
file name can clear the screen or retitle the terminal."""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Iterator, Optional

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from synth.controlchars import strip_control


class SafeConsole(Console):
    """Every string rendered (print arguments, table cells, progress labels) passes render_str."""

    def render_str(self, text: str, **kwargs):  # type: ignore[override]
        return super().render_str(strip_control(text), **kwargs)


def esc(text: str) -> str:
    """Untrusted text for rich: no control characters, no markup."""
    return escape(strip_control(str(text)))


# piped output (CI logs, `make demo | tee`) gets a readable width instead of rich's 80-column default
_W = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 150
console = SafeConsole(width=_W)
err = SafeConsole(stderr=True, width=_W)


def fmt_duration(s: Optional[float]) -> str:
    if s is None:
        return "-"
    s = int(s)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def ingest_table(report) -> Table:
    t = Table(title="Ingest", show_lines=False)
    for c in ["file", "format", "encoding", "speakers", "interviewee", "interviewer (how found)", "turns",
              "words", "duration", "status"]:
        t.add_column(c, justify="right" if c in ("turns", "words", "duration") else "left")
    for f in report.files:
        status = f.status if f.status != "failed" else "[red]failed[/red]"
        if f.warnings and f.status != "failed":
            status += f" [yellow]({len(f.warnings)} warning{'s' if len(f.warnings) > 1 else ''})[/yellow]"
        who = esc(f.interviewee or "-")
        iv = esc(", ".join(f.interviewers) or "-")
        if f.interviewer_source and f.interviewer_source != "none":
            iv += f" [dim]({f.interviewer_source.replace('_', ' ')})[/dim]"
        t.add_row(esc(f.file), f.format or "-", f.encoding or "-", str(len(f.speakers)), who, iv,
                  str(f.turns), str(f.words), fmt_duration(f.duration_s), status)
    return t


def print_ingest_problems(report) -> None:
    for f in report.files:
        if f.error:
            err.print(f"[red]error[/red] {esc(f.error)}")
        for w in f.warnings:
            err.print(f"[yellow]warning[/yellow] {esc(f.file)}: {esc(w)}")
    for e in report.errors:
        err.print(f"[red]error[/red] {esc(e)}")
    for w in report.account_warnings:
        err.print(f"[yellow]accounts[/yellow] {esc(w)}")


def _quotes_cell(s) -> str:
    """first time / after re-ask / salvaged / dropped, with the dropped ones in red."""
    dropped = f"[red]{s.quotes_dropped}[/red]" if s.quotes_dropped else "0"
    return f"{s.quotes_grounded_first}/{s.quotes_reasked}/{s.quotes_salvaged}/{dropped}"


def _statements_cell(s) -> str:
    dropped = f"[red]{s.items_unsupported}[/red]" if s.items_unsupported else "0"
    return f"{s.statements_replaced}/{dropped}"


def _partial_cell(e) -> str:
    if not e.failed_chunks:
        return ""
    total = e.failed_chunks[0].chunks
    return f" [yellow](partial: {len({f.chunk for f in e.failed_chunks})} of {total} chunks lost)[/yellow]"


def extract_table(run) -> Table:
    """Per file and in total: what was extracted, and every request sent (failed files' included)."""
    unknown = (getattr(run, "price_note", None) or "").startswith("price unknown")
    cost = (lambda c: "?") if unknown else (lambda c: f"{c:.4f}")  # noqa: E731
    t = Table(title=f"Extraction ({run.extractor}{': ' + run.model if run.model else ''})",
              caption="quotes: found as proposed / after a re-ask / cut to their verbatim part / dropped; "
                      "statements their quotes do not say: replaced by the quote's own clause / item dropped; "
                      "fields: emptied / corrected because their quote does not say them; "
                      "partial: chunks the model never answered (asked again next run)")
    for c in ["file", "pains", "triggers", "alternatives", "dmu", "dismissed", "grounding", "quotes",
              "statements", "fields", "calls", "cache hits", "tokens", "cost $"]:
        t.add_column(c, justify="left" if c == "file" else "right")
    for e in run.extractions:
        s = e.stats
        t.add_row(esc(e.file) + _partial_cell(e), str(len(e.pains)), str(len(e.triggers)), str(len(e.alternatives)),
                  str(len(e.dmu)), str(sum(i.dismissed for i in e.items())), f"{s.grounding_rate:.0%}" if s.quotes_proposed else "–",
                  _quotes_cell(s), _statements_cell(s), f"{s.fields_nulled}/{s.fields_corrected}",
                  str(s.calls), str(s.cache_hits), str(s.tokens_in + s.tokens_out), cost(s.cost_usd))
    for f in getattr(run, "failures", []):  # its requests were sent and are counted too
        t.add_row(f"{esc(f.file)} [red](failed)[/red]", *["–"] * 9, str(f.calls), "–", str(f.tokens), "–")
    s = run.totals
    n = lambda attr: str(sum(len(getattr(e, attr)) for e in run.extractions))  # noqa: E731
    t.add_section()
    t.add_row("[b]total[/b]", n("pains"), n("triggers"), n("alternatives"), n("dmu"),
              str(sum(i.dismissed for e in run.extractions for i in e.items())),
              f"{s.grounding_rate:.1%}" if s.quotes_proposed else "–", _quotes_cell(s), _statements_cell(s),
              f"{s.fields_nulled}/{s.fields_corrected}",
              str(s.calls), str(s.cache_hits), str(s.tokens_in + s.tokens_out), cost(s.cost_usd))
    return t


@contextmanager
def progress_bars(enabled: bool = True) -> Iterator:
    """A single progress display; yields `advance(task_name, n)` and `add(task_name, total)`."""
    prog = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=False, disable=not enabled)
    tasks: dict[str, int] = {}

    def add(name: str, total: Optional[int]) -> None:
        tasks[name] = prog.add_task(name, total=total)

    def advance(name: str, n: int = 1) -> None:
        if name not in tasks:
            add(name, None)
        prog.update(tasks[name], advance=n)

    with prog:
        advance.add = add  # type: ignore[attr-defined]
        yield advance


def quote_ref(ev) -> str:
    """Where a quote was said, as the report and the browser write it: file · speaker · hh:mm:ss."""
    from synth.report.model import cite  # the one citation format (late: keeps CLI start-up light)

    return f"[dim]{esc(cite(ev.file, ev.speaker, ev.start))}[/dim]"


def themes_table(ts, category: str, top: int = 10, quotes: int = 1, items_by_id=None) -> Table:
    from synth.models import CATEGORIES

    t = Table(title=CATEGORIES[category].themes_title if category in CATEGORIES else category, show_lines=True)
    t.add_column("#", justify="right")
    t.add_column("theme")
    t.add_column("interviews", justify="right")
    t.add_column("won/lost", justify="right")
    t.add_column("score", justify="right")
    t.add_column("evidence")
    rows = [th for th in ts.themes if th.category == category][:top]
    for th in rows:
        label = esc(th.label) + (" [yellow]📌[/yellow]" if th.pinned else "")
        label += f"\n[dim]{esc(th.id)}" + (f" · {esc(', '.join(th.keyphrases))}" if th.keyphrases else "") + "[/dim]"
        ev_lines = []
        rep = th.representative_quote
        evs = []
        if items_by_id:
            # the label already is the medoid's words: show what other interviews said first
            others = [e for i in th.item_ids for e in items_by_id[i].evidence[:1]
                      if rep is None or e.file != rep.file]
            if rep is None:
                evs = others
            else:
                evs = [rep] + others if quotes > 1 else (others[:1] or [rep])
        elif rep:
            evs = [rep]
        for ev in evs[:quotes]:
            ev_lines.append(f"“{esc(ev.quote)}”\n  {quote_ref(ev)}")
        t.add_row(str(th.rank), label, str(len(th.files)), f"{th.won}/{th.lost}", f"{th.score:.0f}",
                  "\n".join(ev_lines) or "-")
    if not rows:
        t.add_row("-", "[dim]no theme recurs in two or more interviews[/dim]", "", "", "", "")
    return t


def breakdown_table(th) -> Table:
    t = Table(title=f"Why {esc(th.id)} scores {th.score:.1f}")
    for c in ["component", "value", "weight", "points", "note"]:
        t.add_column(c, justify="right" if c in ("value", "weight", "points") else "left")
    for c in th.breakdown:
        t.add_row(c.name, f"{c.value:.2f}", f"{c.weight:g}", f"{c.points:.2f}", esc(c.note))
    return t


def dmu_table(ts) -> Table:
    from synth.models import CATEGORIES

    t = Table(title=CATEGORIES["dmu"].themes_title)
    t.add_column("role")
    t.add_column("titles (mentions)")
    t.add_column("interviews", justify="right")
    for s in ts.dmu:
        t.add_row(s.role.replace("_", " "), esc(", ".join(f"{k} ({v})" for k, v in s.titles.items())),
                  str(len(s.files)))
    return t


def profile_table(profile) -> Table:
    t = Table(title="ICP draft (five attributes and the negative profile)")
    for c in ["attribute", "trait", "won", "lost", "accounts"]:
        t.add_column(c, justify="right" if c in ("won", "lost", "accounts") else "left")
    rows = [(tr.attribute, tr) for tr in profile.positive()] + [("NOT a fit", tr) for tr in profile.negative]
    for attr, tr in rows:
        label = esc(tr.label) + (" [red](disqualifier)[/red]" if tr.disqualifier else "")
        t.add_row(attr, label, str(tr.support.won), str(tr.support.lost), str(tr.support.accounts))
    return t


def validation_lines(report) -> list[str]:
    if report is None:
        return ["[dim]no outcomes: nothing to validate against[/dim]"]
    out = [f"[b]validation[/b] ({report.accounts} accounts: {report.won} won, {report.lost} lost, "
           f"{report.open} open)"]
    out += [f"  {esc(line)}" for line in report.summary_lines()]
    for tier in report.tiers:
        conv = "n/a" if tier.conversion is None else f"{tier.conversion:.0%}"
        out.append(f"  {tier.tier:13s} {tier.accounts:5d} accounts  {tier.won} won / {tier.lost} lost  "
                   f"conversion {conv}")
    out += [f"[yellow]warning[/yellow] {esc(w)}" for w in report.warnings]
    out += [f"[dim]{esc(n)}[/dim]" for n in report.notes]
    return out


def scores_table(result, limit: int = 50) -> Table:
    t = Table(title="Account scores (fit only: engagement and intent are not scored)")
    for c in ["company", "score", "could reach", "tier", "outcome", "why (top signals)", "unknown"]:
        t.add_column(c, justify="right" if c in ("score", "could reach") else "left")
    order = sorted(range(len(result.scores)), key=lambda i: (-int(result.scores[i]), str(result.companies[i])))
    col = result.table.column("outcome")
    outcome_vals = col.values() if col is not None else None
    for i in order[:limit]:
        a = result.account(i)
        why = "; ".join([f"[green]+[/green] {esc(s)}" for s in a.positive_signals[:3]] +
                        [f"[red]-[/red] {esc(s)}" for s in a.negative_signals[:2]])
        outcome = str(outcome_vals[i]) if outcome_vals is not None and outcome_vals[i] else "-"
        tier_col = {"high_touch": "green", "nurture": "yellow", "deprioritize": "red"}.get(a.tier, "white")
        t.add_row(esc(a.company), str(a.score), str(a.score_max), f"[{tier_col}]{a.tier}[/{tier_col}]", esc(outcome), why or "-",
                  str(len(a.unknowns)))
    return t
