"""`"pkg.mod.NAME"` or `"pkg.mod:NAME"` in code: `mock.patch` targets, plugin lists, settings,
entry points written in `setup.py`. Any string that names a project module's attribute, except
where the call it is passed to needs no attribute: a logger's name (`getLogger("pkg.mod.x")`),
a patch that creates what is missing (`mock.patch("pkg.mod.X", create=True)`)."""

from __future__ import annotations

import ast

from safefix.kinds._kind import Example, Kind, Screen
from safefix.kinds._syntax import PythonFile, names_no_attribute, resolve_target
from safefix.types import ConsumerKind

#: Longer strings are prose or data, not a target.
MAX_LENGTH = 300


def collect(file: PythonFile) -> None:
    for node in file.nodes[ast.Constant]:
        value = node.value
        if not isinstance(value, str) or len(value) > MAX_LENGTH:
            continue
        if (":" not in value and "." not in value) or not file.mentions(value):
            continue
        target = resolve_target(value, file.modules)
        call = file.calls.get(id(node))
        if target is None or names_no_attribute(call):
            continue
        text = f"{ast.unparse(call.func)}({value!r})" if call is not None else repr(value)
        file.add(node.lineno, *target, ConsumerKind.STRING, text)


KIND = Kind(
    name="strings",
    labels=(ConsumerKind.STRING,),
    screen=Screen.NEAR_MODULE,
    python=collect,
    valid=(
        Example(
            "mock-patch", "tests/t.py", 'from unittest import mock\nmock.patch("app.api.json")\n'
        ),
        Example(
            "monkeypatch-string",
            "tests/t.py",
            'def t(monkeypatch):\n    monkeypatch.setattr("app.api.json", 1)\n',
        ),
        Example(
            "setup-py-entry-point",
            "setup.py",
            'setup(entry_points={"console_scripts": ["x = app.api:json"]})\n',
        ),
        Example("plugin-list", "app/settings.py", 'PLUGINS = ["app.api:json"]\n'),
    ),
    invalid=(
        Example("module-string-alone", "tests/t.py", 'x = "app.api"\ny = "json"\n'),
        Example("other-module", "tests/t.py", 'import app.other\nmock.patch("app.other.json")\n'),
        Example("not-a-project-module", "tests/t.py", 'mock.patch("api.json")\n'),
        Example(
            "logger-name", "app/log.py", 'import logging\nlog = logging.getLogger("app.api.json")\n'
        ),
        Example("structlog-name", "app/log.py", 'log = structlog.get_logger("app.api.json")\n'),
        Example(
            "patch-create",
            "tests/t.py",
            'from unittest import mock\nmock.patch("app.api.json", create=True)\n',
        ),
        Example(
            "monkeypatch-not-raising",
            "tests/t.py",
            'def t(monkeypatch):\n    monkeypatch.setattr("app.api.json", 1, raising=False)\n',
        ),
    ),
)
