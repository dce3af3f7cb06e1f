"""What a module binds at its top level, branch by branch, and which bindings a fix lost.

A branch is one arm of an `if`/`else` or `try`/`except` (`types.Branch`); a name bound under
`if TYPE_CHECKING:` exists for type checkers only. Used with `ast` (fast) on every file ruff
changed, and again on what safefix writes.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from typing import cast

from safefix.types import TYPE_CHECKING_SEGMENT, Binding, Branch


class Unanalysable(SyntaxError):
    """A file Python's parser gives up on although it may be valid (3,000 nested lambdas run
    the parser out of memory or recursion): treated like a file that does not parse."""


UNANALYSABLE = "file could not be analysed: kept everything it might consume"


def parse(source: bytes | str, filename: str = "<unknown>") -> ast.Module:
    """Parse source; raises SyntaxError (also for undecodable bytes, and as `Unanalysable`
    where the parser runs out of recursion or memory: never a crash of the whole run)."""
    try:
        return ast.parse(source, filename=filename, type_comments=False)
    except ValueError as exc:  # e.g. null bytes
        raise SyntaxError(str(exc)) from exc
    except (RecursionError, MemoryError) as exc:
        raise Unanalysable(f"{filename}: {UNANALYSABLE} ({type(exc).__name__})") from None


def module_bindings(tree: ast.Module, source_lines: Sequence[str] = ()) -> list[Binding]:
    """Every name the module body binds, with its branch and whether it exists at runtime."""
    return list(_walk(tree.body, (), True, source_lines))


def _walk(
    body: Sequence[ast.stmt], branch: Branch, runtime: bool, lines: Sequence[str]
) -> Iterator[Binding]:
    for stmt in body:
        for name, kind, source in bound_names(stmt):
            yield Binding(
                name=name,
                branch=branch,
                runtime=runtime,
                line=stmt.lineno,
                col=stmt.col_offset,
                end_line=stmt.end_lineno or stmt.lineno,
                kind=kind,
                statement=statement_text(stmt, lines),
                source=source,
            )
        for arm, arm_body, arm_runtime in _arms(stmt):
            yield from _walk(arm_body, (*branch, arm), runtime and arm_runtime, lines)


def bound_names(stmt: ast.stmt) -> Iterator[tuple[str, str, str | None]]:
    """(name, kind, source) for each name `stmt` binds; source is `module:attr` for imports."""
    if isinstance(stmt, ast.Import):
        for alias in stmt.names:
            yield (alias.asname or alias.name.split(".")[0]), "import", alias.name
    elif isinstance(stmt, ast.ImportFrom):
        module = "." * stmt.level + (stmt.module or "")
        for alias in stmt.names:
            if alias.name != "*":
                yield (alias.asname or alias.name), "import", f"{module}:{alias.name}"
    elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        yield stmt.name, "def", None
    elif isinstance(stmt, ast.ClassDef):
        yield stmt.name, "class", None
    elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
            return  # a bare annotation binds nothing at runtime
        for target in targets:
            for node in ast.walk(target):
                if isinstance(node, ast.Name):
                    yield node.id, "assign", None
    elif isinstance(stmt, (ast.For, ast.AsyncFor)):
        for node in ast.walk(stmt.target):
            if isinstance(node, ast.Name):
                yield node.id, "assign", None
    elif isinstance(stmt, (ast.With, ast.AsyncWith)):
        for item in stmt.items:
            if item.optional_vars is not None:
                for node in ast.walk(item.optional_vars):
                    if isinstance(node, ast.Name):
                        yield node.id, "assign", None


def _arms(stmt: ast.stmt) -> Iterator[tuple[str, Sequence[ast.stmt], bool]]:
    """The nested bodies of a compound statement, each named stably across ruff's edits."""
    if isinstance(stmt, ast.If):
        test = ast.unparse(stmt.test)
        if is_type_checking(stmt.test):
            yield TYPE_CHECKING_SEGMENT, stmt.body, False
            yield "if not TYPE_CHECKING", stmt.orelse, True
        else:
            yield f"if {test}", stmt.body, True
            yield f"else of {test}", stmt.orelse, True
    elif isinstance(stmt, TRY_STATEMENTS):
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


