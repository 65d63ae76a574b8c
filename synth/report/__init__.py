"""The report: a self-contained HTML page and a Markdown file from the same data, plus exports.

    from synth.report import write_report
    paths = write_report(Workspace(".synth"), Path(".synth/report"), icp_result=pipeline.icp(ws))

`build_report_data` gathers the data (no LLM, no embedding model), `render_html` and
`render_markdown` turn it into text, `write_exports` writes themes.json and items.csv, and
`exports_schema` documents those two.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel

from synth.controlchars import strip_control
from synth.workspace import Workspace

from .data import build_report_data
from .exports import ItemRow, ThemesExport, exports_schema, write_exports
from .html import render_html
from .markdown import render_markdown
from .model import ReportData

__all__ = ["ReportPaths", "ReportData", "write_report", "build_report_data", "render_html", "render_markdown",
           "write_exports", "exports_schema", "ThemesExport", "ItemRow"]


class ReportPaths(BaseModel):
    html: Path
    markdown: Path
    themes_json: Path
    items_csv: Path
    html_bytes: int


def _write(path: Path, text: str) -> None:
    """Write UTF-8 through a temporary file, so a reader never sees half a report. No control character
    gets in (a label or LLM text with `ESC[2J` would run in the terminal that shows report.md)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(strip_control(text), encoding="utf-8", newline="")
    os.replace(tmp, path)


def write_report(ws: Workspace, out_dir: Path, icp_result: Any = None,
                 embedding_model: Optional[str] = None) -> ReportPaths:
    """Write report.html, report.md, themes.json and items.csv into `out_dir`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = build_report_data(ws, icp_result, embedding_model=embedding_model)
    html = render_html(data)
    _write(out_dir / "report.html", html)
    _write(out_dir / "report.md", render_markdown(data))
    tj, ic = write_exports(ws, out_dir)
    return ReportPaths(html=out_dir / "report.html", markdown=out_dir / "report.md", themes_json=tj, items_csv=ic,
                       html_bytes=len(html.encode("utf-8")))
