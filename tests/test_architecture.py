"""The shape of the package: one import direction, public names across packages, data shipped as data.

Late (function-level) imports count: a cycle held together by an import inside a function is still a
cycle, and moving that import to the top is exactly what breaks it.
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


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    return {m: {i for i, _ in _imports(m, p, known) if i in known and i != m} for m, p in mods.items()}


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