TRY_STATEMENTS: tuple[type[ast.stmt], ...] = (
    ast.Try,
    *([ast.TryStar] if hasattr(ast, "TryStar") else []),
)


def is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def statement_text(stmt: ast.stmt, lines: Sequence[str]) -> str:
    if not lines:
        return ""
    last = (
        (stmt.end_lineno or stmt.lineno)
        if isinstance(stmt, (ast.Import, ast.ImportFrom))
        else stmt.lineno
    )
    text = " ".join(line.strip() for line in lines[stmt.lineno - 1 : last])
    return text.replace("( ", "(").replace(" )", ")")


#: Modules whose same-named exports ruff's rewrites (UP035 and friends) treat as one object.
_INTERCHANGEABLE = frozenset(
    {"typing", "typing_extensions", "collections", "collections.abc", "contextlib", "re", "types"}
)


def same_object(old: str | None, new: str | None) -> bool:
    """Whether two import sources (`module:attr`) bind the same object as far as safefix knows."""
    if old == new:
        return True
    if old is None or new is None or ":" not in old or ":" not in new:
        return False
    (old_module, old_attr), (new_module, new_attr) = old.split(":", 1), new.split(":", 1)
    return old_attr == new_attr and {old_module, new_module} <= _INTERCHANGEABLE


def _same_package(name: str, old: str | None, new: str | None) -> bool:
    """`import pkg.sub` and `import pkg` both bind `pkg` to the package (what losing the
    first loses is the attribute `pkg.sub`: `lost_imports.py`)."""
    return all(
        source is not None and ":" not in source and source.split(".")[0] == name
        for source in (old, new)
    )


def lost_bindings(before: Sequence[Binding], after: Sequence[Binding]) -> list[Binding]:
    """The runtime bindings of `before` that no longer serve their branch in `after`.

    A binding is lost when nothing binds the name in its branch or an enclosing one, or when
    the branch now binds it to another object (`from a import X` replaced by `from b import X`).
    Of several sites in one branch, the first that imports the object consumers saw is
    returned: keeping it lets ruff drop the redundant rest.
    """
    served = {(b.name, b.branch) for b in after if b.runtime}
    final_source = {(b.name, b.branch): b.source for b in after if b.runtime}

    def still_served(binding: Binding) -> bool:
        branch = binding.branch
        return any((binding.name, branch[:depth]) in served for depth in range(len(branch) + 1))

    sites: dict[tuple[str, Branch], list[Binding]] = {}
    for binding in before:
        if binding.runtime:
            sites.setdefault((binding.name, binding.branch), []).append(binding)
    lost: list[Binding] = []
    for key, group in sites.items():
        seen = group[-1]
        if not still_served(seen):
            lost.append(next(b for b in group if b.source == seen.source))
        elif (
            key in final_source
            and seen.kind == "import"
            and not same_object(seen.source, final_source[key])
            and not _same_package(key[0], seen.source, final_source[key])
        ):
            lost.append(seen)
    return lost


def import_lines(tree: ast.Module, name: str) -> set[int]:
    """Lines of every import statement, at any depth, that binds `name`."""
    return {
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        and any(bound == name for bound, _, _ in bound_names(node))
    }


def import_rows(tree: ast.Module) -> dict[str, set[int]]:
    """`import_lines` for every name at once: one walk of the tree."""
    rows: dict[str, set[int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for bound, _, _ in bound_names(node):
                rows.setdefault(bound, set()).add(node.lineno)
    return rows


def has_literal_all(tree: ast.Module) -> bool:
    """Whether the module body assigns `__all__` a literal list or tuple of strings."""
    return _literal_all_index(tree.body) is not None


def _literal_all_index(body: Sequence[ast.stmt]) -> int | None:
    for index, stmt in enumerate(body):
        target, value = assignment(stmt)
        if (
            target == "__all__"
            and isinstance(value, (ast.List, ast.Tuple))
            and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts)
        ):
            return index
    return None


def assignment(stmt: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        return (target.id if isinstance(target, ast.Name) else None), stmt.value
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id, stmt.value
    return None, None
