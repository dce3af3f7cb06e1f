"""Which file is module `a.b.c`? Module names for flat, `src/`, multi-package and namespace layouts.

A file can be importable under several names at once: `src/app/main.py` is `app.main` (with
`src/` on sys.path) and `src.app.main` (from the project root); `tests/helpers.py` in a
directory without `__init__.py` is `helpers` under pytest's rootdir-less import mode. Every
plausible name is registered, because a consumer may use any of them; a name shared by two
files maps to both, which can only make safefix keep more, never break code.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PY_SUFFIXES = (".py", ".pyi")


@dataclass(frozen=True)
class ModuleMap:
    by_name: dict[str, tuple[Path, ...]]
    #: Per file: its display name first (as the package's users import it), then the others.
    names: dict[Path, tuple[str, ...]]
    #: Every dotted prefix of a module name: packages, including namespace packages.
    packages: frozenset[str]

    def files(self, module: str) -> tuple[Path, ...]:
        return self.by_name.get(module, ())

    def is_module(self, dotted: str) -> bool:
        return dotted in self.by_name or dotted in self.packages

    def display_name(self, path: Path) -> str:
        names = self.names.get(path)
        return names[0] if names else path.stem

    def absolute(self, path: Path, level: int, module: str | None) -> str | None:
        """The absolute module a relative import in `path` names, or None if it escapes."""
        names = self.names.get(path)
        if not names:
            return None
        parts = max(names, key=lambda name: name.count(".")).split(".")
        package = parts if path.stem == "__init__" else parts[:-1]
        if level - 1 > len(package):
            return None
        base = package[: len(package) - (level - 1)]
        return ".".join([*base, *(module.split(".") if module else [])]) or None


def build_module_map(files: Iterable[Path], root: Path) -> ModuleMap:
    """Register every name each Python file in `files` can be imported under.

    Paths are handled as strings: on a large tree `pathlib` would be most of the cost.
    """
    py_files = [f for f in files if f.suffix in PY_SUFFIXES]
    init_dirs = {os.path.dirname(f) for f in map(str, py_files) if _stem(f) == "__init__"}
    base = str(root)
    by_name: dict[str, list[Path]] = {}
    names: dict[Path, tuple[str, ...]] = {}
    for file in py_files:
        file_names = _names_for(str(file), base, init_dirs)
        names[file] = file_names
        for name in dict.fromkeys(file_names):
            by_name.setdefault(name, []).append(file)
    packages = {
        ".".join(parts[:i])
        for name in by_name
        for parts in [name.split(".")]
        for i in range(1, len(parts))
    }
    return ModuleMap(
        by_name={k: tuple(v) for k, v in by_name.items()},
        names=names,
        packages=frozenset(packages),
    )


def _stem(file: str) -> str:
    return os.path.splitext(os.path.basename(file))[0]


def _names_for(file: str, root: str, init_dirs: set[str]) -> tuple[str, ...]:
    package_base = os.path.dirname(file)
    while package_base in init_dirs and package_base != os.path.dirname(package_base):
        package_base = os.path.dirname(package_base)
    rooted = _dotted(file, root)
    src = _dotted(file, os.path.join(root, "src"))
    display = src or rooted
    candidates = (display, rooted, src, _dotted(file, package_base))
    return tuple(dict.fromkeys(name for name in candidates if name))


def _dotted(file: str, base: str) -> str | None:
    """`file`'s dotted name relative to `base`, or None if it is not inside or not a name."""
    prefix = base if base.endswith(os.sep) else base + os.sep
    if not file.startswith(prefix):
        return None
    parts = os.path.splitext(file[len(prefix) :])[0].split(os.sep)
    if parts and parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(part.isidentifier() for part in parts):
        return None
    return ".".join(parts)
