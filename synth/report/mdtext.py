"""Markdown escaping for untrusted text (see synth.report.markdown), shared by every Markdown section."""
from __future__ import annotations

import re
from typing import Iterable

_MD_PUNCT = re.compile(r"([\\`*_\[\]#|~])")
_WS = re.compile(r"[\s\u2028\u2029]+")


def md(text: object) -> str:
    """Inline-safe Markdown for untrusted text."""
    s = _WS.sub(" ", str(text)).strip()
    s = _MD_PUNCT.sub(r"\\\1", s)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def table(header: list[str], rows: Iterable[list[object]], right: Iterable[int] = ()) -> list[str]:
    """A GFM table; cells are escaped with `md` (which escapes `|`)."""
    right = set(right)
    out = ["| " + " | ".join(md(h) for h in header) + " |",
           "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"]
    out += ["| " + " | ".join(md(c) if c not in (None, "") else "–" for c in r) + " |" for r in rows]
    return out + [""]
