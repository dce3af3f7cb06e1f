"""Which dropped imports cannot change import order: their target was loaded already."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import write_tree

from safefix.modules import build_module_map
from safefix.preloaded import preloaded, top_level_imports

LEAVES = {"pkg/util.py": "X = 1\n", "pkg/mod.py": "import pkg.util\n", "pkg/sub/mod.py": ""}


@pytest.mark.parametrize(
    ("inits", "path", "expected"),
    [
        pytest.param(
            {"pkg/__init__.py": "from pkg.util import X\nfrom pkg import mod\n"},
            "pkg/mod.py",
            True,
            id="loaded-before-the-branch",
        ),
        pytest.param(
            {"pkg/__init__.py": "from pkg import mod\nfrom pkg.util import X\n"},
            "pkg/mod.py",
            False,
            id="branch-first-the-file-loads-it",
        ),
        pytest.param(
            {"pkg/__init__.py": "import os\nif os.name:\n    from pkg.util import X\n"},
            "pkg/mod.py",
            False,
            id="only-in-an-if-arm",
        ),
        pytest.param(
            {"pkg/__init__.py": "try:\n    from . import util\nexcept ImportError:\n    pass\n"},
            "pkg/mod.py",
            True,
            id="relative-in-a-try",
        ),
        pytest.param(
            {
                "pkg/__init__.py": "from pkg import sub\n",
                "pkg/sub/__init__.py": "import pkg.util\nfrom pkg.sub import mod\n",
            },
            "pkg/sub/mod.py",
            True,
            id="one-package-deeper",
        ),
        pytest.param({"pkg/__init__.py": ""}, "pkg/mod.py", False, id="nothing-loads-it"),
    ],
)
def test_preloaded(tmp_path: Path, inits: dict[str, str], path: str, expected: bool) -> None:
    files = write_tree(tmp_path, {**LEAVES, **inits})
    modules = build_module_map(files, tmp_path)

    def imports(file: Path) -> list[str]:
        return top_level_imports(file, modules)

    assert preloaded("pkg.util", tmp_path / path, modules, imports) is expected
