"""Edits that protect a load-bearing import from ruff's next fix.

safefix does not patch ruff's output. It protects the consumed names in the *original* file,
with the smallest edit that makes ruff leave them alone, and lets ruff fix that file again:
every other fix ruff would make is still made, by ruff itself, so the result never fights
ruff (I001 sees the restored line where it stands; RUF100 sees a `noqa` that is used).

The edits: a `# noqa: CODES` merged into the statement's comment; or, when the statement also
binds names nobody needs, the needed ones moved to a single-line statement of their own just
below it (so the `noqa` covers nothing else); or the name appended to a literal `__all__`.
Everything else stays byte-for-byte.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import replace

from safefix.bindings import bound_names, parse
from safefix.import_text import import_section
from safefix.noqa_text import line_with_noqa, merge_noqa
from safefix.types import Protection

# `merge_noqa` lives in `noqa_text` (libcst's edits share it); still offered from here
__all__ = ["merge_noqa", "protect"]


def protect(source: bytes, protections: Sequence[Protection]) -> bytes:
    """Apply `protections` to `source`; the result keeps encoding, line endings and every other byte.

    The common case, every name of a one-line import statement protected by `noqa`, is a
    comment merged into that line, done on the text; the rest is libcst's (`restore_cst`).
    Both work on the part of the module that holds the protected statements (and `__all__`):
    its leading top-level statements, which in a big module are a small share of it (libcst
    took minutes and gigabytes for the whole of a 20 MB module; `ast`, 4 s and 3.6 GB).
    """
    part, tree = _protected_part(source, protections)
    rest = source[len(part) :]
    edited = _merge_comments(part, tree, protections) if tree is not None else None
    if edited is not None:
        return edited + rest
    from safefix import restore_cst

    if tree is not None and (edited := _by_statement(part, tree, protections)) is not None:
        return edited + rest
    if part is not source:
        try:
            return restore_cst.protect(part, protections) + rest
        except restore_cst.ParserSyntaxError:
            pass  # libcst reads a cut differently from `ast`: the whole module, then
    return restore_cst.protect(source, protections)


#: A column-0 line with code that does not close a bracket: a top-level statement's start.
_STATEMENT = re.compile(rb"^[^\s#)\]}]", re.MULTILINE)
_ALL = re.compile(rb"^__all__\b", re.MULTILINE)


def _protected_part(
    source: bytes, protections: Sequence[Protection]
) -> tuple[bytes, ast.Module | None]:
    """The leading top-level statements of `source` that hold every protected statement and
    every column-0 `__all__`, and its syntax tree (None: it does not parse); the whole source
    where no shorter part does."""
    part = import_section(source)
    if any(p.via_all for p in protections) and (last := _ALL.search(source, len(part))):
        while found := _ALL.search(source, last.end()):
            last = found
        following = _STATEMENT.search(source, source.find(b"\n", last.end()) + 1)
        part = source[: following.start()] if following and following.start() > 0 else source
    if len(part) == len(source) or part.count(b"\n") < max(
        (p.line for p in protections), default=0
    ):
        part = source
    try:
        return part, parse(part)
    except SyntaxError:
        if part is source:
            return source, None
    try:
        return source, parse(source)
    except SyntaxError:
        return source, None


#: A coding declaration (PEP 263): a statement cut from such a file is not UTF-8 by itself.
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)


def _by_statement(
    source: bytes, tree: ast.Module, protections: Sequence[Protection]
) -> bytes | None:
    """libcst's edits made on each top-level statement that holds a protected import, cut
    from the text alone (a big module's thousands of other statements are never libcst's
    work); None where that cannot be done (`__all__` to extend, a coding declaration)."""
    head = b"".join(source.splitlines(keepends=True)[:2])
    if any(p.via_all for p in protections) or _CODING.search(head):
        return None
    from safefix import restore_cst

    spans: list[tuple[int, int]] = []  # (first, last) lines of the statements to edit
    for stmt in tree.body:
        first, last = stmt.lineno, stmt.end_lineno or stmt.lineno
        if any(first <= p.line <= last for p in protections):
            if spans and first <= spans[-1][1]:  # two statements on one line: one piece
                first = spans.pop()[0]
            spans.append((first, last))
    lines = source.splitlines(keepends=True)
    for first, last in reversed(spans):
        inside = [
            replace(p, line=p.line - first + 1) for p in protections if first <= p.line <= last
        ]
        try:
            edited = restore_cst.protect(b"".join(lines[first - 1 : last]), inside)
        except restore_cst.ParserSyntaxError:
            return None
        lines[first - 1 : last] = [edited]
    return b"".join(lines)


def _merge_comments(
    source: bytes, tree: ast.Module, protections: Sequence[Protection]
) -> bytes | None:
    """`source` with each protected statement's line given its `noqa` codes; None unless every
    protection is a `noqa` for a statement that stands alone on one line and binds only
    protected names."""
    if any(p.via_all for p in protections):
        return None
    statements = {
        (node.lineno, node.col_offset): node
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
    }
    by_statement: dict[tuple[int, int], list[Protection]] = {}
    for protection in protections:
        by_statement.setdefault((protection.line, protection.col), []).append(protection)
    edits: dict[int, tuple[int, set[str]]] = {}  # line -> (column, codes)
    for where, group in by_statement.items():
        node = statements.get(where)
        if node is None or node.end_lineno != node.lineno:
            return None
        protected = {p.name for p in group}
        if any(name not in protected for name, _, _ in bound_names(node)):
            return None
        edits.setdefault(node.lineno, (node.col_offset, set()))[1].update(
            code for p in group for code in p.codes
        )
    lines = source.splitlines(keepends=True)
    for number, (col, codes) in edits.items():
        merged = line_with_noqa(lines[number - 1], col, codes)
        if merged is None:
            return None
        lines[number - 1] = merged
    return b"".join(lines)
