"""`synth review`: show ranked themes and record reviewer decisions in review.yaml."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from synth.cli.options import WorkspaceOpt, open_workspace
from synth.cli.show import print_themes
from synth.render import breakdown_table, console, err, esc
from synth.themes.build import assemble_themes
from synth.themes.review import Merge, Split, load_review, review_path, save_review

review_app = typer.Typer(help="Review themes: show, rename, merge, split, pin, drop. Decisions live in "
                              "review.yaml in the workspace and survive re-runs.", no_args_is_help=False)


def _reassemble(ws):
    ts = ws.latest_themes()
    if ts is None:
        err.print("[red]error[/red] no themes yet: run `synth themes` first")
        raise typer.Exit(1)
    ts = assemble_themes(ws, ts)
    ws.put_themes(ts)
    return ts


def _edit_review(workspace: Path, change) -> None:
    with open_workspace(workspace) as ws:
        path = review_path(ws.root)
        rv = load_review(path)
        ts = ws.latest_themes()
        known = set(ts.raw_clusters) if ts else set()
        msg = change(rv, ts, known)
        save_review(rv, path)
        ts = _reassemble(ws)
        console.print(f"[green]{esc(msg)}[/green] (saved to {esc(str(path))})")
        print_themes(ts, 10, ws=ws)


def _need(tid: str, ts, known: set) -> None:
    ids = {t.id for t in ts.themes} | known if ts else known
    if tid not in ids:
        err.print(f"[red]error[/red] unknown theme id {esc(tid)}; known: {esc(', '.join(sorted(ids)))}")
        raise typer.Exit(2)


@review_app.callback(invoke_without_command=True)
def review_show(ctx: typer.Context, workspace: Path = WorkspaceOpt,
                theme: Optional[str] = typer.Option(None, "--theme", help="show one theme in full"),
                quotes: int = typer.Option(3, help="quotes per theme")) -> None:
    """Show ranked themes with their quotes (file, speaker, timestamp)."""
    if ctx.invoked_subcommand is not None:
        return
    with open_workspace(workspace) as ws:
        ts = _reassemble(ws)
        if theme:
            th = next((t for t in ts.themes if t.id == theme), None)
            if th is None:
                err.print(f"[red]error[/red] unknown theme id {esc(theme)}")
                raise typer.Exit(2)
            by_id = {it.id: it for e in ws.latest_extractions() for it in e.items()}
            console.print(f"[b]{esc(th.label)}[/b] ({esc(th.id)}, {th.category}) {esc(th.definition or '')}")
            console.print(breakdown_table(th))
            for i in th.item_ids:
                it = by_id[i]
                for ev in it.evidence:
                    console.print(f"  [dim]{esc(i)}[/dim] “{esc(ev.quote)}” — {esc(ev.file)} · "
                                  f"{esc(ev.speaker)}" + (f" @{ev.start:.0f}s" if ev.start is not None else ""))
            return
        print_themes(ts, 50, quotes=quotes, ws=ws)


@review_app.command("rename")
def review_rename(theme_id: str, label: str, workspace: Path = WorkspaceOpt) -> None:
    """Give a theme a label of your own."""
    def change(rv, ts, known):
        _need(theme_id, ts, known)
        rv.rename[theme_id] = label
        return f"renamed {theme_id} to {label!r}"
    _edit_review(workspace, change)


@review_app.command("merge")
def review_merge(into: str, sources: List[str], workspace: Path = WorkspaceOpt) -> None:
    """Merge SOURCES themes into INTO."""
    def change(rv, ts, known):
        for t in [into, *sources]:
            _need(t, ts, known)
        rv.merge.append(Merge(into=into, sources=list(sources)))
        return f"merged {', '.join(sources)} into {into}"
    _edit_review(workspace, change)


@review_app.command("split")
def review_split(theme_id: str, items: List[str], label: Optional[str] = typer.Option(None),
                 workspace: Path = WorkspaceOpt) -> None:
    """Split ITEMS (item ids, see `synth review --theme ID`) off THEME_ID into a new theme."""
    def change(rv, ts, known):
        _need(theme_id, ts, known)
        rv.split.append(Split(source=theme_id, items=list(items), label=label))
        return f"split {len(items)} item(s) off {theme_id}"
    _edit_review(workspace, change)


def _toggle(field: str, theme_id: str, on: bool, workspace: Path) -> None:
    def change(rv, ts, known):
        _need(theme_id, ts, known)
        lst = getattr(rv, field)
        if on and theme_id not in lst:
            lst.append(theme_id)
        if not on and theme_id in lst:
            lst.remove(theme_id)
        return f"{'' if on else 'un'}{field} {theme_id}"
    _edit_review(workspace, change)


@review_app.command("pin")
def review_pin(theme_id: str, workspace: Path = WorkspaceOpt) -> None:
    """Pin a theme to the top of its category."""
    _toggle("pin", theme_id, True, workspace)


@review_app.command("unpin")
def review_unpin(theme_id: str, workspace: Path = WorkspaceOpt) -> None:
    """Undo a pin."""
    _toggle("pin", theme_id, False, workspace)


@review_app.command("drop")
def review_drop(theme_id: str, workspace: Path = WorkspaceOpt) -> None:
    """Drop a theme from the synthesis (kept in review.yaml, reversible with undrop)."""
    _toggle("drop", theme_id, True, workspace)


@review_app.command("undrop")
def review_undrop(theme_id: str, workspace: Path = WorkspaceOpt) -> None:
    """Bring a dropped theme back."""
    _toggle("drop", theme_id, False, workspace)


