"""Fuzzing the restore transform: syntactically varied modules, random names to protect.

The property, for every generated module and every choice of names: the result parses, binds
exactly the names the original bound (in the same branches), keeps every line that holds no
protected name byte for byte and in order, and puts the `noqa` only on lines whose imports
bind protected names.
"""

from __future__ import annotations

import ast
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safefix.bindings import module_bindings
from safefix.restore import protect
from safefix.types import Protection

NAMES = ["alpha", "beta", "gamma", "delta", "eps", "zeta"]
MODULES = ["pkg", "pkg.sub", "os.path", "collections"]


@st.composite
def import_statement(draw: st.DrawFn, indent: str = "") -> str:
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
    aliases = [
        f"{n} as {n}_as" if draw(st.booleans()) and draw(st.booleans()) else n for n in names
    ]
    module = draw(st.sampled_from(MODULES))
    style = draw(
        st.sampled_from(
            ["plain", "from", "relative", "paren", "paren-comments", "continued", "semicolon"]
        )
    )
    if style == "plain":
        return (
            f"{indent}import {', '.join(f'{module}.{a}' if ' as ' in a else a for a in aliases)}\n"
        )
    if style == "from":
        return f"{indent}from {module} import {', '.join(aliases)}\n"
    if style == "relative":
        dots = "." * draw(st.integers(1, 3))
        return (
            f"{indent}from {dots}{draw(st.sampled_from(['', 'sib']))} import {', '.join(aliases)}\n"
        )
    if style == "paren":
        trailing = "," if draw(st.booleans()) else ""
        return f"{indent}from {module} import ({', '.join(aliases)}{trailing})\n"
    if style == "paren-comments":
        inner = "".join(f"{indent}    {a},  # note {i}\n" for i, a in enumerate(aliases))
        return f"{indent}from {module} import (  # opening\n{inner}{indent})\n"
    if style == "continued":
        return (
            f"{indent}from {module} import {aliases[0]}"
            + "".join(f", \\\n{indent}    {a}" for a in aliases[1:])
            + "\n"
        )
    return f"{indent}import os; from {module} import {', '.join(aliases)}; x = 1\n"


@st.composite
def module_source(draw: st.DrawFn) -> str:
    parts = ['"""A module."""\n']
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["import", "if", "try", "def", "class", "assign"]))
        if kind == "import":
            parts.append(draw(import_statement()))
        elif kind == "if":
            parts.append(
                "if COND:\n"
                + draw(import_statement("    "))
                + "else:\n"
                + draw(import_statement("    "))
            )
        elif kind == "try":
            parts.append(
                "try:\n" + draw(import_statement("    ")) + "except ImportError:\n    pass\n"
            )
        elif kind == "def":
            parts.append(
                "@decorator\ndef f(x):  # type: (int) -> int\n"
                + draw(import_statement("    "))
                + "    return x\n"
            )
        elif kind == "class":
            parts.append("class C:\n" + draw(import_statement("    ")) + "    y = 2\n")
        else:
            parts.append("value = 1  # type: int\n")
    return "\n".join(parts)


def imports_at_any_depth(tree: ast.Module) -> list[tuple[ast.Import | ast.ImportFrom, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                found.append((node, alias.asname or alias.name.split(".")[0]))
    return found


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=module_source(), data=st.data())
def test_protect_keeps_everything_else(source: str, data: st.DataObject) -> None:
    tree = ast.parse(source)
    candidates = imports_at_any_depth(tree)
    if not candidates:
        assert protect(source.encode(), []).decode() == source
        return
    chosen = data.draw(
        st.lists(st.sampled_from(candidates), unique_by=lambda c: (id(c[0]), c[1]), max_size=4)
    )
    protections = [
        Protection(node.lineno, node.col_offset, name, frozenset({"F401"})) for node, name in chosen
    ]
    result = protect(source.encode(), protections).decode()

    new_tree = ast.parse(result)  # 1. it parses
    binding = Counter((b.name, b.branch) for b in module_bindings(tree))
    assert (
        Counter((b.name, b.branch) for b in module_bindings(new_tree)) == binding
    )  # 2. same bindings
    assert Counter(name for _, name in imports_at_any_depth(new_tree)) == Counter(
        name for _, name in candidates
    )

    touched: set[int] = set()  # 3. every untouched line kept, in order
    for node, _ in chosen:
        touched.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    kept = [line for number, line in enumerate(source.splitlines(), 1) if number not in touched]
    remaining = iter(result.splitlines())
    assert all(any(line == other for other in remaining) for line in kept), (
        "a line was lost or changed"
    )

    protected = {name for _, name in chosen}  # 4. the noqa only where protected names are bound
    for node, _ in imports_at_any_depth(new_tree):
        line = result.splitlines()[node.lineno - 1]
        if "# noqa: F401" in line and "# noqa: F401" not in source:
            bound = {a.asname or a.name.split(".")[0] for a in node.names}
            statements_on_line = [
                n for n, _ in imports_at_any_depth(new_tree) if n.lineno == node.lineno
            ]
            if len(statements_on_line) == 1:
                assert bound <= protected, (line, protected)
