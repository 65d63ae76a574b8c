"""`synth schema`: the JSON schema of synth's artifacts, for tools that consume them."""
from __future__ import annotations

import json

import typer

from synth.render import err


def schema(what: str = typer.Argument("all", help="all, extraction, transcript, accounts, exports, or a "
                                                 "command (ingest, extract, themes, icp, score, report, review, "
                                                 "run) for the shape of its --json output")) -> None:
    """Print the JSON schema of synth's artifacts and of every command's --json output.

    Example: synth schema run > run.schema.json
    """
    from synth.cli.outputs import COMMAND_OUTPUTS
    from synth.models import export_schema
    from synth.report import exports_schema

    if what == "exports":
        print(json.dumps(exports_schema(), indent=2))
        return
    if what in COMMAND_OUTPUTS:
        print(json.dumps(COMMAND_OUTPUTS[what].model_json_schema(), indent=2))
        return
    full = export_schema()
    if what == "all":
        print(json.dumps(full, indent=2))
        return
    key = {"extraction": "Extraction", "transcript": "Transcript", "accounts": "AccountRow"}.get(what)
    if key is None:
        err.print(f"[red]error[/red] unknown schema {what!r}: choose all, extraction, transcript, accounts, exports, "
                  f"or one of the commands {', '.join(COMMAND_OUTPUTS)}")
        raise typer.Exit(2)
    print(json.dumps(full["definitions"][key], indent=2))
