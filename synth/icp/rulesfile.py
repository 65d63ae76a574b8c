"""Read and write `icp.yaml`. Errors name the file, the line and the field (from YAML node marks).

The writer puts what a human needs beside each value as comments: how the points of a rule were
learned (won/lost counts, weight before rounding, interviews behind it) and why the tier cut-offs
are what they are. Comments are not read back: after a hand edit they would be stale."""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, Optional

import yaml
from pydantic import BaseModel, ValidationError

from .rules import Criterion, IcpRules

_BREAKS = ("\r\n", "\r", "\x85", "\u2028", "\u2029")


class RuleProblem(BaseModel):
    line: Optional[int] = None
    field: str = ""
    message: str


class RulesError(ValueError):
    """A rules file that cannot be used. `problems` lists each one with its line and field."""

    def __init__(self, path: str, problems: list[RuleProblem]):
        self.path = path
        self.problems = problems
        lines = []
        for p in problems:
            where = f"{path}:{p.line}" if p.line else path
            lines.append(f"{where}: {p.field + ': ' if p.field else ''}{p.message}")
        super().__init__("\n".join(lines))


def _loc_text(loc: tuple, data: Any) -> str:
    out, node = "", data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            ident = None
            if isinstance(node, list) and 0 <= part < len(node):
                node = node[part]
                ident = node.get("id") if isinstance(node, dict) else None
            if ident is not None:
                out += f"(id: {ident})"
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _line_of(root: Optional[yaml.Node], loc: tuple, error_type: str) -> Optional[int]:
    """1-based line of the node that `loc` points at; for a missing key, its parent's line."""
    node = root
    key_node = None
    if node is None:
        return None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            hit = next(((k, v) for k, v in node.value
                        if isinstance(k, yaml.ScalarNode) and k.value == str(part)), None)
            if hit is None:
                continue          # a validator's own tag, or a missing key: stay on the parent
            key_node, node = hit
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            key_node, node = None, node.value[part]
    target = key_node if error_type == "extra_forbidden" and key_node is not None else node
    return target.start_mark.line + 1


def _message(err: dict) -> str:
    msg = err["msg"].removeprefix("Value error, ")
    inp = err.get("input")
    if err["type"] not in ("missing", "extra_forbidden") and isinstance(inp, (str, int, float, bool)):
        msg += f" (got {inp!r})"
    return msg


def _duplicate_ids(data: dict, root: yaml.Node) -> list[RuleProblem]:
    problems, seen = [], {}
    for section in ("criteria", "disqualifiers"):
        items = data.get(section)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            ident = item.get("id") if isinstance(item, dict) else None
            if not isinstance(ident, str):
                continue
            if ident in seen:
                problems.append(RuleProblem(
                    line=_line_of(root, (section, i, "id"), "value_error"), field=f"{section}[{i}].id",
                    message=f"duplicate rule id {ident!r} (first used at {seen[ident]})"))
            else:
                seen[ident] = f"{section}[{i}]"
    return problems


