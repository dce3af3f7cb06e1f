"""An attribute of a project module read by its name as a string: `getattr(m, "NAME")`,
`hasattr(m, "NAME")`, `mock.patch.object(m, "NAME")`, `monkeypatch.setattr(m, "NAME", ...)`,
`mock.patch.multiple(m, NAME=...)` (or `"pkg.mod"`), and lookups in the module's namespace,
`vars(m)["NAME"]`, `m.__dict__["NAME"]`, `vars(m).get("NAME")`. `m` is any expression that
evaluates to the module (`PythonFile.module_of`). A call that says the attribute need not exist
(`create=True`, `raising=False`) is no consumer."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from safefix.kinds._kind import Example, Kind, Screen
from safefix.kinds._syntax import PythonFile, call_name, may_create, string_value
from safefix.types import ConsumerKind

#: Calls whose (module, "NAME") arguments need the attribute to exist.
ATTRIBUTE_CALLS = frozenset({"getattr", "hasattr", "object", "setattr", "delattr"})


def collect(file: PythonFile) -> None:
    for call in file.nodes[ast.Call]:
        name = call_name(call)
        if name in ATTRIBUTE_CALLS and len(call.args) >= 2:
            _named_attribute(file, call, name)
        elif name == "multiple" and call.args and not may_create(call):
            _patched(file, call)
        elif name == "get" and isinstance(call.func, ast.Attribute) and call.args:
            _looked_up(file, call.func.value, call.args[0], call.lineno)
    for node in file.nodes[ast.Subscript]:
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(node.value, (ast.Attribute, ast.Call)):
            _looked_up(file, node.value, key, node.lineno)


def _named_attribute(file: PythonFile, call: ast.Call, name: str) -> None:
    if name == "setattr" and isinstance(call.func, ast.Name):
        return  # plain setattr() creates the attribute; monkeypatch.setattr needs it
    attr = string_value(call.args[1])
    if attr and attr.isidentifier() and not may_create(call):
        for module in file.module_of(call.args[0]):
            text = f"{ast.unparse(call.func)}({ast.unparse(call.args[0])}, {attr!r})"
            file.add(call.lineno, module, attr, ConsumerKind.GETATTR, text)


def _patched(file: PythonFile, call: ast.Call) -> None:
    """`mock.patch.multiple(target, NAME=..., OTHER=...)`: every keyword is an attribute."""
    target = call.args[0]
    named = string_value(target)
    modules = [named] if named and file.modules.is_module(named) else file.module_of(target)
    for module in modules:
        for attr in (k.arg for k in call.keywords if k.arg):
            text = f"{ast.unparse(call.func)}({ast.unparse(target)}, {attr}=...)"
            file.add(call.lineno, module, attr, ConsumerKind.GETATTR, text)


def _looked_up(file: PythonFile, mapping: ast.expr, key: ast.expr, line: int) -> None:
    """`vars(m)["NAME"]`, `m.__dict__["NAME"]` (and `.get("NAME")`)."""
    attr = string_value(key)
    if attr is None or not attr.isidentifier() or not file.mentions(attr):
        return
    for module in namespace_of(file, mapping):
        text = f"{ast.unparse(mapping)}[{attr!r}]"
        file.add(line, module, attr, ConsumerKind.GETATTR, text)


def namespace_of(file: PythonFile, node: ast.expr) -> Iterator[str]:
    """The project modules whose namespace `node` is: `vars(m)`, `m.__dict__`."""
    if isinstance(node, ast.Attribute) and node.attr == "__dict__":
        yield from file.module_of(node.value)
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "vars"
        and len(node.args) == 1
    ):
        yield from file.module_of(node.args[0])


KIND = Kind(
    name="getattr_calls",
    labels=(ConsumerKind.GETATTR,),
    screen=Screen.NEAR_MODULE,
    python=collect,
    valid=(
        Example("getattr", "tests/t.py", 'import app.api\ngetattr(app.api, "json")\n'),
        Example("hasattr", "tests/t.py", 'from app import api\nok = hasattr(api, "json")\n'),
        Example(
            "patch-object",
            "tests/t.py",
            'import app.api\nimport mock\nmock.patch.object(app.api, "json")\n',
        ),
        Example(
            "monkeypatch-object",
            "tests/t.py",
            'import app.api as a\ndef t(monkeypatch):\n    monkeypatch.setattr(a, "json", 1)\n',
        ),
        Example(
            "import-module-getattr",
            "tests/t.py",
            'import importlib\nm = importlib.import_module("app.api")\ngetattr(m, "json")\n',
        ),
        Example(
            "getattr-import-module-inline",
            "tests/t.py",
            'import importlib\ngetattr(importlib.import_module("app.api"), "json")\n',
        ),
        Example(
            "getattr-sys-modules",
            "tests/t.py",
            'import sys\ngetattr(sys.modules["app.api"], "json")\n',
        ),
        Example("vars-subscript", "tests/t.py", 'from app import api\nx = vars(api)["json"]\n'),
        Example("dunder-dict", "tests/t.py", 'import app.api\nx = app.api.__dict__["json"]\n'),
        Example(
            "dunder-dict-get", "tests/t.py", 'import app.api as a\nx = a.__dict__.get("json")\n'
        ),
        Example(
            "patch-multiple-string",
            "tests/t.py",
            'from unittest import mock\nmock.patch.multiple("app.api", json=1, re=2)\n',
        ),
        Example(
            "patch-multiple-lines",
            "tests/test_api.py",
            "from unittest import mock\n\nfrom app import api\n\n\ndef test():\n"
            "    with mock.patch.multiple(\n        api,\n        json=1,\n    ):\n        pass\n",
        ),
        Example(
            "patch-multiple-module",
            "tests/t.py",
            "from unittest import mock\nfrom app import api\nmock.patch.multiple(api, json=1)\n",
        ),
    ),
    invalid=(
        Example(
            "plain-setattr-creates", "tests/t.py", 'import app.api\nsetattr(app.api, "json", 1)\n'
        ),
        Example("other-module", "tests/t.py", 'import app.other\ngetattr(app.other, "json")\n'),
        Example("computed-name", "tests/t.py", 'import app.api\ngetattr(app.api, "js" + "on")\n'),
        Example(
            "patch-object-create",
            "tests/t.py",
            'import app.api\nfrom unittest import mock\nmock.patch.object(app.api, "json", create=True)\n',
        ),
        Example(
            "monkeypatch-not-raising",
            "tests/t.py",
            "import app.api as a\ndef t(monkeypatch):\n"
            '    monkeypatch.setattr(a, "json", 1, raising=False)\n',
        ),
        Example(
            "patch-multiple-create",
            "tests/t.py",
            'from unittest import mock\nmock.patch.multiple("app.api", json=1, create=True)\n',
        ),
        Example(
            "patch-multiple-lines-other",
            "tests/test_api.py",
            'from unittest import mock\nwith mock.patch.multiple(\n    "app.other",\n    json=1,\n):\n'
            "    pass\n",
        ),
        Example("vars-of-other", "tests/t.py", 'from app import other\nx = vars(other)["json"]\n'),
        Example("dict-of-a-mapping", "tests/t.py", 'import app.api\nx = settings["json"]\n'),
    ),
)
