"""`dir(m)`, `vars(m)`, `inspect.getmembers(m)` over a whole project module: a registry, a CLI
that lists its commands, a test that checks every public name. Each enumerates the module's
names, so every public name of it is read (`conventions.EVERY_PUBLIC`): an import the module
does not use itself may be what the enumeration finds. `m` is any expression that evaluates
to the module (`PythonFile.module_of`). A lookup of one name in the result (`vars(m)["X"]`)
is the `getattr_calls` kind's."""

from __future__ import annotations

import ast

from safefix.conventions import EVERY_PUBLIC
from safefix.kinds._kind import Example, Kind, Screen
from safefix.kinds._syntax import PythonFile
from safefix.types import ConsumerKind

#: Builtins that enumerate their argument's attributes; `getmembers` is `inspect`'s.
_BUILTINS = frozenset({"dir", "vars"})
_MARKERS = (b"dir(", b"vars(", b"getmembers(")


def collect(file: PythonFile) -> None:
    if file.source and not any(marker in file.source for marker in _MARKERS):
        return  # no call to look at: a byte search, not a walk of every call
    looked_up: set[int] | None = None
    for call in file.nodes[ast.Call]:
        func, count = call.func, len(call.args)
        if isinstance(func, ast.Name):
            enumerates = (count == 1 and func.id in _BUILTINS) or func.id == "getmembers"
        else:
            enumerates = isinstance(func, ast.Attribute) and func.attr == "getmembers"
        if not enumerates or not 1 <= count <= 2:
            continue
        modules = file.module_of(call.args[0])
        if not modules:
            continue
        looked_up = _looked_up(file) if looked_up is None else looked_up
        if id(call) in looked_up:
            continue
        for module in modules:
            text = f"{ast.unparse(call)} (enumerates every public name of {module})"
            file.add(call.lineno, module, EVERY_PUBLIC, ConsumerKind.MEMBERS, text)


def _looked_up(file: PythonFile) -> set[int]:
    """The expressions one name is looked up in (`x["NAME"]`, `x.get("NAME")`)."""
    found = {id(node.value) for node in file.nodes[ast.Subscript]}
    found |= {
        id(call.func.value)
        for call in file.nodes[ast.Call]
        if isinstance(call.func, ast.Attribute) and call.func.attr == "get"
    }
    return found


_PRIVATE = (("app/api.py", "import json as _json\n"),)

KIND = Kind(
    name="module_members",
    labels=(ConsumerKind.MEMBERS,),
    screen=Screen.DECLARED,
    declares_re=(rb"\bdir\(\s*[A-Za-z_]", rb"\bvars\(\s*[A-Za-z_]", rb"\bgetmembers\("),
    python=collect,
    valid=(
        Example(
            "getmembers",
            "tests/t.py",
            "import inspect\nfrom app import api\ninspect.getmembers(api)\n",
        ),
        Example("dir", "tests/t.py", "import app.api\nnames = dir(app.api)\n"),
        Example(
            "vars-items",
            "app/registry.py",
            "import importlib\nfor k, v in vars(importlib.import_module('app.api')).items():\n"
            "    print(k)\n",
        ),
        Example(
            "getmembers-with-predicate",
            "tests/t.py",
            "from inspect import getmembers, isclass\nimport app.api as a\n"
            "classes = getmembers(a, isclass)\n",
        ),
    ),
    invalid=(
        Example("other-module", "tests/t.py", "from app import other\nnames = dir(other)\n"),
        Example("not-a-module", "tests/t.py", "import app\nnames = dir(app.missing)\n"),
        Example("no-argument", "app/api.py", "import json\nnames = dir()\n"),
        Example("one-name-looked-up", "tests/t.py", 'from app import api\nx = vars(api)["re"]\n'),
        Example(
            "private-name",
            "tests/t.py",
            "import inspect\nfrom app import api\ninspect.getmembers(api)\n",
            also=_PRIVATE,
            name="_json",
        ),
        Example("method-dir", "tests/t.py", "import app.api\nnames = shell.dir(app.api)\n"),
    ),
)
