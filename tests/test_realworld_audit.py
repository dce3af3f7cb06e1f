"""The removal-rate audit of `make realworld` (tests/realworld/audit.py): safefix's report in,
each keep's one-import removal and verdict, and the rate out."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

_SPEC = importlib.util.spec_from_file_location(
    "realworld_audit", Path(__file__).parent / "realworld" / "audit.py"
)
assert _SPEC is not None and _SPEC.loader is not None
audit = importlib.util.module_from_spec(_SPEC)
sys.modules["realworld_audit"] = audit
_SPEC.loader.exec_module(audit)

SOURCE = (
    "import os\n"
    "try:\n"
    "    from simplejson import JSONDecodeError  # noqa: F401\n"
    "except ImportError:\n"
    "    from json import JSONDecodeError  # noqa: F401\n"
    "from a import (b,\n"
    "   c,\n"
    "   d)  # noqa: F401\n"
    "def f():\n"
    "    import pkg.sub  # noqa: F401\n"
)


@pytest.mark.parametrize(
    ("line", "name", "gone", "stays"),
    [
        pytest.param(
            5, "JSONDecodeError", "from json import", "from simplejson import", id="branch"
        ),
        pytest.param(
            3, "JSONDecodeError", "from simplejson import", "from json import", id="other"
        ),
        pytest.param(7, "c", "c,", "from a import b, d", id="one-of-three"),
        pytest.param(10, "pkg", "import pkg.sub", "def f():\n    pass", id="dotted-in-def"),
    ],
)
def test_unbind_takes_out_only_that_import(line: int, name: str, gone: str, stays: str) -> None:
    edited = audit.unbind(SOURCE, line, name)
    assert edited is not None
    ast.parse(edited)  # still a valid module: an emptied block holds `pass`
    assert gone not in edited
    assert stays in edited
    assert "import os" in edited


def test_unbind_takes_the_import_from_where_the_statement_imports() -> None:
    """isort may put `from pkg.rel import rel` (another test's) nearer the reported line."""
    text = "def f():\n    from pkg import rel\n\ndef g():\n    from pkg.rel import rel\n"
    edited = audit.unbind(text, 5, "rel", "from pkg import rel")
    assert edited == "def f():\n    pass\n\ndef g():\n    from pkg.rel import rel\n"
    assert audit.unbind(text, 2, "rel", "from pkg.rel import rel") == (
        "def f():\n    from pkg import rel\n\ndef g():\n    pass\n"
    )


def test_unbind_of_a_name_no_import_binds_is_none() -> None:
    assert audit.unbind(SOURCE, 1, "missing") is None


def _report(removed: int, kept: list[tuple[str, int, str]]) -> dict[str, Any]:
    kept_rows = [
        {"name": n, "line": ln, "statement": "import x", "reason": "r", "consumers": []}
        for _, ln, n in kept
    ]
    return {"files": [{"path": "a.py", "removed": [{}] * removed, "kept": kept_rows}]}


def test_keeps_and_removed_read_safefix_report() -> None:
    keeps, removed = audit.keeps_and_removed(_report(3, [("a.py", 4, "x")]))
    assert removed == 3
    assert [(k.path, k.line, k.name) for k in keeps] == [("a.py", 4, "x")]


def test_verdict_needs_a_breaking_test_or_a_note() -> None:
    keep = {"path": "a.py", "line": 4, "name": "x", "needed_by": 0, "first_test": ""}
    assert audit.verdict({**keep, "needed_by": 2, "first_test": "t"}, ())[0] == "consumed"
    assert audit.verdict(keep, ())[0] == "unaudited"
    assert audit.verdict(keep, (("a.py:4", "intent", "docs"),)) == ("intent", "docs")
    assert audit.verdict(keep, (("a.py:x", "false", "why"),)) == ("false", "why")
    assert audit.verdict(keep, (("a.py:y", "false", "why"),))[0] == "unaudited"


def test_the_rate_counts_unaudited_keeps_against_safefix() -> None:
    keeps = [
        {
            "path": "a.py",
            "line": 1,
            "name": "t",
            "reason": "r",
            "needed_by": 1,
            "verdict": "consumed",
        },
        {
            "path": "a.py",
            "line": 2,
            "name": "u",
            "reason": "r",
            "needed_by": 0,
            "verdict": "unaudited",
        },
        {
            "path": "a.py",
            "line": 3,
            "name": "i",
            "reason": "r",
            "needed_by": 0,
            "verdict": "intent",
        },
    ]
    row = {
        "project": "p",
        "selection": "F401",
        "safefix": {"imports_removed": 19, "kept_imports": keeps},
    }
    table = audit.rate_rows([row, {"project": "old", "selection": "wide", "safefix": {}}])
    assert "| p | F401 | 22 | 19 | 1 / 0 | 1 | 1 | 95.0% |" in table
    assert "| old |" not in table
    assert "before the harness read safefix's report: old (wide)." in table
    assert "- p: `a.py:2` `u` (F401): **unaudited**" in table
    assert "**all** | | | 19 | | | 1 | **95.0%**" in table
