"""The one cell writer for every CSV synth writes (items.csv, scores CSV, any other).

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (`=HYPERLINK(...)`,
`+cmd|' /C calc'!A0`, `@SUM(1+1)`), and some also after a leading tab, carriage return or line feed, or
after leading spaces; full-width `＝＋－＠` count too in East Asian locales. Such a text cell gets a
leading apostrophe (OWASP's CSV-injection advice), which spreadsheets read as "this is text".

Numbers stay numbers: an int or float is written as is, and so is a text cell that is a plain number
("-12", "+3.5", "1e6"), since a spreadsheet reads it as that number and runs nothing.
"""
from __future__ import annotations

import numbers
import re
from typing import Iterable

from synth.controlchars import strip_control

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_cell(value: object) -> object:
    """`value` made safe for a CSV cell: None -> "", bools -> "true"/"false", numbers unchanged,
    text that a spreadsheet would run as a formula -> the same text after an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Number):  # numpy scalars too
        return value
    s = strip_control(str(value))  # a cat or a terminal spreadsheet would run an ESC sequence
    if s.lstrip(" ").startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(s):
        return "'" + s
    return s


def csv_row(values: Iterable[object]) -> list[object]:
    """Every cell of one row through `csv_cell`."""
    return [csv_cell(v) for v in values]
