"""Tests about the tests: every test asserts something about outputs.

A test that only runs code (or only checks an exit code) passes whatever the output is. This reads
every test module's source (AST, no import) and requires each `test_*` function to

* assert something: an `assert`, `pytest.raises` / `pytest.warns` / `pytest.fail`, or a call to a
  helper that does (helpers anywhere under tests/, followed transitively by name);
* not only compare exit codes: a test whose every assertion is about `returncode` / `exit_code`
  must check output as well;
* not `return` early from its body: a property test that returns before asserting passes on
  exactly the inputs it was meant to check (a `return` inside a nested function is fine).
"""
from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
RAISES = {"raises", "warns", "fail", "deprecated_call"}
EXIT_NAMES = {"returncode", "exit_code", "rc"}


def _modules() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text(encoding="utf-8"), filename=str(p))
            for p in sorted(TESTS.rglob("*.py")) if "fixtures" not in p.parts}


def _called_names(fn: ast.AST) -> set[str]:
    out = set()
    for node in ast.walk(fn):  # nested helpers and lambdas count: they run inside the test
        if isinstance(node, ast.Call):
            f = node.func
            out.add(f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else "")
    return out - {""}


def _asserts_directly(fn: ast.AST) -> bool:
    for node in ast.walk(fn):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Attribute) and node.attr in RAISES and isinstance(node.value, ast.Name) \
                and node.value.id == "pytest":
            return True
        if isinstance(node, ast.Raise) and node.exc is not None and "AssertionError" in ast.unparse(node.exc):
            return True
    return False


def _asserting_functions(mods: dict[Path, ast.Module]) -> set[str]:
    """Names of every function under tests/ that asserts, directly or through another such function."""
    funcs: dict[str, list[ast.AST]] = {}
    for tree in mods.values():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                funcs.setdefault(node.name, []).append(node)
    asserting = {name for name, defs in funcs.items() if any(_asserts_directly(d) for d in defs)}
    changed = True
    while changed:
        changed = False
        for name, defs in funcs.items():
            if name not in asserting and any(_called_names(d) & asserting for d in defs):
                asserting.add(name)
                changed = True
    return asserting


def _only_exit_codes(fn: ast.AST) -> bool:
    asserts = [n for n in ast.walk(fn) if isinstance(n, ast.Assert)]
    if not asserts:
        return False
    for a in asserts:
        names = {n.attr if isinstance(n, ast.Attribute) else n.id for n in ast.walk(a.test)
                 if isinstance(n, (ast.Attribute, ast.Name))}
        if not names & EXIT_NAMES or names - EXIT_NAMES - {"res", "result", "proc", "r", "p", "out"}:
            return False
    return True


def _tests(mods: dict[Path, ast.Module]):
    for path, tree in mods.items():
        if not path.name.startswith("test_"):
            continue
        for node in tree.body:
            defs = [node] if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else \
                [n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))] \
                if isinstance(node, ast.ClassDef) and node.name.startswith("Test") else []
            for fn in defs:
                if fn.name.startswith("test_"):
                    yield f"{path.relative_to(TESTS.parent)}:{fn.lineno} {fn.name}", fn


def test_every_test_asserts_something_about_outputs():
    mods = _modules()
    asserting = _asserting_functions(mods)
    silent, exit_only = [], []
    for where, fn in _tests(mods):
        if not (_asserts_directly(fn) or _called_names(fn) & asserting):
            silent.append(where)
        elif _only_exit_codes(fn) and not (_called_names(fn) & asserting):
            exit_only.append(where)
    assert not silent, "tests that assert nothing:\n" + "\n".join(silent)
    assert not exit_only, "tests that only check an exit code:\n" + "\n".join(exit_only)


def _early_returns(fn: ast.AST) -> list[int]:
    """Line numbers of `return`s not preceded, in their own block or an enclosing one, by an assertion
    ("if not pos: assert auc is None; return" is fine; "if not pos: return" is not)."""
    bad: list[int] = []

    def block(stmts: list, asserted: bool) -> None:
        for st in stmts:
            if isinstance(st, ast.Return) and not asserted:
                bad.append(st.lineno)
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(st, field, None)
                if isinstance(inner, list):
                    block(inner, asserted)
            for h in getattr(st, "handlers", []) or []:
                block(h.body, asserted)
            asserted = asserted or _asserts_directly(st)

    block(fn.body, False)
    return bad


def test_no_test_returns_early():
    mods = _modules()
    early = [f"{where} (line {', '.join(map(str, lines))})" for where, fn in _tests(mods)
             if (lines := _early_returns(fn))]
    assert not early, "tests with a `return` in their body (they pass without checking):\n" + "\n".join(early)


def test_the_checks_themselves_can_fail():
    """The AST checks flag what they should, on made-up sources."""
    src = ast.parse(
        "def helper(x):\n    assert x\n"
        "def test_silent():\n    run()\n"
        "def test_via_helper():\n    helper(1)\n"
        "def test_exit_only():\n    res = run()\n    assert res.returncode == 0\n"
        "def test_returns(x):\n    if x:\n        return\n    assert x\n"
        "def test_raises():\n    with pytest.raises(ValueError):\n        run()\n")
    mods = {TESTS / "test_fake.py": src}
    asserting = _asserting_functions(mods)
    fns = {fn.name: fn for _, fn in _tests(mods)}
    assert not (_asserts_directly(fns["test_silent"]) or _called_names(fns["test_silent"]) & asserting)
    assert _called_names(fns["test_via_helper"]) & asserting
    assert _only_exit_codes(fns["test_exit_only"])
    assert not _only_exit_codes(fns["test_returns"])
    assert _early_returns(fns["test_returns"]) == [12]
    ok = ast.parse("def test_ok(x):\n    if not x:\n        assert f(x) is None\n        return\n    assert f(x)\n")
    assert _early_returns(ok.body[0]) == []
    assert _asserts_directly(fns["test_raises"])
