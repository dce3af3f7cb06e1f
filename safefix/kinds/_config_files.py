"""The tool settings that name modules a framework reads by convention, read from the config
files that hold them: pyproject.toml (`[tool.pytest.ini_options]`, `[tool.mypy]`, entry points)
and the ini files (`[pytest]` / `[tool:pytest]`, `[mypy]`, `[options.entry_points]`)."""

from __future__ import annotations

import configparser
import re
import shlex
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safefix.modules import ModuleMap
from safefix.types import Consumer, ConsumerKind

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: The configuration files the kinds read.
CONFIG_FILES = frozenset({"pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini"})
#: Where each tool's settings stand: pyproject.toml tables (dotted) and ini sections.
PYTEST = ("tool.pytest.ini_options", "pytest", "tool:pytest")
MYPY = ("tool.mypy", "mypy")
_SPLIT = re.compile(r"[,\s]+")


@dataclass(frozen=True)
class Setting:
    """One value of a tool's settings, and where it stands."""

    key: str
    value: str
    line: int


def settings(path: Path, text: str, sections: tuple[str, ...]) -> list[Setting]:
    """Every value in the first of `sections` the file has; lists flattened, ini values whole."""
    tables = _tables(path, text)
    for section in sections:
        if section in tables:
            return [
                Setting(key, value, _line(text, value))
                for key, raw in tables[section].items()
                for value in _values(raw)
            ]
    return []


def entry_points(path: Path, text: str, group: str) -> list[Setting]:
    """The entry points of one group: `[project.entry-points.GROUP]` (and poetry's
    `[tool.poetry.plugins.GROUP]`) in pyproject.toml, `GROUP =` lines in setup.cfg."""
    tables = _tables(path, text)
    found = []
    for table in (f"project.entry-points.{group}", f"tool.poetry.plugins.{group}"):
        found += settings(path, text, (table,)) if table in tables else []
    for raw in _values(tables.get("options.entry_points", {}).get(group, "")):
        for line in raw.splitlines():
            name, sep, value = line.partition("=")
            if sep and value.strip():
                found.append(Setting(name.strip(), value.strip(), _line(text, value.strip())))
    return found


def split_list(value: str) -> list[str]:
    """An ini list (`a, b` or one a line) as its items."""
    return [item for item in _SPLIT.split(value) if item]


def options(value: str, *flags: str) -> Iterator[str]:
    """The values given to command-line `flags` (`-p x`, `-px`, `--ds=x`) in an `addopts`."""
    try:
        words = shlex.split(value)
    except ValueError:
        words = value.split()
    for at, word in enumerate(words):
        for flag in flags:
            if word == flag and at + 1 < len(words):
                yield words[at + 1]
            elif word.startswith(f"{flag}=") or (len(flag) == 2 and word.startswith(flag)):
                yield word[len(flag) :].removeprefix("=")


def module_consumer(
    path: Path, modules: ModuleMap, setting: Setting, module: str, name: str, kind: ConsumerKind
) -> list[Consumer]:
    """A consumer of `module.name` where `module` (given by `setting`) is a project module."""
    module = module.strip()
    if module.endswith(".py"):  # a path, as mypy allows: `plugins = app/plugin.py`
        module = module.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
    if not modules.is_module(module):
        return []
    text = f"{setting.key} = {setting.value}"
    return [Consumer(path, setting.line, module, name, kind, text)]


def _tables(path: Path, text: str) -> dict[str, dict[str, Any]]:
    """The file's tables (pyproject.toml, by dotted name) or sections (ini files), lowercase
    keys for ini files as configparser gives them; empty if the file does not parse."""
    if path.name == "pyproject.toml":
        try:
            return dict(_toml_tables(tomllib.loads(text), ()))
        except tomllib.TOMLDecodeError:
            return {}
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keep the keys' case
    try:
        parser.read_string(text, str(path))
    except configparser.Error:
        return {}
    return {section: dict(parser[section]) for section in parser.sections()}


def _toml_tables(data: dict[str, Any], keys: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    for key, value in data.items():
        if isinstance(value, dict):
            yield ".".join((*keys, key)), value
            yield from _toml_tables(value, (*keys, key))


def _values(raw: Any) -> list[str]:
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list):
        return [item for item in raw if isinstance(item, str)]
    return []


def _line(text: str, value: str) -> int:
    offset = text.find(value)
    return text.count("\n", 0, offset) + 1 if offset >= 0 else 1
