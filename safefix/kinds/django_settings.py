"""Django settings: Django reads every UPPERCASE name of the module `DJANGO_SETTINGS_MODULE`
names (`os.environ.setdefault(...)` in manage.py, wsgi.py, a conftest.py; pytest-django's
`DJANGO_SETTINGS_MODULE` setting or `--ds` option; django-stubs' `django_settings_module`),
whether the module binds it itself or imports it from a base settings module (`from .base
import DEBUG`, or `from .base import *` for the base's names). Such an import looks unused to
ruff; the declaration consumes it, by the rules of `safefix.conventions`."""

from __future__ import annotations

import ast
from pathlib import Path

from safefix.conventions import EVERY_UPPERCASE
from safefix.kinds._config_files import (
    CONFIG_FILES,
    PYTEST,
    Setting,
    module_consumer,
    options,
    settings,
)
from safefix.kinds._kind import Example, Kind, Screen, TextReader
from safefix.kinds._syntax import PythonFile, call_name, string_value
from safefix.modules import ModuleMap
from safefix.types import Consumer, ConsumerKind

_VARIABLE = "DJANGO_SETTINGS_MODULE"
_KIND = ConsumerKind.DJANGO_SETTINGS
#: django-stubs' setting for mypy, in pyproject.toml and in mypy.ini / setup.cfg.
_STUBS = ("tool.django-stubs", "mypy.plugins.django-stubs")


def collect(file: PythonFile) -> None:
    """`os.environ.setdefault("DJANGO_SETTINGS_MODULE", "m")`, `os.environ[...] = "m"`."""
    if file.doctest_of is not None:
        return
    for call in file.nodes[ast.Call]:
        setdefault = call_name(call) == "setdefault" and len(call.args) == 2
        if setdefault and string_value(call.args[0]) == _VARIABLE:
            _declare(file, call.lineno, string_value(call.args[1]))
    for node in file.nodes[ast.Assign]:
        for target in node.targets:
            if isinstance(target, ast.Subscript) and string_value(target.slice) == _VARIABLE:
                _declare(file, node.lineno, string_value(node.value))


def _declare(file: PythonFile, line: int, module: str | None) -> None:
    if module and file.modules.is_module(module):
        text = f"{_VARIABLE}={module}"
        file.add(line, module, EVERY_UPPERCASE, _KIND, text)


def config_settings(path: Path, text: str, modules: ModuleMap) -> list[Consumer]:
    """pytest-django's `DJANGO_SETTINGS_MODULE` and `--ds`, django-stubs' setting."""
    found = []
    for setting in settings(path, text, PYTEST):
        if setting.key == _VARIABLE:
            found += _consumer(path, modules, setting, setting.value)
        elif setting.key == "addopts":
            for module in options(setting.value, "--ds"):
                found += _consumer(path, modules, setting, module)
    for setting in settings(path, text, _STUBS):
        if setting.key == "django_settings_module":
            found += _consumer(path, modules, setting, setting.value)
    return found


def _consumer(path: Path, modules: ModuleMap, setting: Setting, module: str) -> list[Consumer]:
    return module_consumer(path, modules, setting, module, EVERY_UPPERCASE, _KIND)


_MANAGE = "manage.py"

KIND = Kind(
    name="django_settings",
    labels=(_KIND,),
    screen=Screen.DECLARED,
    declares=(_VARIABLE.encode(),),
    python=collect,
    text=TextReader(
        CONFIG_FILES | {"mypy.ini", ".mypy.ini"},
        frozenset(),
        config_settings,
        (_VARIABLE.encode(), b"--ds", b"django_settings_module"),
    ),
    valid=(
        Example(
            "pytest-ini-options",
            "pyproject.toml",
            '[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = "app.api"\n',
            name="DEBUG",
        ),
        Example("ds-option", "pytest.ini", "[pytest]\naddopts = --ds=app.api\n", name="DEBUG"),
        Example(
            "setup-cfg",
            "setup.cfg",
            "[tool:pytest]\nDJANGO_SETTINGS_MODULE = app.api\n",
            name="DEBUG",
        ),
        Example(
            "django-stubs",
            "pyproject.toml",
            '[tool.django-stubs]\ndjango_settings_module = "app.api"\n',
            name="SECRET_KEY",
        ),
        Example(
            "manage-py",
            _MANAGE,
            'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.api")\n',
            name="DEBUG",
        ),
        Example(
            "environ-assignment",
            "app/wsgi.py",
            'import os\nos.environ["DJANGO_SETTINGS_MODULE"] = "app.api"\n',
            name="INSTALLED_APPS",
        ),
    ),
    invalid=(
        Example(
            "lowercase-name",
            "pyproject.toml",
            '[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = "app.api"\n',
        ),
        Example(
            "another-settings-module",
            _MANAGE,
            'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.other")\n',
            name="DEBUG",
        ),
        Example(
            "read-not-set",
            _MANAGE,
            'import os\nprint(os.environ.get("DJANGO_SETTINGS_MODULE"), "app.api")\n',
            name="DEBUG",
        ),
        Example(
            "another-variable",
            _MANAGE,
            'import os\nos.environ.setdefault("SETTINGS", "app.api")\n',
            name="DEBUG",
        ),
        Example(
            "another-tools-setting",
            "pyproject.toml",
            '[tool.other]\nDJANGO_SETTINGS_MODULE = "app.api"\n',
            name="DEBUG",
        ),
    ),
)
