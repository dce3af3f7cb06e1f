"""Where import names start: the directories a project puts on `sys.path`.

A repository is rarely one flat package: `src/` layouts, workspaces of members that each have
their own `src/` (`packages/acme-core/src/acme/core/api.py` is `acme.core.api`), `Lib/`
(fontTools), and the directories a `pyproject.toml` or `setup.cfg` declares. A module's import
name is its path below such a root, and users read messages by that name.
"""

from __future__ import annotations

import configparser
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: A directory holding one of these is a project: its own directory is a root.
MARKERS = ("pyproject.toml", "setup.cfg", "setup.py")
#: Conventional roots: any `src/`, and a `lib/` or `Lib/` that holds a package.
SRC = "src"
LIBS = frozenset({"lib", "Lib"})
#: Words a build configuration that declares package directories contains.
_DECLARING = (b"where", b"package-dir", b"package_dir", b"packages", b"sources")


def source_roots(root: str, directories: Iterable[str], init_dirs: set[str]) -> tuple[str, ...]:
    """`root`, and the source roots at or below it among `directories` (those holding Python
    files) and their ancestors: projects, conventional roots, and the directories projects
    declare. Never a directory outside `root`, nor one inside a regular package."""
    inside = root.rstrip(os.sep) + os.sep
    found = {root}
    parents_of_packages = {os.path.dirname(d) for d in init_dirs}
    for directory in (root, *_ancestors(directories, inside)):
        if directory in init_dirs or os.path.dirname(directory) in init_dirs:
            continue
        name = os.path.basename(directory)
        if name == SRC or (name in LIBS and directory in parents_of_packages):
            found.add(directory)
        if any(os.path.isfile(os.path.join(directory, m)) for m in MARKERS):
            found.add(directory)
            found.update(
                d for d in declared(directory) if d.startswith(inside) and os.path.isdir(d)
            )
    return tuple(sorted(found))


def _ancestors(directories: Iterable[str], inside: str) -> Iterator[str]:
    """Each of `directories` below `inside`, and their ancestors up to it, once."""
    seen: set[str] = set()
    for directory in directories:
        while directory.startswith(inside) and directory not in seen:
            seen.add(directory)
            yield directory
            directory = os.path.dirname(directory)


def declared(project: str) -> list[str]:
    """The package directories `project`'s pyproject.toml and setup.cfg declare (absolute)."""
    found: list[str] = []
    for name, reader in (("pyproject.toml", _pyproject_dirs), ("setup.cfg", _setup_cfg_dirs)):
        try:
            with open(os.path.join(project, name), "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        if any(word in data for word in _DECLARING):
            text = data.decode("utf-8", errors="replace")
            found += [os.path.normpath(os.path.join(project, d)) for d in reader(text)]
    return found


def _pyproject_dirs(text: str) -> list[str]:
    """setuptools `packages.find.where` and `package-dir`, hatch wheel `packages`/`sources`,
    pdm `package-dir`, poetry `packages` (`from`)."""
    tool = toml_tables(text).get("tool", {})
    setuptools = _table(tool, "setuptools")
    wheel = _table(_table(_table(_table(tool, "hatch"), "build"), "targets"), "wheel")
    sources = wheel.get("sources")
    roots = [k for k, v in sources.items() if v == ""] if isinstance(sources, dict) else []
    found = [
        *_strings(_table(_table(setuptools, "packages"), "find").get("where")),
        *_package_dirs(setuptools.get("package-dir")),
        *(os.path.dirname(p.rstrip("/")) or "." for p in _strings(wheel.get("packages"))),
        *roots,
        *_strings(sources),
        *_strings(_table(_table(tool, "pdm"), "build").get("package-dir")),
    ]
    for package in _table(tool, "poetry").get("packages", []):
        if isinstance(package, dict) and isinstance(package.get("from"), str):
            found.append(package["from"])
    return found


def toml_tables(text: str) -> dict[str, Any]:
    """The TOML document's tables (empty if it does not parse)."""
    try:
        tables: dict[str, Any] = tomllib.loads(text)
        return tables
    except tomllib.TOMLDecodeError:
        return {}


def _setup_cfg_dirs(text: str) -> list[str]:
    """`[options] package_dir` and `[options.packages.find] where`."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    mapping = {}
    for line in parser.get("options", "package_dir", fallback="").splitlines():
        key, eq, value = line.partition("=")
        if eq:
            mapping[key.strip()] = value.strip()
    where = parser.get("options.packages.find", "where", fallback="").split()
    return [*where, *_package_dirs(mapping)]


def _package_dirs(mapping: object) -> list[str]:
    """A `package-dir` mapping's roots: the value of `""`, and the parent of a top-level
    package's directory when it bears the package's name."""
    if not isinstance(mapping, dict):
        return []
    found = []
    for package, directory in mapping.items():
        if not isinstance(directory, str):
            continue
        if package == "":
            found.append(directory)
        elif "." not in package and os.path.basename(directory.rstrip("/")) == package:
            found.append(os.path.dirname(directory.rstrip("/")) or ".")
    return found


def _table(data: object, key: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