def load_rules(path: str | Path) -> IcpRules:
    """Read and validate an `icp.yaml`. Raises `RulesError` naming file, line and field."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise RulesError(name, [RuleProblem(message=f"cannot read the rules file: {e}")]) from e
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        msg = " ".join(str(x) for x in (e.context, e.problem) if x)
        raise RulesError(name, [RuleProblem(line=mark.line + 1 if mark else None,
                                            message=f"not valid YAML: {msg}")]) from e
    except yaml.YAMLError as e:
        raise RulesError(name, [RuleProblem(message=f"not valid YAML: {e}")]) from e
    finally:
        loader.dispose()
    if data is None:
        raise RulesError(name, [RuleProblem(line=1, message="the rules file is empty")])
    if not isinstance(data, dict):
        raise RulesError(name, [RuleProblem(line=1, message="the top level must be a mapping "
                                            "(version, tiers, criteria, ...)")])
    dup = _duplicate_ids(data, root)
    if dup:
        raise RulesError(name, dup)
    try:
        return IcpRules.model_validate(data)
    except ValidationError as e:
        problems = [RuleProblem(line=_line_of(root, tuple(err["loc"]), err["type"]),
                                field=_loc_text(tuple(err["loc"]), data), message=_message(err))
                    for err in e.errors()]
        raise RulesError(name, problems) from None


# --------------------------------------------------------------------------- writer

def _scalar(v: Any) -> str:
    """One YAML flow value (scalar or flow list) that safe_load reads back as `v`. Non-ASCII text
    is written as is, unless it would not read back (line separators...): then it is escaped."""
    for allow_unicode, style in ((True, None), (True, '"'), (False, '"')):
        out = yaml.safe_dump(v, default_flow_style=True, width=1 << 30, allow_unicode=allow_unicode,
                             default_style=style, sort_keys=False)
        if out.endswith("\n...\n"):
            out = out[:-5]
        out = out.rstrip("\n")
        if "\n" not in out and yaml.safe_load(out) == v:
            break
    return out


def _comment(text: str, indent: str, width: int = 96) -> list[str]:
    for b in _BREAKS:
        text = text.replace(b, "\n")
    text = yaml.reader.Reader.NON_PRINTABLE.sub(lambda m: ascii(m.group())[1:-1], text)
    lines: list[str] = []
    for para in text.split("\n"):
        wrapped = textwrap.wrap(para, width=width, break_long_words=False, break_on_hyphens=False)
        lines += [f"{indent}# {w}" for w in wrapped] or [f"{indent}#"]
    return lines


def _criterion(c: Criterion, indent: str) -> list[str]:
    lines = _comment(c.fit.text(), indent) if c.fit is not None else []
    fields = c.model_dump(exclude_none=True)
    first = True
    for key in ("id", "attribute", "field", "op", "value", "points", "label", "evidence"):
        if key not in fields or (key == "evidence" and not fields[key]):
            continue
        lead = f"{indent}- " if first else f"{indent}  "
        lines.append(f"{lead}{key}: {_scalar(fields[key])}")
        first = False
    return lines


HEADER = """\
# synth ICP rules. Edit freely: `synth score` validates this file and names the line of any error.
# score = round(100 * clamp(sum of matched points, 0, P) / P), P = the positive points of all criteria.
# A criterion is unknown for an account without a value for its field (empty cell, or no such column):
# no points; the account's score_max shows what it could reach. A matched disqualifier caps the
# score at disqualifier_cap and the tier at deprioritize.
# ops: between [lo, hi] | gte n | lte n | equals x | in [values] | contains_any [values]
# (contains_any splits the cell on ';', '|' or ','). The comment above a rule says how its points
# were learned; comments are not read back."""


def rules_to_yaml(rules: IcpRules) -> str:
    t = rules.tiers
    out = HEADER.splitlines()
    for note in rules.notes:
        out += _comment(note, "")
    out += [f"version: {_scalar(rules.version)}", "tiers:"]
    if t.reason:
        out += _comment(t.reason, "  ")
    out += [
        f"  high_touch: {t.high_touch}   # score >= {t.high_touch}",
        f"  nurture: {t.nurture}   # {t.nurture} <= score < {t.high_touch}; below: deprioritize",
        f"  target_share: {_scalar(t.target_share)}   # share of scored accounts the top tier should hold",
        f"  nurture_share: {_scalar(t.nurture_share)}   # share in nurture",
        f"  fixed: {_scalar(t.fixed)}   # true: synth keeps high_touch and nurture as written",
        f"disqualifier_cap: {rules.disqualifier_cap}",
        f"column_preset: {rules.column_preset}",
    ]
    if rules.column_map:
        out.append("column_map:   # export header -> field")
        out += [f"  {_scalar(k)}: {_scalar(v)}" for k, v in rules.column_map.items()]
    else:
        out.append("column_map: {}   # export header -> field, on top of column_preset")
    for section in ("criteria", "disqualifiers"):
        items = getattr(rules, section)
        if not items:
            out.append(f"{section}: []")
            continue
        out.append(f"{section}:")
        for c in items:
            out += _criterion(c, "  ")
    return "\n".join(out) + "\n"


def dump_rules(rules: IcpRules, path: str | Path) -> Path:
    """Write `rules` as a commented YAML file that `load_rules` reads back unchanged."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(rules_to_yaml(rules), encoding="utf-8")
    tmp.replace(p)
    return p
