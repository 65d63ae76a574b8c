"""The shape of the package: one import direction, public names across packages, data shipped as data.

Late (function-level) imports count: a cycle held together by an import inside a function is still a
cycle, and moving that import to the top is exactly what breaks it. So do the parent packages an
import runs: `import synth.extract.schema` first runs `synth/extract/__init__.py`, and whatever that
imports; an edge the source does not spell out is still an edge at load time.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "synth"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PKG.rglob("*.py")}


def _imports(name: str, path: Path, known: set[str]) -> list[tuple[str, list[str]]]:
    """(imported module, names) for every import statement, relative ones resolved."""
    is_pkg = path.name == "__init__.py"
    base = name.split(".") if is_pkg else name.split(".")[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level:
                mod = ".".join(base[:len(base) - node.level + 1] + ([mod] if mod else []))
            names = [a.name for a in node.names]
            # `from synth.icp import rules` imports the submodule synth.icp.rules, not a name of synth.icp
            subs = [n for n in names if f"{mod}.{n}" in known]
            out += [(f"{mod}.{n}", []) for n in subs]
            if len(subs) < len(names):
                out.append((mod, [n for n in names if n not in subs]))
    return out


def _parents(target: str, importer: str, known: set[str]) -> list[str]:
    """The packages whose `__init__` importing `target` runs, less those `importer` already sits in."""
    parts = target.split(".")
    return [p for p in (".".join(parts[:i]) for i in range(1, len(parts)))
            if p in known and not (importer == p or importer.startswith(p + "."))]


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    graph: dict[str, set[str]] = {}
    for m, p in mods.items():
        targets = {i for i, _ in _imports(m, p, known) if i in known and i != m}
        graph[m] = targets | {par for t in targets for par in _parents(t, m, known)}
    return graph


# The order data flows in: a unit (a top-level package or module of synth) imports only units ranked
# before it. Shared vocabulary and storage sit below every stage; the CLI and the entry point on top.
RANKS: tuple[tuple[str, ...], ...] = (
    ("synth",),  # the package root (its __init__ is empty)
    ("synth.controlchars",),
    ("synth.categories",),  # the item types and the categories table: below every stage
    ("synth.models", "synth.numbers", "synth.resources", "synth.csvcell", "synth.workspace_state"),
    ("synth.vocab",),
    ("synth.workspace",),
    ("synth.embed",),
    ("synth.ingest",),
    ("synth.llm",),
    ("synth.extract",),
    ("synth.themes",),
    ("synth.hypotheses",),
    ("synth.icp",),
    ("synth.pipeline",),
    ("synth.report",),
    ("synth.web",),
    ("synth.render",),
    ("synth.cli",),
    ("synth.__main__",),
)
_RANK = {unit: r for r, units in enumerate(RANKS) for unit in units}


def _unit(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _upward(graph: dict[str, set[str]], ranks: dict[str, int]) -> list[str]:
    """Every edge from a unit to another unit not ranked below it (same rank included: two units
    of one rank must not import each other either)."""
    bad = []
    for m in sorted(graph):
        for t in sorted(graph[m]):
            a, b = _unit(m), _unit(t)
            if a != b and ranks[a] <= ranks[b]:
                bad.append(f"{m} -> {t}")
    return bad


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_cycle_finder_sees_a_planted_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_inside_synth():
    assert _cycles(_graph()) == []


def test_every_unit_of_synth_has_a_rank():
    assert sorted({_unit(m) for m in _modules()} - set(_RANK)) == []


def test_imports_point_only_downward_late_imports_and_parent_packages_included():
    assert _upward(_graph(), _RANK) == []


def test_upward_finder_sees_planted_edges(tmp_path):
    ranks = {"synth.llm": 1, "synth.extract": 2, "synth.themes": 3, "synth.models": 0}
    assert _upward({"synth.extract.request": {"synth.llm.caller"}}, ranks) == []
    assert _upward({"synth.llm.caller": {"synth.extract.schema"}}, ranks) == [
        "synth.llm.caller -> synth.extract.schema"]
    # a late import is an import: the parser walks function bodies too
    (tmp_path / "m.py").write_text("def f():\n    from synth.extract.schema import ChunkExtraction\n")
    known = {"synth.extract.schema", "synth.extract"}
    assert [i for i, _ in _imports("synth.llm.m", tmp_path / "m.py", known)] == ["synth.extract.schema"]
    # importing a submodule runs its parent packages' __init__: that is an edge too
    assert _parents("synth.extract.schema", "synth.llm.chunks", known) == ["synth.extract"]
    assert _parents("synth.extract.schema", "synth.extract.request", known) == []


def test_no_module_imports_another_packages_underscore_names():
    mods = _modules()
    known = set(mods)
    bad = []
    for m, p in mods.items():
        own_pkg = m if p.name == "__init__.py" else m.rsplit(".", 1)[0]
        for target, names in _imports(m, p, known):
            if not target.startswith("synth"):
                continue
            target_pkg = target if (PKG.parent / target.replace(".", "/")).is_dir() else target.rsplit(".", 1)[0]
            if target_pkg == own_pkg:
                continue
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            private += [part for part in target.split(".") if part.startswith("_") and part != "__init__"]
            if private:
                bad.append(f"{m} imports {target}: {private}")
    assert bad == []


def test_cli_root_only_attaches_commands():
    """No sub-command module imports the CLI root (that was the cli <-> cli_review cycle)."""
    graph = _graph()
    assert [m for m, deps in graph.items() if "synth.cli" in deps and m != "synth.__main__"] == []


def test_test_helpers_are_not_in_the_runtime_package():
    assert not (PKG / "testing").exists()
    assert not list(PKG.rglob("fake*.py"))


@pytest.mark.parametrize("name", ["extract_v1.md", "label_v1.md", "icp_narrative_v1.md", "prices.yaml",
                                  "local_examples_v2.yaml", "rank_rules_v1.yaml"])
def test_every_data_file_is_read_through_package_resources(name):
    from importlib import resources

    from synth.resources import read_text

    assert (resources.files("synth.prompts") / name).is_file()
    assert read_text(name).strip()
