"""Options shared by several commands, declared once (simonw/llm's `tool_options` pattern).

`llm_options` gives every command that may call a model the same provider flags and hands the
command one resolved `ProviderConfig` (or None: offline) instead of six loose values.
"""
from __future__ import annotations

import functools
import inspect
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

import typer

from synth.llm.providers import defaults_help, mode_choices, provider_choices

if TYPE_CHECKING:  # the CLI root must load without pydantic models, numpy or SQLite helpers (start-up time)
    from synth.llm.provider import ProviderConfig
    from synth.workspace import Workspace

WorkspaceOpt = typer.Option(Path(".synth"), "--workspace", "-w", help="workspace folder (holds synth.db)")


def open_workspace(path: Path, lock: Optional[str] = None) -> Workspace:
    """The workspace at `path`; `lock` (the command's name) takes the run lock for a command that
    spends LLM calls or rewrites stages, waiting with a message while another run holds it."""
    from synth.render import err, esc
    from synth.workspace import Workspace

    ws = Workspace(path)
    if lock:
        note = ws.lock_runs(lock, on_wait=lambda msg: err.print(f"[yellow]waiting[/yellow] {esc(msg)}"))
        if note:
            err.print(f"[yellow]warning[/yellow] {esc(note)}")
    return ws


def check_review_file(ws: Workspace) -> None:
    """A review.yaml that cannot be read stops the command before any work, naming file and line (the
    root group makes the ReviewFileError exit 2), instead of a result that silently ignores it."""
    from synth.themes.review import load_review, review_path

    load_review(review_path(ws.root))


# name -> (annotation, typer.Option): the flags every LLM-using command takes; the choices and
# defaults they state come from the provider table (synth/llm/providers.py, standard library only)
_LLM_FLAGS: dict[str, tuple[object, object]] = {
    "model": (Optional[str], typer.Option(None, help="model name (env SYNTH_MODEL)")),
    "base_url": (Optional[str], typer.Option(None, help="OpenAI-compatible base URL (env OPENAI_BASE_URL)")),
    "provider": (Optional[str], typer.Option(None, help=f"{provider_choices()} (default: guessed from the "
                                                        "base URL)")),
    "mode": (Optional[str], typer.Option(None, help=f"how to ask for structure: auto (probe once), "
                                                    f"{mode_choices()}")),
    "timeout": (Optional[float], typer.Option(None, min=1, help="seconds per LLM call (env/config timeout_s; "
                                                                f"default {defaults_help('timeout_s')})")),
    "max_tokens": (Optional[int], typer.Option(None, min=16, help="cap on every reply (default: from chunk "
                                                                  "and schema)")),
    "concurrency": (Optional[int], typer.Option(None, min=1, max=256, help="LLM calls in flight, for every call "
                                                                          "of the command (env/config concurrency; "
                                                                          f"default {defaults_help('concurrency')})")),
    "config": (Optional[Path], typer.Option(None, help="synth.yaml with an `llm:` section")),
    "offline": (bool, typer.Option(False, "--offline", help="no LLM: local extractor, deterministic labels")),
}


def resolve_llm(model: Optional[str] = None, base_url: Optional[str] = None, provider: Optional[str] = None,
                mode: Optional[str] = None, timeout: Optional[float] = None, max_tokens: Optional[int] = None,
                concurrency: Optional[int] = None, config: Optional[Path] = None,
                offline: bool = False) -> Optional[ProviderConfig]:
    if offline:
        return None
    from synth.llm.provider import resolve_provider

    try:
        return resolve_provider(model=model, base_url=base_url, provider=provider, mode=mode, timeout=timeout,
                                max_tokens=max_tokens, concurrency=concurrency, config_file=config)
    except ValueError as exc:  # an unknown --mode / provider name: a usage error, not a traceback
        raise typer.BadParameter(_first_error(exc)) from None


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        e = errors()[0]
        return f"{'.'.join(str(x) for x in e['loc'])}: {e['msg'].removeprefix('Value error, ')}"
    return str(exc)


def llm_options(fn: Callable) -> Callable:
    """Add the provider flags to a typer command; the command receives `llm: Optional[ProviderConfig]`."""
    sig = inspect.signature(fn)
    kept = [p for p in sig.parameters.values() if p.name != "llm"]
    added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=opt, annotation=ann)
             for name, (ann, opt) in _LLM_FLAGS.items()]

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        flags = {name: kwargs.pop(name) for name in _LLM_FLAGS}
        return fn(*args, llm=resolve_llm(**flags), **kwargs)

    wrapper.__signature__ = sig.replace(parameters=[*kept, *added])  # type: ignore[attr-defined]
    return wrapper
