"""mypy plugins: `[tool.mypy] plugins = ["app.mypy_plugin"]` (or `[mypy] plugins = a, b` in
mypy.ini / setup.cfg) makes mypy import the module and call its `plugin` function (or the
function after a colon: `app.checks:entry`). A module that imports its `plugin` from elsewhere
(`from ._impl import plugin`) looks unused to ruff; the setting consumes it."""

from __future__ import annotations

from pathlib import Path

from safefix.kinds._config_files import CONFIG_FILES, MYPY, module_consumer, settings, split_list
from safefix.kinds._kind import Example, Kind, Screen, TextReader
from safefix.modules import ModuleMap
from safefix.types import Consumer, ConsumerKind


def config_plugins(path: Path, text: str, modules: ModuleMap) -> list[Consumer]:
    """Each plugin of mypy's `plugins` setting, as a consumer of its entry function."""
    found = []
    for setting in settings(path, text, MYPY):
        if setting.key == "plugins":
            for item in split_list(setting.value):
                module, _, function = item.partition(":")
                kind = ConsumerKind.MYPY_PLUGIN
                found += module_consumer(path, modules, setting, module, function or "plugin", kind)
    return found


_PLUGIN = "plugin"

KIND = Kind(
    name="mypy_plugins",
    labels=(ConsumerKind.MYPY_PLUGIN,),
    screen=Screen.DECLARED,
    text=TextReader(
        CONFIG_FILES | {"mypy.ini", ".mypy.ini"}, frozenset(), config_plugins, (b"plugins",)
    ),
    valid=(
        Example(
            "pyproject", "pyproject.toml", '[tool.mypy]\nplugins = ["app.api"]\n', name=_PLUGIN
        ),
        Example("mypy-ini", "mypy.ini", "[mypy]\nplugins = app.other, app.api\n", name=_PLUGIN),
        Example("setup-cfg", "setup.cfg", "[mypy]\nplugins =\n    app.api\n", name=_PLUGIN),
        Example("path", "mypy.ini", "[mypy]\nplugins = app/api.py\n", name=_PLUGIN),
        Example(
            "entry-function",
            "pyproject.toml",
            '[tool.mypy]\nplugins = ["app.api:make"]\n',
            name="make",
        ),
    ),
    invalid=(
        Example("not-the-entry", "pyproject.toml", '[tool.mypy]\nplugins = ["app.api"]\n'),
        Example(
            "another-module",
            "pyproject.toml",
            '[tool.mypy]\nplugins = ["app.other"]\n',
            name=_PLUGIN,
        ),
        Example(
            "another-tool", "pyproject.toml", '[tool.other]\nplugins = ["app.api"]\n', name=_PLUGIN
        ),
        Example(
            "another-entry",
            "pyproject.toml",
            '[tool.mypy]\nplugins = ["app.api:make"]\n',
            name=_PLUGIN,
        ),
    ),
)
