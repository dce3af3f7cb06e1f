"""The protect transform as data: source + protections -> exact bytes."""

from __future__ import annotations

import ast

import pytest

from safefix import restore_cst
from safefix.restore import _merge_comments, merge_noqa, protect
from safefix.types import Protection

F401 = frozenset({"F401"})


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        (None, "# noqa: F401"),
        ("# why", "# why  # noqa: F401"),
        ("# noqa", "# noqa"),
        ("# noqa: E501", "# noqa: E501, F401"),
        ("# noqa:E501,W291 reason", "# noqa:E501,W291, F401 reason"),
        ("# noqa: F401", "# noqa: F401"),
        ("# type: ignore  # NOQA: f401", "# type: ignore  # NOQA: f401"),
    ],
)
def test_merge_noqa(comment: str | None, expected: str) -> None:
    assert merge_noqa(comment, ["F401"]) == expected


CASES = [
    pytest.param(
        "import os\nimport sys\n",
        [Protection(1, 0, "os", F401)],
        "import os  # noqa: F401\nimport sys\n",
        id="whole-line",
    ),
    pytest.param(
        "from x import a, b  # keep me\n",
        [Protection(1, 0, "b", F401)],
        "from x import a  # keep me\nfrom x import b  # noqa: F401\n",
        id="split-one-of-two",
    ),
    pytest.param(
        "from x import (\n    a,  # first\n    b,  # second\n    c,\n)\n",
        [Protection(1, 0, "b", F401)],
        "from x import (\n    a,  # first\n    c,\n)\nfrom x import b  # second  # noqa: F401\n",
        id="split-from-parenthesized-keeps-comments",
    ),
    pytest.param(
        "from x import (\n    a,\n    b\n)\n",
        [Protection(1, 0, "b", F401)],
        "from x import (\n    a,\n)\nfrom x import b  # noqa: F401\n",
        id="no-trailing-comma",
    ),
    pytest.param(
        "from . import (a as b)\n",
        [Protection(1, 0, "b", F401)],
        "from . import (a as b)  # noqa: F401\n",
        id="relative-alias-whole-line",
    ),
    pytest.param(
        "import os, sys\n",
        [Protection(1, 0, "sys", F401)],
        "import os\nimport sys  # noqa: F401\n",
        id="plain-import-split",
    ),
    pytest.param(
        "try:\n    import a\nexcept ImportError:\n    from b import a  # fallback\n",
        [Protection(4, 4, "a", F401)],
        "try:\n    import a\nexcept ImportError:\n    from b import a  # fallback  # noqa: F401\n",
        id="except-branch",
    ),
    pytest.param(
        "import os  # noqa: E501\n",
        [Protection(1, 0, "os", F401)],
        "import os  # noqa: E501, F401\n",
        id="merge-existing-noqa",
    ),
    pytest.param(
        "import os\n",
        [Protection(1, 0, "os")],
        "import os\n",
        id="no-codes-yet-no-edit",
    ),
    pytest.param(
        '__all__ = ["b", "d"]\nfrom x import c\n',
        [Protection(2, 0, "c", via_all=True)],
        '__all__ = ["b", "c", "d"]\nfrom x import c\n',
        id="all-sorted-insert",
    ),
    pytest.param(
        "__all__ = ['z', 'a']\n",
        [Protection(9, 0, "m", via_all=True)],
        "__all__ = ['z', 'a', 'm']\n",
        id="all-unsorted-append-single-quotes",
    ),
    pytest.param(
        '__all__ = (\n    "a",\n)\n',
        [Protection(9, 0, "b", via_all=True)],
        '__all__ = (\n    "a",\n    "b",\n)\n',
        id="all-multiline-tuple",
    ),
    pytest.param(
        '__all__ = ["a"]\n',
        [Protection(9, 0, "a", via_all=True)],
        '__all__ = ["a"]\n',
        id="all-already-listed",
    ),
]


@pytest.mark.parametrize(("source", "protections", "expected"), CASES)
def test_protect(source: str, protections: list[Protection], expected: str) -> None:
    assert protect(source.encode(), protections).decode() == expected


def test_protect_keeps_encoding_and_line_endings() -> None:
    source = "# -*- coding: latin-1 -*-\r\nimport os  # \xe9\r\nimport sys\r\n".encode("latin-1")
    result = protect(source, [Protection(2, 0, "os", F401)])
    assert (
        result
        == "# -*- coding: latin-1 -*-\r\nimport os  # \xe9  # noqa: F401\r\nimport sys\r\n".encode(
            "latin-1"
        )
    )


#: Whole-line `noqa` edits the text edit makes itself (True) or leaves to libcst (False):
#: a split statement, an `__all__`, a line holding more than the statement.
TEXT_EDITS = {
    "whole-line": True,
    "split-one-of-two": False,
    "split-from-parenthesized-keeps-comments": False,
    "no-trailing-comma": False,
    "relative-alias-whole-line": True,
    "plain-import-split": False,
    "except-branch": True,
    "merge-existing-noqa": True,
    "no-codes-yet-no-edit": True,
    "all-sorted-insert": False,
    "all-unsorted-append-single-quotes": False,
    "all-multiline-tuple": False,
    "all-already-listed": False,
}
TEXT_CASES = [
    *(pytest.param(*case.values[:2], TEXT_EDITS[str(case.id)], id=case.id) for case in CASES),
    pytest.param("import os   \nimport sys\n", [Protection(1, 0, "os", F401)], True, id="spaces"),
    pytest.param("import os\r\nimport sys\r\n", [Protection(2, 0, "sys", F401)], True, id="crlf"),
    pytest.param("import os  # why\n", [Protection(1, 0, "os", F401)], True, id="comment"),
    pytest.param("import os  # noqa\n", [Protection(1, 0, "os", F401)], True, id="bare-noqa"),
    pytest.param("import a.b.c\n", [Protection(1, 0, "a", F401)], True, id="dotted"),
    pytest.param(
        "import a, b\n",
        [Protection(1, 0, "a", F401), Protection(1, 0, "b", F401)],
        True,
        id="every-name-protected",
    ),
    pytest.param("import os; import sys\n", [Protection(1, 0, "os", F401)], False, id="semicolon"),
    pytest.param("if x: import os\n", [Protection(1, 6, "os", F401)], False, id="compound"),
    pytest.param(
        "def f():\n    from m import (x)  # é\n", [Protection(2, 4, "x", F401)], True, id="utf8"
    ),
    pytest.param("\ufeffimport os\n", [Protection(1, 0, "os", F401)], True, id="bom"),
    pytest.param(
        "import os\n",
        [Protection(1, 0, "os", F401), Protection(1, 0, "os", frozenset({"E401"}))],
        True,
        id="two-protections-one-line",
    ),
]


@pytest.mark.parametrize(("source", "protections", "by_text"), TEXT_CASES)
def test_text_edits_match_libcst(source: str, protections: list[Protection], by_text: bool) -> None:
    """The comment-only edits done on the text are byte for byte what libcst would write, and
    the text edit declines exactly where the table says libcst must do the work."""
    data = source.encode()
    text = _merge_comments(data, ast.parse(data), protections)
    if by_text:
        assert text == restore_cst.protect(data, protections)
    else:
        assert text is None


def test_whole_line_protections_do_not_need_libcst() -> None:
    one, two = b"import os\n", b"import os, sys\n"
    assert _merge_comments(one, ast.parse(one), [Protection(1, 0, "os", F401)]) is not None
    assert _merge_comments(two, ast.parse(two), [Protection(1, 0, "os", F401)]) is None
