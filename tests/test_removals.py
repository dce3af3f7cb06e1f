"""The removal diff as a data table: (before, after) -> names lost, per branch."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safefix.import_text import (
    _IMPORT_STATEMENT,
    import_section,
    same_imports,
    statement_matches,
)
from safefix.removals import find_removals

CASES = [
    pytest.param("import os\nimport sys\n", "import sys\n", {("os", ())}, id="deleted"),
    pytest.param("from a import b, c\n", "from a import c\n", {("b", ())}, id="one-of-many"),
    pytest.param("import numpy\n", "import numpy as np\n", {("numpy", ())}, id="renamed-away"),
    pytest.param("import os.path\n", "", {("os", ())}, id="dotted-binds-first-part"),
    pytest.param(
        "from typing import Callable\n",
        "from collections.abc import Callable\n",
        set(),
        id="same-name-other-source-is-no-removal",
    ),
    pytest.param(
        "try:\n    from ujson import dumps\nexcept ImportError:\n    from json import dumps\n",
        "try:\n    from ujson import dumps\nexcept ImportError:\n    pass\n",
        {("dumps", ("except ImportError",))},
        id="dropped-from-except-branch",
    ),
    pytest.param(
        "from os import path\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from os import path\n",
        {("path", ())},
        id="moved-under-type-checking",
    ),
    pytest.param(
        "import sys\nif sys.version_info >= (3, 11):\n    import tomllib\nelse:\n    import tomli as tomllib\n",
        "import sys\nimport tomllib\n",
        set(),
        id="branch-collapsed-to-module-level",
    ),
    pytest.param(
        "if X:\n    from a import b\nelse:\n    from c import b\n",
        "if X:\n    from a import b\nelse:\n    pass\n",
        {("b", ("else of X",))},
        id="dropped-from-else-arm",
    ),
    pytest.param(
        "def f():\n    import os\n    return 1\n",
        "def f():\n    return 1\n",
        set(),
        id="function-locals-are-not-module-bindings",
    ),
    pytest.param(
        "def test_import():\n    import os\n",
        "def test_import():\n    pass\n",
        {("os", ("test_import",))},
        id="whole-body-import-is-an-import-check",
    ),
    pytest.param(
        'def f():\n    """Doc."""\n    import os.path\n',
        'def f():\n    """Doc."""\n',
        {("os", ("f",))},
        id="whole-body-after-a-docstring",
    ),
    pytest.param(
        "import pytest\ndef t():\n    with pytest.warns(DeprecationWarning):\n"
        "        from m import old\n",
        "import pytest\ndef t():\n    with pytest.warns(DeprecationWarning):\n        pass\n",
        {("old", ("t",))},
        id="observed-by-warns",
    ),
    pytest.param(
        "import pytest\ndef t():\n    with pytest.deprecated_call():\n        import m.old\n",
        "import pytest\ndef t():\n    with pytest.deprecated_call():\n        pass\n",
        {("m", ("t",))},
        id="observed-by-deprecated-call",
    ),
    pytest.param(
        "import warnings\ndef t():\n    with warnings.catch_warnings():\n        import m\n"
        "    return 1\n",
        "import warnings\ndef t():\n    with warnings.catch_warnings():\n        pass\n"
        "    return 1\n",
        {("m", ("t",))},
        id="observed-by-catch-warnings",
    ),
    pytest.param(
        "import pytest\ndef t():\n    with pytest.raises(ValueError):\n        import m\n"
        "        int('x')\n",
        "import pytest\ndef t():\n    with pytest.raises(ValueError):\n        int('x')\n",
        set(),
        id="beside-the-observed-code",
    ),
    pytest.param(
        "import unittest\nclass T(unittest.TestCase):\n    def test(self):\n"
        "        def load():\n            import m\n            return 1\n"
        "        self.assertRaises(ImportError, load)\n",
        "import unittest\nclass T(unittest.TestCase):\n    def test(self):\n"
        "        def load():\n            return 1\n"
        "        self.assertRaises(ImportError, load)\n",
        {("m", ("T", "test", "load"))},
        id="handed-to-assert-raises",
    ),
    pytest.param(
        "def test_all():\n    from m import a, b\n    names = locals()\n"
        "    assert all(names[n] for n in ('a', 'b'))\n",
        "def test_all():\n    names = locals()\n    assert all(names[n] for n in ('a', 'b'))\n",
        {("a", ("test_all",)), ("b", ("test_all",))},
        id="read-back-through-locals",
    ),
    pytest.param("x = 1\nimport os\n", "x = 1\n", {("os", ())}, id="after-other-code"),
]


@pytest.mark.parametrize(("before", "after", "expected"), CASES)
def test_find_removals(before: str, after: str, expected: set[tuple[str, tuple[str, ...]]]) -> None:
    found = find_removals(Path("m.py"), "m", before.encode(), after.encode())
    assert {(r.name, r.branch) for r in found if r.bound or r.effect} == expected


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        pytest.param(
            "def ready():\n    from . import signals\n    x = 1\n",
            "def ready():\n    x = 1\n",
            {("signals", ("ready",), (".signals",), False)},
            id="in-a-function",
        ),
        pytest.param(
            "import pkg\nimport pkg.sub.mod\n\npkg.x\n",
            "import pkg\n\npkg.x\n",
            {("pkg", (), ("pkg.sub", "pkg.sub.mod"), False)},
            id="submodule-beside-its-package",
        ),
        pytest.param(
            "from app.signals import handler\n",
            "",
            {("handler", (), ("app", "app.signals", "app.signals.handler"), True)},
            id="binding-lost-too",
        ),
        pytest.param(
            "import app.signals\n\ndef f():\n    import app.signals\n    x = 1\n",
            "import app.signals\n\ndef f():\n    x = 1\n",
            set(),
            id="still-run-at-module-level",
        ),
        pytest.param(
            "import a.b\nimport a.c\n\na.c.x\n",
            "import a.c\n\na.c.x\n",
            {("a", (), ("a.b",), False)},
            id="sibling-still-imported",
        ),
        pytest.param(
            "from app import plugins\n\nx: plugins.P\n",
            "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
            "    from app import plugins\n\nx: plugins.P\n",
            {("plugins", (), ("app", "app.plugins"), True)},
            id="moved-under-type-checking",
        ),
    ],
)
def test_lost_imports_say_what_they_ran(
    before: str, after: str, expected: set[tuple[str, tuple[str, ...], tuple[str, ...], bool]]
) -> None:
    """An import whose name stays bound is a removal too, with the modules nothing else runs."""
    found = find_removals(Path("m.py"), "m", before.encode(), after.encode())
    assert {(r.name, r.branch, r.runs, r.bound) for r in found} == expected


def test_removal_remembers_the_original_statement() -> None:
    before = b"import os\nfrom app.settings import (\n    KEEPALIVE,\n    DEBUG,\n)\n"
    removals = find_removals(Path("m.py"), "app.main", before, b"import os\n")
    (removal,) = [r for r in removals if r.name == "DEBUG"]
    assert (removal.name, removal.line, removal.col) == ("DEBUG", 2, 0)
    assert removal.statement == "from app.settings import (KEEPALIVE, DEBUG,)"


#: The `def` line is text in a string; the `import json` after the string is module-level.
FAKE_DEF_IN_STRING = (
    "import sys\nif sys:\n    HELP = '''\ndef example():\n    '''\n    import json\n\n"
    "def g():\n    import os\n"
)

#: As above, with the module-level import inside a `try` the stretch from the fake header
#: cannot parse alone: neither the whole statement nor the text above it parses either.
FAKE_DEF_IN_TRY_STRING = (
    "import sys\nif sys:\n    HELP = '''\ndef example():\n    '''\n    try:\n"
    "        import json\n    except ImportError:\n        pass\n"
)


@pytest.mark.parametrize(
    ("source", "section_ends_before"),
    [
        pytest.param(
            "import os\n\ndef f():\n    import json\n", "def f", id="function-body-imports-left-out"
        ),
        pytest.param(
            "import os\n\nclass C:\n    import json\n", "class C", id="class-body-imports-left-out"
        ),
        pytest.param(
            "def f():\n    import json\n\nimport os\n", None, id="module-import-after-a-def"
        ),
        pytest.param(
            "import os\nif X:\n    def f():\n        import json\n", None, id="def-inside-if-kept"
        ),
        pytest.param(FAKE_DEF_IN_STRING, None, id="def-line-inside-a-string-is-no-header"),
        pytest.param(
            "import os\n\ndef f(\n    a,\n    b,\n) -> None:\n    import json\n",
            "def f",
            id="signature-closed-at-column-0-is-passed-over",
        ),
        pytest.param(
            "import os\nx = [\n    1,\n]\nif X:\n    import json\n",
            None,
            id="a-closing-bracket-of-other-code-leads-to-no-header",
        ),
        pytest.param(
            'import os\n\nclass C:\n    """Doc."""\n    def m(self):\n        try:\n'
            "            import json\n        except ValueError:\n            pass\n",
            "class C",
            id="body-cut-inside-a-try-is-checked-whole",
        ),
        pytest.param(FAKE_DEF_IN_TRY_STRING, None, id="def-line-inside-a-string-before-a-try"),
    ],
)
def test_import_section(source: str, section_ends_before: str | None) -> None:
    section = import_section(source.encode()).decode()
    if section_ends_before is None:
        assert section == source
    else:
        assert section == source[: source.index(section_ends_before)]


def test_import_after_a_fake_def_header_is_still_seen() -> None:
    after = FAKE_DEF_IN_STRING.replace("    import json\n", "    pass\n")
    found = find_removals(Path("m.py"), "m", FAKE_DEF_IN_STRING.encode(), after.encode())
    assert {(r.name, r.branch) for r in found} == {("json", ("if sys",))}


@pytest.mark.parametrize(
    ("before", "after", "same"),
    [
        pytest.param("import b\nimport a\n", "import a\nimport b\n", True, id="sorted"),
        pytest.param(
            "from x import a\nfrom x import b\n", "from x import a, b\n", True, id="merged"
        ),
        pytest.param(
            "from x import (a,  # why\n    b as c)\n",
            "from x import (\n    a,  # why\n    b as c,\n)\n",
            True,
            id="rewrapped",
        ),
        pytest.param("import os; import sys\n", "import os\nimport sys\n", True, id="semicolon"),
        pytest.param("from x import a, b\n", "from x import a\n", False, id="alias-dropped"),
        pytest.param("from x import b as c\n", "from x import b\n", False, id="alias-renamed"),
        pytest.param("from x import a\n", "from y import a\n", False, id="other-module"),
        pytest.param(
            "import os\nif X:\n    pass\n", "if X:\n    import os\n", False, id="indented"
        ),
        pytest.param("import a; x = 1\n", "import a; x = 2\n", False, id="other-code-kept"),
    ],
)
def test_same_imports(before: str, after: str, same: bool) -> None:
    assert same_imports(before.encode(), after.encode()) is same


_SOURCE_PIECES = st.sampled_from(
    [
        "import os\n",
        "from a.b import (c,\n  d)\n",
        "  from . import x\n",
        "x = 'import y'\n",
        "import \\\n  z\n",
        "s = '''\\\nfrom q import r\n'''\n",
        "\ufeffimport bom\n",
        "reimport x\n",
        "from m import *; import n\n",
        "\n",
        "import_module('a')\n",
    ]
)


@given(st.lists(_SOURCE_PIECES, max_size=12))
def test_statement_matches_finds_what_the_pattern_finds(pieces: list[str]) -> None:
    source = "".join(pieces).encode()
    expected = [(m.start(), m.group()) for m in _IMPORT_STATEMENT.finditer(source)]
    assert [(m.start(), m.group()) for m in statement_matches(source)] == expected


def test_a_move_under_type_checking_is_marked_typed() -> None:
    """TC003's move keeps the name for type checkers: a typing-only consumer keeps its meaning."""
    before = b"import os\nimport sys\n\nX = sys.argv\n"
    after = b"from typing import TYPE_CHECKING\nimport sys\n\nif TYPE_CHECKING:\n    import os\n\nX = sys.argv\n"
    (moved,) = find_removals(Path("m.py"), "m", before, after)
    assert (moved.name, moved.typed) == ("os", True)
    (gone,) = find_removals(Path("m.py"), "m", before, b"import sys\n\nX = sys.argv\n")
    assert (gone.name, gone.typed) == ("os", False)
