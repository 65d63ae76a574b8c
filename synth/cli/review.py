"""`synth review`: show ranked themes, record reviewer decisions in review.yaml, or review in the browser.

Every decision goes through `synth.themes.review_actions`, the functions the web app calls too, so
a rename typed here and one clicked in `synth review --web` write the same line of review.yaml.
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from synth.cli.options import WorkspaceOpt, check_review_file, open_workspace
from synth.cli.show import print_themes
from synth.render import breakdown_table, console, err, esc, quote_ref

# A subcommand's own -w; when absent, the group's (`synth review -w ws pin pain-2`).
SubWorkspaceOpt = typer.Option(None, "--workspace", "-w", help="workspace folder (default: the one given to "
                                                                "`synth review -w`, else .synth)")

SubJsonOpt = typer.Option(False, "--json", help="print the decision and the re-ranked themes as JSON")

review_app = typer.Typer(help="Review themes: show, rename, define, merge, split, move, reject, pin, drop, undo "
                              "(or all of it in the browser with --web). Decisions live in review.yaml in the "
                              "workspace and survive re-runs.\n\nExample: synth review -w .synth-demo pin pain-2 "
                              "(or: synth review --web --no-open -w .synth-demo)", no_args_is_help=False)


def _reassemble(ws):
    from synth.themes.build import reassemble

    ts = ws.latest_themes()
    if ts is None:
        err.print("[red]error[/red] no themes yet: run `synth themes` first")
        raise typer.Exit(1)
    return reassemble(ws, ts)


def _workspace(ctx: typer.Context, workspace: Optional[Path]) -> Path:
    """A decision's own -w wins; else the one given to `synth review -w WS` before the subcommand."""
    if workspace is not None:
        return workspace
    parent = ctx.parent.params.get("workspace") if ctx.parent is not None else None
    return parent or Path(".synth")


def _decide(ctx: typer.Context, workspace: Optional[Path], as_json: bool, action: Optional[str], *args) -> None:
    """Record one decision (review_actions.ACTION(context, *args); None undoes the last one), then show
    the re-ranked themes. Actions are named, not passed as functions, so `synth review --help` need not
    import the themes stage."""
    from synth.themes import review_actions as ra
    from synth.themes.review import ReviewError, review_path

    with open_workspace(_workspace(ctx, workspace)) as ws:
        try:
            rec, ts = ra.decide(ws, lambda c: getattr(ra, action)(c, *args)) if action else ra.take_back(ws)
        except ReviewError as exc:
            err.print(f"[red]error[/red] {esc(str(exc))}")
            raise typer.Exit(2)
        if as_json or (ctx.parent is not None and ctx.parent.params.get("as_json")):
            _print_review_json(ws.root, ts, rec.message)
            return
        console.print(f"[green]{esc(rec.message)}[/green] (saved to {esc(str(review_path(ws.root)))}, "
                      f"version {rec.version})")
        print_themes(ts, 10, ws=ws)


def _serve(workspace: Path, port: int, no_open: bool) -> None:
    from synth.themes.review import ReviewError
    from synth.web import serve

    if not (workspace / "synth.db").exists():
        err.print(f"[red]error[/red] {esc(str(workspace))}: no workspace here: run `synth run PATH -w "
                  f"{esc(str(workspace))}` first")
        raise typer.Exit(1)
    try:
        serve(workspace, port=port, open_browser=not no_open,
              announce=lambda url: console.print(
                  f"reviewing {esc(str(workspace))} at [b]{url}[/b] (Ctrl-C stops it; decisions go to review.yaml)"
                  + ("" if no_open else f"\n[dim]no browser here (headless, over SSH)? run `synth review --web "
                                        f"--no-open -w {esc(str(workspace))}` and open {url} yourself[/dim]")))
    except (OSError, ReviewError) as exc:
        err.print(f"[red]error[/red] {esc(str(exc))}")
        raise typer.Exit(1)


@review_app.callback(invoke_without_command=True)
def review_show(ctx: typer.Context, workspace: Path = WorkspaceOpt,
                theme: Optional[str] = typer.Option(None, "--theme", help="show one theme in full"),
                quotes: int = typer.Option(3, help="quotes per theme"),
                web: bool = typer.Option(False, "--web", help="review in the browser (local app on 127.0.0.1)"),
                port: int = typer.Option(8765, min=1, max=65535, help="port for --web"),
                no_open: bool = typer.Option(False, "--no-open", help="with --web: do not open a browser"),
                as_json: bool = typer.Option(False, "--json", help="print the ranked themes and review state as "
                                                                   "JSON")) -> None:
    """Show ranked themes with their quotes (file, speaker, timestamp), or review them in the browser.

    Example: synth review -w .synth-demo pin pain-2   (or: synth review --web --no-open -w .synth-demo)
    """
    if ctx.invoked_subcommand is not None:
        return
    if web:
        _serve(workspace, port, no_open)
        return
    with open_workspace(workspace) as ws:
        check_review_file(ws)
        ts = _reassemble(ws)
        if as_json:
            _print_review_json(ws.root, ts)
            return
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
                    console.print(f"  [dim]{esc(i)}[/dim] “{esc(ev.quote)}” — {quote_ref(ev)}")
            return
        print_themes(ts, 50, quotes=quotes, ws=ws)
        _print_review_state(ws.root)


