"""`import pkg`, then `pkg.sub.X`: the attribute `pkg.sub` exists only because some import
of `pkg.sub` ran (here or anywhere else in the process), so that import is consumed here.

A file that imports `pkg.sub` itself (`import pkg.sub`, `from pkg.sub import X`, `from pkg
import sub`) sets the attribute on its own: it consumes no one else's import.
"""

from __future__ import annotations

import ast
from functools import cached_property

from safefix.kinds._kind import Example, Kind, Screen
from safefix.kinds._syntax import PythonFile, aliased_chains
from safefix.types import ConsumerKind


def collect(file: PythonFile) -> None:
    aliases = file.aliases
    own: set[str] | None = None
    for node, chain in aliased_chains(file):
        if own is None:
            own = _OwnImports(file).modules
        for target in aliases[chain[0]]:
            current = target
            for depth, attr in enumerate(chain[1:], start=2):
                following = f"{current}.{attr}"
                if not file.modules.is_module(following):
                    break
                if following not in own:
                    text = ".".join(chain[:depth])
                    file.add(node.lineno, current, attr, ConsumerKind.SUBMODULE, text)
                current = following


class _OwnImports:
    """The modules a file's own imports run, packages on the way included."""

    def __init__(self, file: PythonFile) -> None:
        self.file = file

    @cached_property
    def modules(self) -> set[str]:
        found: set[str] = set()
        for node in self.file.nodes[ast.Import]:
            for alias in node.names:
                found |= _prefixes(alias.name)
        for node in self.file.nodes[ast.ImportFrom]:
            base = self.file.import_base(node)
            if base is None:
                continue
            found |= _prefixes(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
        return found


def _prefixes(module: str) -> set[str]:
    parts = module.split(".")
    return {".".join(parts[: i + 1]) for i in range(len(parts))}


KIND = Kind(
    name="submodules",
    labels=(ConsumerKind.SUBMODULE,),
    screen=Screen.NEAR_MODULE,
    python=collect,
    valid=(
        Example(
            "package-attribute",
            "tests/t.py",
            "import app\nx = app.json.dumps\n",
            target="app/__init__.py",
            also=(("app/json.py", "def dumps(): ...\n"),),
        ),
        Example(
            "through-another-submodule",
            "tests/t.py",
            "import app.other\ndef f():\n    return app.json.dumps\n",
            target="app/__init__.py",
            also=(("app/json.py", "def dumps(): ...\n"),),
        ),
        Example(
            "package-alias",
            "tests/t.py",
            "import app as a\nx = a.json.dumps\n",
            target="app/__init__.py",
            also=(("app/json.py", "def dumps(): ...\n"),),
        ),
    ),
    invalid=(
        Example(
            "imports-it-itself",
            "tests/t.py",
            "import app.json\nx = app.json.dumps\n",
            target="app/__init__.py",
            also=(("app/json.py", "def dumps(): ...\n"),),
        ),
        Example(
            "from-imports-it",
            "tests/t.py",
            "import app\nfrom app.json import dumps\nx = app.json.dumps\n",
            target="app/__init__.py",
            also=(("app/json.py", "def dumps(): ...\n"),),
        ),
        Example(
            "another-submodule",
            "tests/t.py",
            "import app\nx = app.other.json\n",
            target="app/__init__.py",
            also=(("app/json.py", "def dumps(): ...\n"),),
        ),
    ),
)
