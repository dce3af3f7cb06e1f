"""pytest plugins: a module named by `pytest_plugins = [...]` (in a conftest.py, a test module
or another plugin), by `-p NAME` in pytest's `addopts`, or by a `pytest11` entry point is
registered by pytest, which calls its `pytest_*` hooks and looks the fixtures that any test asks
for by name up in it; it calls every conftest.py's hooks too. A hook or fixture imported into
such a module looks unused to ruff: the declaration (or the conftest.py itself) consumes it, by
the rules of `safefix.conventions`."""

from __future__ import annotations

import ast
from pathlib import Path

from safefix.conventions import PYTEST_PLUGIN
from safefix.kinds._config_files import (
    CONFIG_FILES,
    PYTEST,
    entry_points,
    module_consumer,
    options,
    settings,
)
from safefix.kinds._kind import Example, Kind, Screen, TextReader
from safefix.kinds._syntax import PythonFile, keyword, string_value
from safefix.modules import ModuleMap
from safefix.types import Consumer, ConsumerKind

_KIND = ConsumerKind.PYTEST_PLUGIN


def collect(file: PythonFile) -> None:
    """`pytest_plugins = "m"` / `["m", ...]` at module level declares each project module."""
    if file.doctest_of is not None:
        return
    if file.path.name == "setup.py":
        collect_setup_py(file)
    for module in file.nodes[ast.Module]:
        for stmt in module.body:
            if isinstance(stmt, ast.Assign) and _declares(stmt.targets):
                for name in _strings(stmt.value):
                    if file.modules.is_module(name):
                        text = f"pytest_plugins = [{name!r}]"
                        file.add(stmt.lineno, name, PYTEST_PLUGIN, _KIND, text)


def collect_setup_py(file: PythonFile) -> None:
    """`setup(entry_points={"pytest11": ["name = module"]})` in setup.py."""
    for call in file.nodes[ast.Call]:
        groups = keyword(call, "entry_points")
        if not isinstance(groups, ast.Dict):
            continue
        for group, specs in zip(groups.keys, groups.values, strict=True):
            if group is not None and string_value(group) == "pytest11":
                for spec in _strings(specs):
                    module = spec.partition("=")[2].split(":")[0].split("[")[0].strip()
                    if file.modules.is_module(module):
                        file.add(call.lineno, module, PYTEST_PLUGIN, _KIND, f"pytest11: {spec}")


def _declares(targets: list[ast.expr]) -> bool:
    return any(isinstance(t, ast.Name) and t.id == "pytest_plugins" for t in targets)


def _strings(value: ast.expr) -> list[str]:
    items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
    return [text for item in items if (text := string_value(item)) is not None]


def config_plugins(path: Path, text: str, modules: ModuleMap) -> list[Consumer]:
    """`-p NAME` in pytest's `addopts` (`-p no:NAME` switches one off), `pytest11` entry points."""
    found = []
    for setting in settings(path, text, PYTEST):
        if setting.key == "addopts":
            for name in options(setting.value, "-p"):
                if not name.startswith("no:"):
                    found += module_consumer(path, modules, setting, name, PYTEST_PLUGIN, _KIND)
    for setting in entry_points(path, text, "pytest11"):
        name = setting.value.split(":")[0].split("[")[0]
        found += module_consumer(path, modules, setting, name, PYTEST_PLUGIN, _KIND)
    return found


_TEST = ("tests/test_a.py", "def test_a(json):\n    assert json\n")
#: The plugin module the name is removed from: it imports a fixture.
_PLUGIN = (
    ("app/plugin.py", "from app.fixtures import json\n"),
    ("app/fixtures.py", "import pytest\n@pytest.fixture\ndef json():\n    return 1\n"),
)
_DECLARED = (("tests/conftest.py", 'pytest_plugins = ["app.plugin"]\n'), *_PLUGIN)
_HOOK = "pytest_configure"


def _row(
    id: str,
    path: str,
    text: str,
    target: str = "app/plugin.py",
    also: tuple[tuple[str, str], ...] = (),
    name: str = "json",
) -> Example:
    """A row whose name is removed from the plugin module `app.plugin` (unless said)."""
    return Example(id, path, text, target, (*also, *_PLUGIN), name)


KIND = Kind(
    name="pytest_plugins",
    labels=(_KIND,),
    screen=Screen.DECLARED,
    declares=(b"pytest_plugins", b"pytest11"),
    python=collect,
    text=TextReader(CONFIG_FILES, frozenset(), config_plugins, (b"addopts", b"pytest11")),
    valid=(
        _row("fixture-of-a-conftest-plugin", *_TEST, also=_DECLARED[:1]),
        _row(
            "fixture-of-a-test-module-plugin",
            "tests/test_b.py",
            'pytest_plugins = ("app.plugin",)\ndef test_b(json):\n    assert json\n',
        ),
        _row(
            "addopts-p",
            "pyproject.toml",
            '[tool.pytest.ini_options]\naddopts = "-q -p app.plugin"\n',
            also=(_TEST,),
        ),
        _row(
            "pytest-ini-p",
            "pytest.ini",
            "[pytest]\naddopts = -papp.plugin\n",
            also=(_TEST,),
        ),
        _row(
            "pytest11-setup-cfg",
            "setup.cfg",
            "[options.entry_points]\npytest11 =\n    mine = app.plugin\n",
            also=(_TEST,),
        ),
        _row(
            "pytest11-setup-py",
            "setup.py",
            'from setuptools import setup\nsetup(entry_points={"pytest11": ["mine = app.plugin"]})\n',
            also=(_TEST,),
        ),
        _row(
            "pytest11-pyproject",
            "pyproject.toml",
            '[project.entry-points.pytest11]\nmine = "app.plugin"\n',
            also=(_TEST,),
        ),
        _row(
            "hook-of-a-plugin", "tests/conftest.py", 'pytest_plugins = "app.plugin"\n', name=_HOOK
        ),
        _row(
            "hook-of-a-conftest",
            "tests/conftest.py",
            "import pytest\n",
            "tests/conftest.py",
            name=_HOOK,
        ),
    ),
    invalid=(
        _row(
            "console-script-setup-py",
            "setup.py",
            'from setuptools import setup\nsetup(entry_points={"console_scripts": ["x = app.plugin"]})\n',
            also=(_TEST,),
        ),
        _row("undeclared-module", *_TEST),
        _row(
            "another-plugin",
            *_TEST,
            also=(("tests/conftest.py", 'pytest_plugins = ["app.other"]\n'),),
        ),
        _row(
            "plugin-switched-off",
            "pytest.ini",
            "[pytest]\naddopts = -p no:app.plugin\n",
            also=(_TEST,),
        ),
        _row(
            "not-a-test-file",
            "tests/helpers.py",
            "def make(json):\n    return json\n",
            also=_DECLARED[:1],
        ),
        _row(
            "not-asked-for",
            "tests/test_c.py",
            "def test_c(tmp_path):\n    assert tmp_path\n",
            also=_DECLARED[:1],
        ),
        _row(
            "not-a-hook",
            "tests/conftest.py",
            "import pytest\n",
            "tests/conftest.py",
            name="configure",
        ),
        _row(
            "hook-of-an-undeclared-module",
            "tests/test_d.py",
            "def test_d():\n    pass\n",
            name=_HOOK,
        ),
        _row(
            "nested-pytest-plugins",
            "tests/conftest.py",
            'def f():\n    pytest_plugins = ["app.plugin"]\n',
            also=(_TEST,),
        ),
    ),
)