def _print_review_json(root: Path, ts, decision: Optional[str] = None) -> None:
    from synth.cli.outputs import ReviewOutput, ReviewState, print_json
    from synth.themes import review_actions as ra
    from synth.themes.review import ReviewError, load_review, review_path

    try:
        rv = load_review(review_path(root))
        state = ReviewState(review_file=str(review_path(root)), version=rv.version, rejected=dict(rv.reject),
                            last_decision=ra.last_decision(root))
    except ReviewError as exc:
        state = ReviewState(review_file=str(review_path(root)), version=0, error=str(exc))
    print_json(ReviewOutput(decision=decision, themes=ts, review=state))


def _print_review_state(root: Path) -> None:
    from synth.themes import review_actions as ra
    from synth.themes.review import ReviewError, load_review, review_path

    try:
        rv = load_review(review_path(root))
    except ReviewError as exc:
        err.print(f"[red]error[/red] {esc(str(exc))}")
        return
    line = f"review.yaml version {rv.version}"
    if rv.reject:
        line += f"; {len(rv.reject)} item(s) rejected: " + ", ".join(
            f"{esc(i)} ({esc(why)})" for i, why in sorted(rv.reject.items()))
    last = ra.last_decision(root)
    if last:
        line += f"; `synth review undo` takes back: {esc(last)}"
    console.print(f"[dim]{line}[/dim]")


@review_app.command("rename")
def review_rename(ctx: typer.Context, theme_id: str, label: str, workspace: Optional[Path] = SubWorkspaceOpt,
        as_json: bool = SubJsonOpt) -> None:
    """Give a theme a label of your own."""
    _decide(ctx, workspace, as_json, "rename", theme_id, label)


@review_app.command("define")
def review_define(ctx: typer.Context, theme_id: str, text: str = typer.Argument("", help="the definition; empty clears it"),
                  workspace: Optional[Path] = SubWorkspaceOpt,
        as_json: bool = SubJsonOpt) -> None:
    """Write what belongs in a theme (shown under its label everywhere)."""
    _decide(ctx, workspace, as_json, "define", theme_id, text)


@review_app.command("merge")
def review_merge(ctx: typer.Context, into: str, sources: List[str], workspace: Optional[Path] = SubWorkspaceOpt,
        as_json: bool = SubJsonOpt) -> None:
    """Merge SOURCES themes into INTO."""
    _decide(ctx, workspace, as_json, "merge", into, list(sources))


@review_app.command("split")
def review_split(ctx: typer.Context, theme_id: str, items: List[str], label: Optional[str] = typer.Option(None),
                 workspace: Optional[Path] = SubWorkspaceOpt,
        as_json: bool = SubJsonOpt) -> None:
    """Split ITEMS (item ids, see `synth review --theme ID`) off THEME_ID into a new theme."""
    _decide(ctx, workspace, as_json, "split", theme_id, list(items), label)


@review_app.command("move")
def review_move(ctx: typer.Context, items: List[str], to: str = typer.Option(..., "--to", help="the theme that gets them"),
                workspace: Optional[Path] = SubWorkspaceOpt,
        as_json: bool = SubJsonOpt) -> None:
    """Move ITEMS (item ids) out of their themes into the theme --to (same category)."""
    _decide(ctx, workspace, as_json, "move", list(items), to)


@review_app.command("reject")
def review_reject(ctx: typer.Context, items: List[str], reason: Optional[str] = typer.Option(None, help="default: 'not a <category>'"),
                  workspace: Optional[Path] = SubWorkspaceOpt,
        as_json: bool = SubJsonOpt) -> None:
    """Reject ITEMS as not a pain / trigger / alternative: they leave every theme and every count."""
    _decide(ctx, workspace, as_json, "reject", list(items), reason)


@review_app.command("pin")
def review_pin(ctx: typer.Context, theme_id: str, workspace: Optional[Path] = SubWorkspaceOpt,
        as_json: bool = SubJsonOpt) -> None:
    """Pin a theme to the top of its category."""
    _decide(ctx, workspace, as_json, "toggle", "pin", theme_id, True)


@review_app.command("unpin")
def review_unpin(ctx: typer.Context, theme_id: str, workspace: Optional[Path] = SubWorkspaceOpt,
        as_json: bool = SubJsonOpt) -> None:
    """Undo a pin."""
    _decide(ctx, workspace, as_json, "toggle", "pin", theme_id, False)


@review_app.command("drop")
def review_drop(ctx: typer.Context, theme_id: str, workspace: Optional[Path] = SubWorkspaceOpt,
        as_json: bool = SubJsonOpt) -> None:
    """Drop a theme from the synthesis (kept in review.yaml, reversible with undrop)."""
    _decide(ctx, workspace, as_json, "toggle", "drop", theme_id, True)


@review_app.command("undrop")
def review_undrop(ctx: typer.Context, theme_id: str, workspace: Optional[Path] = SubWorkspaceOpt,
        as_json: bool = SubJsonOpt) -> None:
    """Bring a dropped theme back."""
    _decide(ctx, workspace, as_json, "toggle", "drop", theme_id, False)


@review_app.command("undo")
def review_undo(ctx: typer.Context, workspace: Optional[Path] = SubWorkspaceOpt,
        as_json: bool = SubJsonOpt) -> None:
    """Take back the last decision (from the CLI or the browser)."""
    _decide(ctx, workspace, as_json, None)
