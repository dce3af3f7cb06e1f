"""The import-order check's byte screen and split edit, as data tables."""

from __future__ import annotations

import pytest

from safefix.keep_order import may_reorder
from safefix.order_split import split_text

TOPS = frozenset({"pkg"})


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        pytest.param(
            b"import os\nimport sys\n", b"import sys\nimport os\n", None, id="not-project"
        ),
        pytest.param(
            b"from pkg.b import x\nfrom pkg.a import y\n",
            b"from pkg.a import y\nfrom pkg.b import x\n",
            "moved",
            id="sorted",
        ),
        pytest.param(
            b"from .b import x\nfrom .a import y\n",
            b"from .a import y\nfrom .b import x\n",
            "moved",
            id="sorted-relative",
        ),
        pytest.param(b"import pkg.sub.reg\nA = 1\n", b"A = 1\n", "dropped", id="dropped-sibling"),
        pytest.param(b"from .reg import R\nA = 1\n", b"A = 1\n", "dropped", id="dropped-relative"),
        pytest.param(
            b"from pkg.other.x import y\nA = 1\n", b"A = 1\n", None, id="dropped-other-package"
        ),
        pytest.param(b"from pkg.a import x, y\n", b"from pkg.a import x\n", None, id="fewer-names"),
        pytest.param(
            b"from pkg.sub.a import x\nfrom pkg.sub.reg import R\n",
            b"from typing import TYPE_CHECKING\n\nfrom pkg.sub.a import x\n\n"
            b"if TYPE_CHECKING:\n    from pkg.sub.reg import R\n",
            "dropped",
            id="moved-under-type-checking",
        ),
        pytest.param(
            b"from pkg.sub.reg import R\n",
            b"import typing\n\nif typing.TYPE_CHECKING:  # typing only\r\n\n"
            b"    # comment\n\tfrom pkg.sub.reg import R\nelse:\n    from pkg.sub.reg import R\n",
            None,
            id="type-checking-else-still-runs",
        ),
        pytest.param(
            b"import os\nfrom pkg.sub.a import x\n",
            b"from typing import TYPE_CHECKING\n\nfrom pkg.sub.a import x\n\n"
            b"if TYPE_CHECKING:\n    import os\n",
            None,
            id="type-checking-not-project",
        ),
        pytest.param(
            b"from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from pkg.b import B\n",
            b"from pkg.b import B\n",
            "moved",
            id="moved-out-of-type-checking",
        ),
        pytest.param(
            b'"""Docs: import pkg.a"""\nfrom pkg.a import x\n',
            b'"""Docs: import pkg.a"""\nfrom pkg.a import x\n',
            None,
            id="unchanged",
        ),
    ],
)
def test_screen(before: bytes, after: bytes, expected: str | None) -> None:
    assert may_reorder(before, after, "pkg.sub", TOPS) == expected


def test_split_goes_before_the_statement_on_its_own_line() -> None:
    source = b'"""Doc."""\n\nfrom .b import x\nfrom .a import y\r\n'
    assert split_text(source, {2}) == (
        b'"""Doc."""\n\nfrom .b import x\n# isort: split\nfrom .a import y\r\n'
    )
