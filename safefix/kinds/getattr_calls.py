"""`getattr(m, "NAME")`, `mock.patch.object(m, "NAME")`, `monkeypatch.setattr(m, "NAME", ...)`:
calls that need a project module's attribute to exist, naming it by a string."""

from __future__ import annotations

import ast

from safefix.kinds._kind import Example, Kind, Screen
from safefix.kinds._syntax import PythonFile, call_name, string_value
from safefix.types import ConsumerKind

#: Calls whose (module, "NAME") arguments need the attribute to exist.
ATTRIBUTE_CALLS = frozenset({"getattr", "object", "setattr", "delattr"})


def collect(file: PythonFile) -> None:
    for call in file.nodes[ast.Call]:
        name = call_name(call)
        if name not in ATTRIBUTE_CALLS or len(call.args) < 2:
            continue
        if name == "setattr" and isinstance(call.func, ast.Name):
            continue  # plain setattr() creates the attribute; monkeypatch.setattr needs it
        attr = string_value(call.args[1])
        if attr and attr.isidentifier():
            for module in file.expression_modules(call.args[0]):
                text = f"{ast.unparse(call.func)}({ast.unparse(call.args[0])}, {attr!r})"
                file.add(call.lineno, module, attr, ConsumerKind.GETATTR, text)


KIND = Kind(
    name="getattr_calls",
    labels=(ConsumerKind.GETATTR,),
    screen=Screen.NEAR_MODULE,
    python=collect,
    valid=(
        Example("getattr", "tests/t.py", 'import app.api\ngetattr(app.api, "json")\n'),
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
    ),
    invalid=(
        Example(
            "plain-setattr-creates", "tests/t.py", 'import app.api\nsetattr(app.api, "json", 1)\n'
        ),
        Example("other-module", "tests/t.py", 'import app.other\ngetattr(app.other, "json")\n'),
        Example("computed-name", "tests/t.py", 'import app.api\ngetattr(app.api, "js" + "on")\n'),
    ),
)
