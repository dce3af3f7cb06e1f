"""pytest fixtures, found by name: `def test_x(db)` asks pytest for the fixture `db`, which it
looks up in the test module's own globals and in every `conftest.py` from the module's
directory up. A fixture imported into a conftest.py or a test module (`from .fixtures import
db`) looks unused to ruff; the parameter is its consumer."""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

from safefix.bindings import parse
from safefix.conventions import ANY_PYTEST_PLUGIN
from safefix.kinds._kind import Example, Kind, Screen
from safefix.kinds._syntax import PythonFile, call_name, keyword, string_value
from safefix.modules import ModuleMap
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
            given = _parametrized(node)
            for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
                if arg.arg not in _NOT_FIXTURES and arg.arg not in given:
                    _request(file, scopes, arg.arg, node.lineno, f"{node.name}({arg.arg})")
    for call in file.nodes[ast.Call]:
        if call_name(call) == "usefixtures":
            for argument in call.args:
                if name := string_value(argument):
                    _request(file, scopes, name, call.lineno, f"usefixtures({name!r})")


def _parametrized(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """The arguments the function's own `@pytest.mark.parametrize("a, b", ...)` gives it
    directly: pytest fills them with values, not fixtures (unless `indirect`)."""
    given: set[str] = set()
    for decorator in node.decorator_list:
        if not isinstance(decorator, ast.Call) or call_name(decorator) != "parametrize":
            continue
        if keyword(decorator, "indirect") or not decorator.args:
            continue
        names = decorator.args[0]
        items = names.elts if isinstance(names, (ast.List, ast.Tuple)) else [names]
        for item in items:
            text = string_value(item) or ""
            given.update(part.strip() for part in text.split(","))
    return given


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
    """Decorated `@pytest.fixture`, `@fixture(...)`, `@pytest_asyncio.fixture`..."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr in _FIXTURE_DECORATORS:
            return True
        if isinstance(target, ast.Name) and target.id in _FIXTURE_DECORATORS:
            return True
    return False


_FIXTURE_DECORATORS = frozenset({"fixture", "yield_fixture"})
#: How many imports `binds_fixture` follows before it gives up (and assumes a fixture).
_MAX_HOPS = 8


def binds_fixture(path: Path, name: str, modules: ModuleMap, hops: int = 0) -> bool:
    """Whether `name` in the module file `path` may be a fixture or hook pytest looks up: a
    `pytest_*` name, a function decorated as a fixture, or an import of one, followed through
    the project's modules. What safefix cannot see through (an import from outside the
    project, a name bound by a call or not found at all) may be one; a class, a module, a
    literal or an undecorated function is not."""
    if name.startswith("pytest_") or hops > _MAX_HOPS:
        return True
    try:
        tree = parse(path.read_bytes(), str(path))
    except (OSError, SyntaxError, ValueError):
        return True
    for stmt in _module_level(tree.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
            return _is_fixture(stmt)
        if isinstance(stmt, ast.ClassDef) and stmt.name == name:
            return False
        if isinstance(stmt, ast.Import):
            if any((a.asname or a.name.split(".")[0]) == name for a in stmt.names):
                return False  # a module
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if (alias.asname or alias.name) == name:
                    return _imports_fixture(path, stmt, alias.name, modules, hops)
        elif isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in stmt.targets
        ):
            return isinstance(stmt.value, (ast.Call, ast.Name, ast.Attribute))
    return True


def _imports_fixture(
    path: Path, stmt: ast.ImportFrom, attr: str, modules: ModuleMap, hops: int
) -> bool:
    base = modules.absolute(path, stmt.level, stmt.module) if stmt.level else stmt.module
    if not base or not modules.is_module(base):
        return True  # from outside the project: it may be a fixture
    if modules.is_module(f"{base}.{attr}"):
        return False  # a submodule
    return any(binds_fixture(file, attr, modules, hops + 1) for file in modules.files(base))


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The module's statements, and those in its `if` / `try` / `with` blocks, last first (the
    binding that counts is the last one)."""
    for stmt in reversed(body):
        yield stmt
        if isinstance(stmt, (ast.If, ast.Try, ast.With)):
            for arm in (stmt.body, getattr(stmt, "orelse", []), getattr(stmt, "finalbody", [])):
                yield from _module_level(arm)
            for handler in getattr(stmt, "handlers", []):
                yield from _module_level(handler.body)


_CONFTEST = "tests/conftest.py"
_FIXTURES = ("app/fixtures.py", "import pytest\n@pytest.fixture\ndef json():\n    return 1\n")
_IMPORTED = (("tests/conftest.py", "from app.fixtures import json\n"), _FIXTURES)
_TEST = ("tests/test_a.py", "def test_a(json):\n    assert json\n")

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
            "from app.fixtures import json\ndef test_d(json):\n    assert json\n",
            "tests/test_d.py",
            (_FIXTURES,),
        ),
        Example(
            "indirect-parametrize",
            "tests/test_p.py",
            '@pytest.mark.parametrize("json", [1], indirect=True)\ndef test_p(json):\n    pass\n',
            _CONFTEST,
            _IMPORTED,
        ),
        Example(
            "parametrize-of-another-argument",
            "tests/test_p.py",
            '@pytest.mark.parametrize("x", [1])\ndef test_p(x, json):\n    assert json\n',
            _CONFTEST,
            _IMPORTED,
        ),
        Example(
            "fixture-through-a-re-export",
            *_TEST,
            _CONFTEST,
            (
                ("tests/conftest.py", "from app.more import json\n"),
                ("app/more.py", "from .fixtures import json\n"),
                _FIXTURES,
            ),
        ),
        Example(
            "asyncio-fixture",
            *_TEST,
            _CONFTEST,
            (
                ("tests/conftest.py", "from app.fixtures import json\n"),
                (
                    "app/fixtures.py",
                    "import pytest_asyncio\n@pytest_asyncio.fixture\nasync def json():\n    return 1\n",
                ),
            ),
        ),
        Example(
            "imported-from-outside-the-project",
            *_TEST,
            _CONFTEST,
            (("tests/conftest.py", "from pytest_postgresql.factories import json\n"),),
        ),
    ),
    invalid=(
        Example(
            "an-undecorated-function",
            *_TEST,
            _CONFTEST,
            (
                ("tests/conftest.py", "from app.helpers import json\n"),
                ("app/helpers.py", "def json():\n    return 1\n"),
            ),
        ),
        Example("a-module", *_TEST, _CONFTEST, (("tests/conftest.py", "import json\n"),)),
        Example(
            "a-class",
            *_TEST,
            _CONFTEST,
            (
                ("tests/conftest.py", "from app.helpers import json\n"),
                ("app/helpers.py", "class json:\n    pass\n"),
            ),
        ),
        Example(
            "a-constant",
            *_TEST,
            _CONFTEST,
            (
                ("tests/conftest.py", "from app.helpers import json\n"),
                ("app/helpers.py", "json = 1\n"),
            ),
        ),
        Example(
            "parametrized-argument",
            "tests/test_p.py",
            '@pytest.mark.parametrize("x, json", [(1, 2)])\ndef test_p(x, json):\n    assert json\n',
            _CONFTEST,
            _IMPORTED,
        ),
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
