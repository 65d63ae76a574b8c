"""synth command line. This root only attaches commands; each lives in its own module of this package
and none imports this one (instructor's `cli/cli.py` shape).

Exit codes: 0 all ok, 1 some inputs failed, 2 usage error (typer's own).
"""
from __future__ import annotations

import typer
import typer.core

from synth import __version__
from synth.cli.doctor import doctor
from synth.cli.errors import SynthGroup
from synth.cli.extract import extract
from synth.cli.hypotheses import hypotheses, saturation
from synth.cli.icp import icp, score
from synth.cli.ingest import ingest
from synth.cli.report import report
from synth.cli.review import review_app
from synth.cli.run import run
from synth.cli.schema import schema
from synth.cli.speakers import speakers
from synth.cli.themes import themes
from synth.render import console


def _flag_type(self, ctx):
    """typer 0.29 prints `<bool>` after every flag (`--json <bool>`, even `--help <bool>`), as if it took a
    value; a flag takes none, so it shows no type (llm, ruff and gh print flags bare)."""
    return None if self.is_flag else _option_type(self, ctx)


_option_type = typer.core.TyperOption.display_type_rich
typer.core.TyperOption.display_type_rich = _flag_type

app = typer.Typer(cls=SynthGroup, add_completion=False, no_args_is_help=True, rich_markup_mode="rich",
                  help="Turn customer-interview transcripts into grounded evidence, ranked themes "
                       "and an ICP scorer.")


def _version(value: bool) -> None:
    if value:
        console.print(f"synth {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="print the version and exit")) -> None:
    """synth: interview synthesis for B2B go-to-market teams."""


# in the order data flows
for command in (ingest, speakers, extract, themes, hypotheses, saturation, icp, score, report, run, schema, doctor):
    app.command()(command)
app.add_typer(review_app, name="review")
