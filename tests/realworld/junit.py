"""Pure parts of `make realworld`: junit XML -> outcomes, outcomes -> what a fix broke.

No disk, no subprocess: the unit test (tests/test_realworld_junit.py) feeds hand-written XML.
"""

from __future__ import annotations

import ast
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass

PASSED = "passed"
FAILED = "failed"
ERROR = "error"
SKIPPED = "skipped"

_IMPORT_LINE = re.compile(r"^\s*(?:import|from)\s+[\w.]")
_TRAILING_COMMENT = re.compile(r"\s*#.*$")


@dataclass(frozen=True)
class Outcome:
    """One test's result and the first line of its failure message (empty when it passed)."""

    status: str
    message: str = ""


@dataclass(frozen=True)
class Comparison:
    """What changed relative to the pristine tree, each a sorted tuple of test ids."""

    failing: tuple[str, ...]
    errored: tuple[str, ...]
    vanished: tuple[str, ...]
    skipped: tuple[str, ...]

    @property
    def broken(self) -> tuple[str, ...]:
        """Every test the fix made worse, in one list (a test is in at most one category)."""
        return tuple(sorted({*self.failing, *self.errored, *self.vanished, *self.skipped}))


def test_id(classname: str, name: str) -> str:
    """pytest's junit `classname` is dotted (`tests.test_x.TestY`); keep it as written."""
    return f"{classname}::{name}" if classname else name


def parse_junit(xml_text: str) -> dict[str, Outcome]:
    """Every `<testcase>` of a junit XML report, by id. A test that appears twice (a failing
    test whose teardown also errors) keeps its worst status: error over failure over skip."""
    rank = {PASSED: 0, SKIPPED: 1, FAILED: 2, ERROR: 3}
    outcomes: dict[str, Outcome] = {}
    for case in ET.fromstring(xml_text).iter("testcase"):
        outcome = _case_outcome(case)
        key = test_id(case.get("classname", ""), case.get("name", ""))
        previous = outcomes.get(key)
        if previous is None or rank[outcome.status] > rank[previous.status]:
            outcomes[key] = outcome
    return outcomes


def _case_outcome(case: ET.Element) -> Outcome:
    for tag, status in (("error", ERROR), ("failure", FAILED), ("skipped", SKIPPED)):
        child = case.find(tag)
        if child is not None:
            text = child.get("message") or (child.text or "")
            return Outcome(status, text.strip().splitlines()[0][:300] if text.strip() else "")
    return Outcome(PASSED)


def compare(pristine: Mapping[str, Outcome], after: Mapping[str, Outcome]) -> Comparison:
    """Tests a fix made worse. Newly failing/errored/skipped: passed (or was skipped, for the
    first two) in the pristine tree. Vanished: collected in the pristine tree, not after (its
    module no longer imports, or a parametrisation lost its cases). A parametrised test whose
    id changed (a fix rewrote a parameter's text) is paired with a new id of the same function
    and compared as itself. A new test counts only if it errors: a collection error is
    reported as an errored pseudo-test."""
    failing, errored, vanished, skipped = [], [], [], []
    pairs = _renamed(pristine, after)
    for key, before in pristine.items():
        now = after.get(pairs.get(key, key))
        if now is None:
            vanished.append(key)
        elif before.status in (FAILED, ERROR) or now.status == before.status:
            continue
        elif now.status == FAILED:
            failing.append(key)
        elif now.status == ERROR:
            errored.append(key)
        elif now.status == SKIPPED:
            skipped.append(key)
    paired = set(pairs.values())
    errored += [
        key
        for key, now in after.items()
        if key not in pristine and key not in paired and now.status == ERROR
    ]
    return Comparison(
        tuple(sorted(failing)),
        tuple(sorted(errored)),
        tuple(sorted(vanished)),
        tuple(sorted(skipped)),
    )


def _renamed(pristine: Mapping[str, Outcome], after: Mapping[str, Outcome]) -> dict[str, str]:
    """Pristine id -> new id, for parametrised cases whose id changed: in id order, per test
    function (the id before `[`)."""
    gone: dict[str, list[str]] = {}
    new: dict[str, list[str]] = {}
    for key in sorted(set(pristine) - set(after)):
        gone.setdefault(key.split("[", 1)[0], []).append(key)
    for key in sorted(set(after) - set(pristine)):
        if "[" in key:
            new.setdefault(key.split("[", 1)[0], []).append(key)
    return {
        old: renamed
        for base, olds in gone.items()
        for old, renamed in zip(olds, new.get(base, []), strict=False)
        if "[" in old
    }


def imported_names(text: str) -> dict[str, list[str]]:
    """Name bound by an import statement anywhere in the file -> each statement binding it
    (`from a import b as c` binds `c`; `import a.b` binds `a`). Falls back to the import lines
    where the text does not parse (Python 2 example files, say)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return {line: [line] for line in import_lines(text)}
    bound: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                bound.setdefault(name, []).append(f"import {alias.name}{_as(alias)}")
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                statement = f"from {module} import {alias.name}{_as(alias)}"
                bound.setdefault(alias.asname or alias.name, []).append(statement)
    return bound


def _as(alias: ast.alias) -> str:
    return f" as {alias.asname}" if alias.asname else ""


def import_lines(text: str) -> list[str]:
    """The import statements' first lines, comments dropped."""
    return [
        _TRAILING_COMMENT.sub("", line).strip()
        for line in text.splitlines()
        if _IMPORT_LINE.match(line)
    ]


def removed_imports(before: str, after: str) -> list[str]:
    """The imports of `before` whose name `after` binds fewer times, one per name lost, as a
    one-name statement (`from a import c`). An import only moved (isort) or rewritten to bind
    the same name from elsewhere (pyupgrade's `typing` -> `collections.abc`) is not removed;
    one kept with a `# noqa` is not either."""
    old, new = imported_names(before), imported_names(after)
    removed = []
    for name, statements in old.items():
        lost = len(statements) - len(new.get(name, []))
        removed += statements[:lost] if lost > 0 else []
    return sorted(removed)


_QUOTED = re.compile(r"""['"]([A-Za-z_][\w.]*)['"]""")


def suspects(message: str, removed: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Removed import lines (`path: line`) that bind a name the failure message quotes
    (`NameError: name 'X'`, `cannot import name 'X'`, `no attribute 'X'`, `No module named
    'a.b'`): a first guess at the culprit, checked by hand before it goes in a `why` note."""
    names = {
        part for quoted in _QUOTED.findall(message) for part in (quoted, quoted.split(".")[-1])
    }
    hits = []
    for entry in removed:
        statement = entry.split(": ", 1)[-1]
        bound = set(re.findall(r"[A-Za-z_]\w*", statement.split(" import ", 1)[-1]))
        if names & bound or any(statement.startswith(f"import {n}") for n in names):
            hits.append(entry)
    return tuple(hits[:5])
