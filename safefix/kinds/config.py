"""Entry points and tool settings in configuration files: `[project.scripts]`, setup.cfg's
`entry_points`, `module:attr` / `module.attr` values in pyproject.toml, setup.cfg, tox.ini and
pytest.ini (`-p plugin.name`, `DJANGO_SETTINGS_MODULE`, plugin lists)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from safefix.kinds._config_files import CONFIG_FILES
from safefix.kinds._kind import Example, Kind, Screen, TextReader
from safefix.kinds._syntax import resolve_target
from safefix.modules import ModuleMap
from safefix.types import Consumer, ConsumerKind

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ENTRY_POINT_TABLES = {
    ("project", "scripts"),
    ("project", "gui-scripts"),
    ("project", "entry-points"),
}
_TOKEN = re.compile(r"[A-Za-z_]\w*(?:[.:][A-Za-z_]\w*)+")


def config_consumers(path: Path, text: str, modules: ModuleMap) -> list[Consumer]:
    """Entry points and `module:attr` / `module.attr` settings that name project code."""
    if path.name == "pyproject.toml":
        return _toml_consumers(path, text, modules)
    found = []
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith(("#", ";")):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1].strip().lower()
            continue
        kind = ConsumerKind.ENTRY_POINT if "entry_points" in section else ConsumerKind.CONFIG
        for token in _TOKEN.finditer(line):
            if target := resolve_target(token.group(), modules):
                found.append(Consumer(path, number, *target, kind, stripped))
    return found


def _toml_consumers(path: Path, text: str, modules: ModuleMap) -> list[Consumer]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    found = []
    for keys, value in _toml_strings(data, ()):
        target = resolve_target(value, modules)
        if target is None:
            continue
        is_entry = any(keys[: len(table)] == table for table in ENTRY_POINT_TABLES)
        kind = ConsumerKind.ENTRY_POINT if is_entry else ConsumerKind.CONFIG
        offset = text.find(value)
        line = text.count("\n", 0, offset) + 1 if offset >= 0 else 1
        found.append(Consumer(path, line, *target, kind, f"{'.'.join(keys)} = {value!r}"))
    return found


def _toml_strings(value: Any, keys: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(value, str):
        yield keys, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _toml_strings(item, (*keys, str(key)))
    elif isinstance(value, list):
        for item in value:
            yield from _toml_strings(item, keys)


KIND = Kind(
    name="config",
    labels=(ConsumerKind.ENTRY_POINT, ConsumerKind.CONFIG),
    screen=Screen.NEAR_MODULE,
    text=TextReader(CONFIG_FILES, frozenset(), config_consumers),
    valid=(
        Example(
            "setup-cfg",
            "setup.cfg",
            "[options.entry_points]\nconsole_scripts =\n    x = app.api:json\n",
        ),
        Example("scripts", "pyproject.toml", '[project.scripts]\nx = "app.api:json"\n'),
        Example("gui-scripts", "pyproject.toml", '[project.gui-scripts]\nx = "app.api:json"\n'),
        Example("tool-setting", "pyproject.toml", '[tool.x]\nhook = "app.api.json"\n'),
        Example("tox-ini", "tox.ini", "[pytest]\naddopts = -p app.api.json\n"),
    ),
    invalid=(
        Example("comment", "setup.cfg", "[metadata]\n# see app.api.json\n"),
        Example("other-module", "pyproject.toml", '[project.scripts]\nx = "app.other:json"\n'),
        Example("bad-toml", "pyproject.toml", '[project.scripts\nx = "app.api:json"\n'),
        Example("unread-file", "app.cfg", "x = app.api:json\n"),
    ),
)
