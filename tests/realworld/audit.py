"""Issue #16's removal rate: of the imports ruff removes, how many safefix removes, and whether
each one it keeps has a real consumer.

safefix's JSON report lists, per file, the imports ruff's fixes removed that it let go
(`removed`) and those it kept (`kept`, with its reason and consumers); together they are the
imports ruff removes (one per bound name). A keep counts as consumed when the evidence says so:
`make realworld --audit` removes that one import from safefix's tree (as ruff would: its name
out of the statement, the statement gone when nothing is left) and re-runs the tests, and a
test that then breaks is the evidence; otherwise a note in projects.py (`keeps`) says which
consumer it has, read by hand. A keep with neither is counted as a false keep.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: What a hand note may say a keep is: consumed (by a named consumer the tests do not reach),
#: kept only for documentation / public-API intent, or a false keep.
VERDICTS = ("consumed", "intent", "false")


@dataclass(frozen=True)
class Keep:
    """One import safefix kept: where, what, why (its reason and consumer kinds), and, once
    audited, how many tests break with it removed (None: not audited) and the first of them."""

    path: str
    line: int
    kept_line: int
    name: str
    statement: str
    reason: str
    kinds: tuple[str, ...]
    needed_by: int | None = None
    first_test: str = ""


def keeps_and_removed(report: Mapping[str, Any]) -> tuple[tuple[Keep, ...], int]:
    """The imports safefix kept and the number it removed, from its `--output-format json`."""
    keeps, removed = [], 0
    for entry in report.get("files", []):
        removed += len(entry.get("removed", []))
        for kept in entry.get("kept", []):
            kinds = sorted({c["kind"] for c in kept.get("consumers", [])})
            keeps.append(
                Keep(
                    entry["path"],
                    kept["line"],
                    kept.get("kept_line") or kept["line"],
                    kept["name"],
                    kept["statement"],
                    kept["reason"],
                    tuple(kinds),
                )
            )
    return tuple(keeps), removed


def _bound(node: ast.Import | ast.ImportFrom, alias: ast.alias) -> str:
    """The name an alias binds: `import a.b` binds `a`."""
    if alias.asname:
        return alias.asname
    return alias.name.split(".")[0] if isinstance(node, ast.Import) else alias.name


def _binds(node: ast.Import | ast.ImportFrom, name: str) -> ast.alias | None:
    return next((alias for alias in node.names if _bound(node, alias) == name), None)


def _source(node: ast.Import | ast.ImportFrom, name: str) -> tuple[str, int]:
    """Where the import of `name` comes from: (`module:attr` or the dotted module, level)."""
    alias = _binds(node, name)
    assert alias is not None
    if isinstance(node, ast.Import):
        return alias.name, 0
    return f"{node.module}:{alias.name}", node.level


def unbind(text: str, line: int, name: str, statement: str = "") -> str | None:
    """`text` without the import of `name` nearest `line` (of those importing it from where
    `statement` does: isort may have moved it next to another import of the same name), as
    ruff's F401 fix would leave it (the alias dropped; a statement with none left becomes
    `pass`, which keeps any block valid). None when no import there binds `name`."""
    tree = ast.parse(text)
    found = [
        (abs(node.lineno - line), node)
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom) and _binds(node, name)
    ]
    wanted = _imports(statement)
    if wanted:
        found = [pair for pair in found if _source(pair[1], name) in wanted] or found
    if not found:
        return None
    node = min(found, key=lambda pair: pair[0])[1]
    alias = _binds(node, name)
    rest = [a for a in node.names if a is not alias]
    if rest:
        node.names = rest
        replacement = ast.unparse(node)
    else:
        replacement = "pass"
    lines = text.splitlines(keepends=True)
    first, last = lines[node.lineno - 1], lines[(node.end_lineno or node.lineno) - 1]
    end = node.end_col_offset or len(last)
    edited = first[: node.col_offset] + replacement + last[end:]
    return (
        "".join(lines[: node.lineno - 1])
        + edited
        + "".join(lines[node.end_lineno or node.lineno :])
    )


def _imports(statement: str) -> set[tuple[str, int]]:
    """The sources `statement` (one import, as safefix reports it) imports from, or none."""
    try:
        nodes = ast.parse(statement.strip()).body
    except SyntaxError:
        return set()
    return {
        _source(node, _bound(node, alias))
        for node in nodes
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }


def verdict(keep: Mapping[str, Any], notes: Sequence[tuple[str, str, str]]) -> tuple[str, str]:
    """A keep's verdict and its evidence: a test that breaks without it, else the first note
    whose key is the keep's `path:line` or starts its `path:name`, else unaudited."""
    if keep.get("needed_by"):
        return "consumed", f"{keep['needed_by']} tests break without it ({keep['first_test']})"
    where = f"{keep['path']}:{keep['name']}"
    for key, said, why in notes:
        if key == f"{keep['path']}:{keep['line']}" or where.startswith(key):
            return said, why
    return "unaudited", "no test breaks without it" if keep.get("needed_by") == 0 else ""


