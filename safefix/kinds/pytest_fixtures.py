"""pytest fixtures, found by name: `def test_x(db)` asks pytest for the fixture `db`, which it
looks up in the test module's own globals and in every `conftest.py` from the module's
directory up. A fixture imported into a conftest.py or a test module (`from .fixtures import
db`) looks unused to ruff; the parameter is its consumer."""

from __future__ import annotations

import ast
import os
from pathlib import Path

from safefix.conventions import ANY_PYTEST_PLUGIN
from safefix.kinds._kind import Example, Kind, Screen
from safefix.kinds._syntax import PythonFile, call_name, string_value
from safefix.types import ConsumerKind

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
#: Parameters pytest fills with something other than a fixture of the module's.
_NOT_FIXTURES = frozenset({"self", "cls"})


def is_pytest_file(path: Path | str) -> bool:
    """Whether pytest looks up fixtures in this file's globals (by its default file names)."""
    name = os.path.basename(path)
    return name == "conftest.py" or (
        name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))
    )


def collect(file: PythonFile) -> None:
    if file.doctest_of is not None or not is_pytest_file(file.path):
        return
    scopes = _scopes(file)
    for node in file.nodes[ast.FunctionDef] + file.nodes[ast.AsyncFunctionDef]:
        if node.name.startswith("test") or _is_fixture(node):
            arguments = node.args
            for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
                if arg.arg not in _NOT_FIXTURES:
                    _request(file, scopes, arg.arg, node.lineno, f"{node.name}({arg.arg})")
    for call in file.nodes[ast.Call]:
        if call_name(call) == "usefixtures":
            for argument in call.args:
                if name := string_value(argument):
                    _request(file, scopes, name, call.lineno, f"usefixtures({name!r})")


def _scopes(file: PythonFile) -> list[str]:
    """The modules whose globals pytest searches for this file's fixtures: its own, then each
    conftest.py from its directory up, then every plugin (which only the index knows)."""
    found = [file.own_module] if file.own_module else []
    for directory in file.path.parents:
        conftest = directory / "conftest.py"
        if conftest in file.modules.names and conftest != file.path:
            found.append(file.modules.display_name(conftest))
    return [*found, ANY_PYTEST_PLUGIN]


def _request(file: PythonFile, scopes: list[str], name: str, line: int, text: str) -> None:
    for module in scopes:
        file.add(line, module, name, ConsumerKind.PYTEST_FIXTURE, text)


def _is_fixture(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr == "fixture":
            return True
        if isinstance(target, ast.Name) and target.id == "fixture":
            return True
    return False


_CONFTEST = "tests/conftest.py"
_IMPORTED = (("tests/conftest.py", "from app.api import json\n"),)

KIND = Kind(
    name="pytest_fixtures",
    labels=(ConsumerKind.PYTEST_FIXTURE,),
    screen=Screen.PYTEST_SCOPE,
    python=collect,
    valid=(
        Example(
            "test-parameter",
            "tests/test_a.py",
            "def test_a(json):\n    assert json\n",
            _CONFTEST,
            _IMPORTED,
        ),
        Example(
            "deeper-test-parameter",
            "tests/unit/test_b.py",
            "class TestB:\n    def test_b(self, json):\n        assert json\n",
            _CONFTEST,
            _IMPORTED,
        ),
        Example(
            "fixture-parameter",
            "tests/sub/conftest.py",
            "import pytest\n@pytest.fixture\ndef client(json):\n    return json\n",
            _CONFTEST,
            _IMPORTED,
        ),
        Example(
            "usefixtures",
            "tests/test_c.py",
            'import pytest\n@pytest.mark.usefixtures("json")\ndef test_c():\n    pass\n',
            _CONFTEST,
            _IMPORTED,
        ),
        Example(
            "own-test-module",
            "tests/test_d.py",
            "from app.api import json\ndef test_d(json):\n    assert json\n",
            "tests/test_d.py",
        ),
    ),
    invalid=(
        Example(
            "not-a-test-file",
            "tests/helpers.py",
            "def make(json):\n    return json\n",
            _CONFTEST,
            _IMPORTED,
        ),
        Example(
            "outside-the-conftest-directory",
            "other/test_e.py",
            "def test_e(json):\n    assert json\n",
            _CONFTEST,
            _IMPORTED,
        ),
        Example(
            "helper-function-parameter",
            "tests/test_f.py",
            "def build(json):\n    return json\ndef test_f():\n    assert build(1)\n",
            _CONFTEST,
            _IMPORTED,
        ),
        Example(
            "other-parameter",
            "tests/test_g.py",
            "def test_g(tmp_path):\n    assert tmp_path\n",
            _CONFTEST,
            _IMPORTED,
        ),
    ),
)
