"""Which file is module `a.b.c`? Module names for flat, `src/`, multi-package and namespace layouts.

A file can be importable under several names at once: `src/app/main.py` is `app.main` (with
`src/` on sys.path) and `src.app.main` (from the project root); `tests/helpers.py` in a
directory without `__init__.py` is `helpers` under pytest's rootdir-less import mode. Every
plausible name is registered, because a consumer may use any of them; a name shared by two
files maps to both, which can only make safefix keep more, never break code.
"""

from __future__ import annotations

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
    """Register every name each Python file in `files` can be imported under."""
    py_files = [f for f in files if f.suffix in PY_SUFFIXES]
    init_dirs = {f.parent for f in py_files if f.stem == "__init__"}
    by_name: dict[str, list[Path]] = {}
    names: dict[Path, tuple[str, ...]] = {}
    for file in py_files:
        file_names = _names_for(file, root, init_dirs)
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


def _names_for(file: Path, root: Path, init_dirs: set[Path]) -> tuple[str, ...]:
    package_base = file.parent
    while package_base in init_dirs and package_base != package_base.parent:
        package_base = package_base.parent
    rooted = _dotted(file, root)
    src = _dotted(file, root / "src")
    display = src or rooted
    candidates = (display, rooted, src, _dotted(file, package_base))
    return tuple(dict.fromkeys(name for name in candidates if name))


def _dotted(file: Path, base: Path) -> str | None:
    try:
        rel = file.relative_to(base)
    except ValueError:
        return None
    parts = list(rel.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(part.isidentifier() for part in parts):
        return None
    return ".".join(parts)