def rate(removed: int, false_keeps: int) -> str:
    """safefix's removals over the imports ruff removes that have no real consumer."""
    wanted = removed + false_keeps
    return "-" if wanted == 0 else f"{100 * removed / wanted:.1f}%"


def rate_rows(rows: Iterable[Mapping[str, Any]]) -> str:
    """The removal-rate table: per project and selection, then overall; then every keep that no
    test showed consumed, with its verdict and evidence."""
    header = (
        "| project | selection | imports ruff removes | safefix removes | kept: consumed "
        "(shown by a test / by a note) | kept: intent only | kept: false or unaudited | rate |\n"
        "|---|---|--:|--:|--:|--:|--:|--:|\n"
    )
    out = [header]
    #: (project, verdict, evidence) -> `path:line` `name` (selections): one line per note.
    details: dict[tuple[str, str, str], dict[str, list[str]]] = {}
    missing: list[str] = []
    total_removed = total_false = 0
    for row in rows:
        run = row["safefix"]
        if run.get("imports_removed") is None:
            missing.append(f"{row['project']} ({row['selection']})")
            continue
        counts = {"test": 0, "note": 0, "intent": 0, "false": 0}
        for keep in run["kept_imports"]:
            said = keep.get("verdict", "unaudited")
            if said == "consumed":
                counts["test" if keep.get("needed_by") else "note"] += 1
            else:
                counts["intent" if said == "intent" else "false"] += 1
            if not keep.get("needed_by"):
                key = (row["project"], said, keep.get("evidence") or keep["reason"])
                where = f"`{keep['path']}:{keep['line']}` `{keep['name']}`"
                details.setdefault(key, {}).setdefault(where, []).append(row["selection"])
        removed = run["imports_removed"]
        total_removed, total_false = total_removed + removed, total_false + counts["false"]
        out.append(
            f"| {row['project']} | {row['selection']} | {removed + len(run['kept_imports'])} "
            f"| {removed} | {counts['test']} / {counts['note']} | {counts['intent']} "
            f"| {counts['false']} | {rate(removed, counts['false'])} |\n"
        )
    out.append(
        f"| **all** | | | {total_removed} | | | {total_false} "
        f"| **{rate(total_removed, total_false)}** |\n"
    )
    if missing:
        out.append(
            f"\nRows measured before the harness read safefix's report: {', '.join(missing)}.\n"
        )
    return "".join(out) + (
        "\nKeeps no test showed consumed:\n\n" + "".join(_detail(*i) for i in details.items())
        if details
        else ""
    )


def _detail(key: tuple[str, str, str], keeps: Mapping[str, list[str]]) -> str:
    """One note's keeps on one line: `- project: keeps (selections): **verdict**: evidence`."""
    project, said, why = key
    listed = ", ".join(f"{where} ({', '.join(sel)})" for where, sel in keeps.items())
    return f"- {project}: {listed}: **{said}**: {why}\n"
