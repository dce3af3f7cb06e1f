"""Which module-level names did ruff's fixes take away, branch by branch?

A name can vanish in three ways that all break a consumer: its import is deleted, it is moved
under `if TYPE_CHECKING:` (bound for type checkers only), or it is dropped from one arm of a
`try/except ImportError` or `if/else` while the other arm still binds it. So bindings are
compared per branch, and a branch counts as still served when the name is bound in it or in
any enclosing branch after the fix.

This is a screen over every file ruff changed, so it uses `ast` (fast) rather than libcst;
libcst is kept for the files that get an edit.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import cast

from safefix.types import TYPE_CHECKING_SEGMENT, Binding, Branch, Removal


def parse(source: bytes, filename: str = "<unknown>") -> ast.Module:
    """Parse source bytes; raises SyntaxError (also for undecodable bytes)."""
    try:
        return ast.parse(source, filename=filename, type_comments=False)
    except ValueError as exc:  # e.g. null bytes
        raise SyntaxError(str(exc)) from exc


def module_bindings(tree: ast.Module, source_lines: Sequence[str] = ()) -> list[Binding]:
    """Every name the module body binds, with its branch and whether it exists at runtime."""
    return list(_walk(tree.body, (), True, source_lines))


def _walk(
    body: Sequence[ast.stmt], branch: Branch, runtime: bool, lines: Sequence[str]
) -> Iterator[Binding]:
    for stmt in body:
        for name, kind in _bound_names(stmt):
            yield Binding(
                name=name,
                branch=branch,
                runtime=runtime,
                line=stmt.lineno,
                col=stmt.col_offset,
                end_line=stmt.end_lineno or stmt.lineno,
                kind=kind,
                statement=_statement_text(stmt, lines),
            )
        for arm, arm_body, arm_runtime in _arms(stmt):
            yield from _walk(arm_body, (*branch, arm), runtime and arm_runtime, lines)


def _bound_names(stmt: ast.stmt) -> Iterator[tuple[str, str]]:
    if isinstance(stmt, ast.Import):
        for alias in stmt.names:
            yield (alias.asname or alias.name.split(".")[0]), "import"
    elif isinstance(stmt, ast.ImportFrom):
        for alias in stmt.names:
            if alias.name != "*":
                yield (alias.asname or alias.name), "import"
    elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        yield stmt.name, "def"
    elif isinstance(stmt, ast.ClassDef):
        yield stmt.name, "class"
    elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
            return  # a bare annotation binds nothing at runtime
        for target in targets:
            for node in ast.walk(target):
                if isinstance(node, ast.Name):
                    yield node.id, "assign"
    elif isinstance(stmt, (ast.For, ast.AsyncFor)):
        for node in ast.walk(stmt.target):
            if isinstance(node, ast.Name):
                yield node.id, "assign"
    elif isinstance(stmt, (ast.With, ast.AsyncWith)):
        for item in stmt.items:
            if item.optional_vars is not None:
                for node in ast.walk(item.optional_vars):
                    if isinstance(node, ast.Name):
                        yield node.id, "assign"


def _arms(stmt: ast.stmt) -> Iterator[tuple[str, Sequence[ast.stmt], bool]]:
    """The nested bodies of a compound statement, each named stably across ruff's edits."""
    if isinstance(stmt, ast.If):
        test = ast.unparse(stmt.test)
        if _is_type_checking(stmt.test):
            yield TYPE_CHECKING_SEGMENT, stmt.body, False
            yield "if not TYPE_CHECKING", stmt.orelse, True
        else:
            yield f"if {test}", stmt.body, True
            yield f"else of {test}", stmt.orelse, True
    elif isinstance(stmt, _TRY):
        trial = cast(ast.Try, stmt)  # ast.TryStar has the same fields
        yield "try", trial.body, True
        for handler in trial.handlers:
            caught = ast.unparse(handler.type) if handler.type is not None else ""
            yield f"except {caught}".rstrip(), handler.body, True
        yield "try-else", trial.orelse, True
        yield "finally", trial.finalbody, True
    elif isinstance(stmt, (ast.With, ast.AsyncWith)):
        items = ", ".join(ast.unparse(item.context_expr) for item in stmt.items)
        yield f"with {items}", stmt.body, True
    elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
        head = ast.unparse(stmt.iter if not isinstance(stmt, ast.While) else stmt.test)
        yield f"loop {head}", stmt.body, True
        yield f"loop-else {head}", stmt.orelse, True
    elif isinstance(stmt, ast.Match):
        subject = ast.unparse(stmt.subject)
        for case in stmt.cases:
            yield f"match {subject} case {ast.unparse(case.pattern)}", case.body, True


_TRY: tuple[type[ast.stmt], ...] = (ast.Try, *([ast.TryStar] if hasattr(ast, "TryStar") else []))


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _statement_text(stmt: ast.stmt, lines: Sequence[str]) -> str:
    if not lines:
        return ""
    last = (
        (stmt.end_lineno or stmt.lineno)
        if isinstance(stmt, (ast.Import, ast.ImportFrom))
        else stmt.lineno
    )
    text = " ".join(line.strip() for line in lines[stmt.lineno - 1 : last])
    return text.replace("( ", "(").replace(" )", ")")


def lost_bindings(before: Sequence[Binding], after: Sequence[Binding]) -> list[Binding]:
    """The runtime bindings of `before` that no longer serve their branch in `after`.

    For each (name, branch) only the last binding site is returned: it is the one whose value
    a consumer saw.
    """
    served = {(b.name, b.branch) for b in after if b.runtime}

    def still_served(binding: Binding) -> bool:
        branch = binding.branch
        return any((binding.name, branch[:depth]) in served for depth in range(len(branch) + 1))

    lost: dict[tuple[str, Branch], Binding] = {}
    for binding in before:
        if binding.runtime and not still_served(binding):
            lost[(binding.name, binding.branch)] = binding
    return list(lost.values())


def find_removals(path: Path, module: str, before: bytes, after: bytes) -> list[Removal]:
    """Removals between two versions of one file; raises SyntaxError if either does not parse."""
    old_lines = before.decode("utf-8", errors="replace").splitlines()
    old = module_bindings(parse(before, str(path)), old_lines)
    new = module_bindings(parse(after, str(path)))
    return [
        Removal(
            path=path,
            module=module,
            name=b.name,
            line=b.line,
            col=b.col,
            branch=b.branch,
            kind=b.kind,
            statement=b.statement,
        )
        for b in lost_bindings(old, new)
    ]


def has_literal_all(tree: ast.Module) -> bool:
    """Whether the module body assigns `__all__` a literal list or tuple of strings."""
    return _literal_all_index(tree.body) is not None


def _literal_all_index(body: Sequence[ast.stmt]) -> int | None:
    for index, stmt in enumerate(body):
        target, value = _assignment(stmt)
        if (
            target == "__all__"
            and isinstance(value, (ast.List, ast.Tuple))
            and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts)
        ):
            return index
    return None


def _assignment(stmt: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        return (target.id if isinstance(target, ast.Name) else None), stmt.value
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id, stmt.value
    return None, None
