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
from collections.abc import Iterable, Sequence

from safefix.bindings import bound_names
from safefix.types import Protection

_NOQA = re.compile(
    r"#\s*noqa(?P<colon>:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+|\s+[A-Z]+[0-9]+)*))?",
    re.IGNORECASE,
)


def merge_noqa(comment: str | None, codes: Iterable[str]) -> str | None:
    """Add `codes` to a line's comment, merging into an existing `# noqa` rather than repeating it."""
    wanted = sorted(set(codes))
    if not wanted:
        return comment
    if not comment:
        return f"# noqa: {', '.join(wanted)}"
    match = _NOQA.search(comment)
    if match is None:
        return f"{comment}  # noqa: {', '.join(wanted)}"
    if match["codes"] is None:
        return comment  # a blanket noqa comment already covers every code
    present = {code.upper() for code in re.split(r"[\s,]+", match["codes"]) if code}
    missing = [code for code in wanted if code not in present]
    if not missing:
        return comment
    end = match.end("codes")
    return f"{comment[:end]}, {', '.join(missing)}{comment[end:]}"


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
        tree = ast.parse(source)
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
        merged = _line_with_noqa(lines[number - 1], col, codes)
        if merged is None:
            return None
        lines[number - 1] = merged
    return b"".join(lines)


def _line_with_noqa(line: bytes, col: int, codes: Iterable[str]) -> bytes | None:
    """The line with `codes` merged into its comment; None if it holds more than the statement
    (a `;`, a compound statement's header, a continuation) or is not UTF-8."""
    body = line.rstrip(b"\r\n")
    ending = line[len(body) :]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    code, hash_, comment = text.partition("#")  # import statements hold no strings
    if code[:col].strip() or ";" in code or code.rstrip().endswith("\\"):
        return None
    old = hash_ + comment if hash_ else None
    new = merge_noqa(old, codes)
    if new is None or new == old:
        return line
    kept = code if old else code.rstrip(" \t") + "  "
    return (kept + new).encode("utf-8") + ending
