"""`synth schema`: the JSON schema of synth's artifacts, for tools that consume them."""
from __future__ import annotations

import json

import typer

from synth.models import export_schema
from synth.render import err
from synth.report import exports_schema


def schema(what: str = typer.Argument("all", help="all, extraction, transcript, accounts, exports")) -> None:
    """Print the JSON schema of synth's artifacts (for tools that consume them)."""
    if what == "exports":
        print(json.dumps(exports_schema(), indent=2))
        return
    full = export_schema()
    if what == "all":
        print(json.dumps(full, indent=2))
        return
    key = {"extraction": "Extraction", "transcript": "Transcript", "accounts": "AccountRow"}.get(what)
    if key is None:
        err.print(f"[red]error[/red] unknown schema {what!r}: choose all, extraction, transcript, accounts, exports")
        raise typer.Exit(2)
    print(json.dumps(full["definitions"][key], indent=2))
