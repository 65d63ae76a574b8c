"""`synth doctor`: is the LLM endpoint up, does it serve the model, and how does it take structured requests?

Tries every way of asking for structure with one tiny request each (synth/llm/probe.py), prints what
each did, and stores the first that works for this (base URL, model) in the workspace, where
`synth extract` finds it. Exit 0 when a mode works, 1 when none does or the endpoint is down.
"""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.table import Table

from synth.cli.options import WorkspaceOpt, llm_options, open_workspace
from synth.render import console, err, esc

if TYPE_CHECKING:
    from synth.llm.caller import LlmCaller
    from synth.llm.probe import ProbeResult


async def _check(caller: LlmCaller) -> tuple[Optional[list[str]], ProbeResult]:
    from synth.llm.modes import PROBE_ORDER

    models: Optional[list[str]] = None
    try:
        models = [m.id async for m in caller.http.models.list()]
    except Exception:  # noqa: BLE001 - some servers have no /models; the probe below is what counts
        models = None
    only = caller.cfg.mode  # --mode: check just that one
    return models, await caller.probe(every_mode=True, order=(only,) if only else PROBE_ORDER)


def _run(cfg, ws) -> tuple[Optional[list[str]], ProbeResult]:
    from synth.llm.caller import LlmCaller

    async def go():
        async with LlmCaller(cfg, ws, concurrency=1) as caller:
            return await _check(caller)
    return asyncio.run(go())


def one_line(detail: str, limit: int = 90) -> str:
    """A trial's detail as one line: a validation error by its first complaint, whitespace collapsed."""
    s = " ".join(detail.replace("\\n", " ").replace("\\'", "'").split())
    for marker in ("'msg': ", "validation error", "Error code: "):
        if marker in s:
            s = s[s.index(marker):]
            break
    return s if len(s) <= limit else s[:limit - 1] + "…"


@llm_options
def doctor(workspace: Path = WorkspaceOpt, as_json: bool = typer.Option(False, "--json"), llm=None) -> None:
    """Check the LLM endpoint: reachable, model served, which way of asking for structure it takes.

    Example: synth doctor --base-url http://127.0.0.1:8080/v1 --model local -w .synth-study
    """
    from synth.llm.caller import FatalProviderError

    if llm is None:
        err.print("[red]error[/red] no LLM configured: set OPENAI_BASE_URL (a local server) or OPENAI_API_KEY, "
                  "or pass --base-url")
        raise typer.Exit(1)
    with open_workspace(workspace) as ws:
        try:
            models, res = _run(llm, ws)
        except FatalProviderError as exc:
            err.print(f"[red]fatal[/red] {esc(str(exc))}")
            raise typer.Exit(1)
    if as_json:
        print(json.dumps({"models": models, **json.loads(res.model_dump_json())}, indent=2))
        raise typer.Exit(0 if res.mode else 1)
    if models is not None and llm.model not in models and len(models) > 0:
        err.print(f"[yellow]note[/yellow] the server lists {esc(', '.join(models[:5]))}; asked for "
                  f"{esc(llm.model)} (llama-cpp-python and LM Studio serve their loaded model whatever the name)")
    table = Table(title=f"structured requests at {esc(res.base_url)} ({esc(llm.model)})")
    for col in ("mode", "result", "HTTP", "seconds"):
        table.add_column(col, no_wrap=True)
    table.add_column("detail", no_wrap=True, overflow="ellipsis", max_width=90)  # one line per mode
    for t in res.trials:
        colour = {"ok": "green", "unparsed": "yellow", "rejected": "red", "error": "red"}[t.outcome]
        table.add_row(t.mode.value, f"[{colour}]{t.outcome}[/{colour}]", str(t.status or ""),
                      f"{t.latency_s:.1f}", esc(one_line(t.detail)))
    console.print(table)
    w = esc(str(workspace))
    console.print(f"[b]{esc(res.note())}[/b]" + (f" (stored in workspace {w}: `synth extract -w {w}` and "
                                                 f"`synth run ... -w {w}` use it without probing)"
                                                 if res.mode else ""))
    raise typer.Exit(0 if res.mode else 1)
