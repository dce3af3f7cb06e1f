"""`import pkg.mod` (or `as m`, `from pkg import mod`, `m = import_module("pkg.mod")`), then
`pkg.mod.NAME` or `m.NAME`: an attribute of a project module reached through a name."""

from __future__ import annotations

from safefix.kinds._kind import Example, Kind, Screen
from safefix.kinds._syntax import PythonFile, aliased_chains
from safefix.types import ConsumerKind


def collect(file: PythonFile) -> None:
    kind = file.label(ConsumerKind.ATTRIBUTE)
    for node, chain in aliased_chains(file):
        for target in file.aliases[chain[0]]:
            _follow(file, target, chain[1:], node.lineno, kind)


def _follow(
    file: PythonFile, current: str, attrs: list[str], line: int, kind: ConsumerKind
) -> None:
    """Each attribute of a module along `current.a.b.c`, as far as the chain names modules.
    (A submodule reached as an attribute is the `submodules` kind's: it is set by whoever
    imports it, not by a name its package binds.)"""
    for attr in attrs:
        following = f"{current}.{attr}"
        if not file.modules.is_module(following):
            if file.modules.is_module(current):
                file.add(line, current, attr, kind, f"{current}.{attr}")
            return
        current = following


KIND = Kind(
    name="attributes",
    labels=(ConsumerKind.ATTRIBUTE,),
    screen=Screen.NEAR_MODULE,
    python=collect,
    valid=(
        Example("dotted", "tests/t.py", "import app.api\nx = app.api.json\n"),
        Example("module-alias", "tests/t.py", "from app import api as a\nx = a.json\n"),
        Example("import-as", "tests/t.py", "import app.api as a\nx = a.json.dumps\n"),
        Example(
            "importorskip",
            "tests/t.py",
            'import pytest\napi = pytest.importorskip("app.api")\napi.json\n',
        ),
        Example("relative-module", "app/r.py", "from . import api\napi.json\n"),
        Example("relative-alias", "app/r.py", "from . import api as a\nx = a.json\n"),
    ),
    invalid=(
        Example("other-module", "tests/t.py", "import app.other\nx = app.other.json\n"),
        Example("unbound-name", "tests/t.py", "import app\nx = api.json\n"),
        Example("another-object", "tests/t.py", "import app.api\nx = request.json\n"),
    ),
)
