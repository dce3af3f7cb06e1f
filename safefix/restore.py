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
from collections.abc import Sequence

from safefix.bindings import bound_names, parse
from safefix.noqa_text import line_with_noqa, merge_noqa
from safefix.types import Protection

# `merge_noqa` lives in `noqa_text` (libcst's edits share it); still offered from here
__all__ = ["merge_noqa", "protect"]


def protect(source: bytes, protections: Sequence[Protection]) -> bytes:
    """Apply `protections` to `source`; the result keeps encoding, line endings and every other byte.

    The common case, every name of a one-line import statement protected by `noqa`, is a
    comment merged into that line, done on the text; the rest is libcst's (`restore_cst`).
    """
    edited = _merge_comments(source, protections)
    if edited is not None:
        return edited
    from safefix import restore_cst

    return restore_cst.protect(source, protections)


def _merge_comments(source: bytes, protections: Sequence[Protection]) -> bytes | None:
    """`source` with each protected statement's line given its `noqa` codes; None unless every
    protection is a `noqa` for a statement that stands alone on one line and binds only
    protected names."""
    if any(p.via_all for p in protections):
        return None
    try:
        tree = parse(source)
    except (SyntaxError, ValueError):
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
