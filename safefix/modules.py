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
from dataclasses import dataclass, field
from pathlib import Path

from safefix.source_roots import source_roots

PY_SUFFIXES = (".py", ".pyi")


@dataclass(frozen=True)
class ModuleMap:
    by_name: dict[str, tuple[Path, ...]]
    #: Per file: its display name first (as the package's users import it), then the others.
    names: dict[Path, tuple[str, ...]]
    #: Every dotted prefix of a module name: packages, including namespace packages.
    packages: frozenset[str]
    #: Top-level name -> the base directories it starts at -> whether it is a regular
    #: package or module there (False: a namespace package's portion).
    tops: dict[str, dict[str, bool]] = field(default_factory=dict)
    #: The source roots names start at (the project root among them).
    roots: tuple[str, ...] = ()

    def files(self, module: str) -> tuple[Path, ...]:
        return self.by_name.get(module, ())

    def is_module(self, dotted: str) -> bool:
        return dotted in self.by_name or dotted in self.packages

    def display_name(self, path: Path) -> str:
        names = self.names.get(path)
        return names[0] if names else path.stem

    def reaches(self, consumer: Path, module: str, path: Path) -> bool:
        """Whether `module`, named in the file `consumer`, can be the file `path`.

        Two directories may each hold a package of the same name (services that each have an
        `app`): from inside one, the name is that one's, never the other's. So where bases
        above `consumer` hold the module's top-level name as a regular package or module,
        `path` must start at one of them; a consumer under none (tests beside `src/`), or
        under namespace portions only (which merge over roots), may mean any.
        """
        bases = self.tops.get(module.partition(".")[0])
        if not bases or len(bases) == 1:
            return True
        above = []
        directory = os.path.dirname(str(consumer))
        while True:
            if directory in bases:
                above.append(directory)
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
        if not any(bases[base] for base in above):
            return True
        return _base(path, module) in above

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
    return ModuleMapBuilder(files, root).finish()


class ModuleMapBuilder:
    """A module map built a share at a time (`advance`), so that the time a ruff run leaves
    idle can go into it and a run that never needs the map stops paying for it there.

    Paths are handled as strings, and each directory's part of the names is worked out once:
    on a large tree `pathlib`, and the same directories over and over, would be most of the
    cost.
    """

    def __init__(self, files: Iterable[Path], root: Path) -> None:
        self._files = [f for f in files if str(f).endswith(PY_SUFFIXES)]
        self._texts = [str(f) for f in self._files]
        init_dirs = {os.path.dirname(t) for t in self._texts if _stem(t) == "__init__"}
        directories = dict.fromkeys(os.path.dirname(t) for t in self._texts)
        self._naming = _Naming(init_dirs, source_roots(str(root), directories, init_dirs))
        self._by_name: dict[str, list[Path]] = {}
        self._names: dict[Path, tuple[str, ...]] = {}
        self._done = 0

    def advance(self, count: int) -> bool:
        """Name `count` more files; whether every file is named."""
        stop = min(self._done + count, len(self._files))
        by_name, names, naming = self._by_name, self._names, self._naming
        share = slice(self._done, stop)
        for file, text in zip(self._files[share], self._texts[share], strict=True):
            directory, base = os.path.split(text)
            file_names = naming.names(directory, os.path.splitext(base)[0])
            names[file] = file_names
            for name in file_names:
                by_name.setdefault(name, []).append(file)
        self._done = stop
        return stop == len(self._files)

    def finish(self) -> ModuleMap:
        self.advance(len(self._files))
        packages = {
            ".".join(parts[:i])
            for name in self._by_name
            for parts in [name.split(".")]
            for i in range(1, len(parts))
        }
        return ModuleMap(
            by_name={k: tuple(v) for k, v in self._by_name.items()},
            names=self._names,
            packages=frozenset(packages),
            tops=self._naming.tops,
            roots=self._naming.roots,
        )


def _base(path: Path, module: str) -> str:
    """The directory the name `module` of the file `path` starts at."""
    directory = os.path.dirname(str(path))
    for _ in range(module.count(".") + (path.stem == "__init__")):
        directory = os.path.dirname(directory)
    return directory


def _stem(file: str) -> str:
    return os.path.splitext(os.path.basename(file))[0]


#: A directory's dotted parts below some base (None: it is not inside, or not a package name).
_Parts = tuple[str, ...] | None


class _Naming:
    """The names a file is importable under: from each source root that holds it
    (`source_roots`) and from above its outermost package (pytest's rootdir-less import mode),
    the first the one the package's users write: from the innermost root. What a directory
    contributes is worked out once per directory.

    Each name starts at a base directory; `tops` records, per top-level name, the bases it
    starts at and whether it is a regular package or module there (not a namespace portion).
    """

    def __init__(self, init_dirs: set[str], roots: tuple[str, ...]) -> None:
        self._init_dirs = init_dirs
        self.roots = roots
        self._roots = sorted(roots, key=len, reverse=True)  # innermost first
        self._directories: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}
        self.tops: dict[str, dict[str, bool]] = {}

    def names(self, directory: str, stem: str) -> tuple[str, ...]:
        found = []
        for base, parts in self._directory(directory):
            name = _dotted(parts, stem)
            if name:
                found.append(name)
                if not parts:  # a top-level module (or a root's own __init__, never a top)
                    self.tops.setdefault(name, {})[base] = True
        return tuple(dict.fromkeys(found))

    def _directory(self, directory: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        known = self._directories.get(directory)
        if known is None:
            package_base = directory
            while package_base in self._init_dirs and package_base != os.path.dirname(package_base):
                package_base = os.path.dirname(package_base)
            bases = dict.fromkeys(
                [*(r for r in self._roots if _inside(directory, r)), package_base]
            )
            known = tuple(
                (base, parts) for base in bases if (parts := _parts(directory, base)) is not None
            )
            for base, parts in known:
                if parts:
                    regular = os.path.join(base, parts[0]) in self._init_dirs
                    tops = self.tops.setdefault(parts[0], {})
                    tops[base] = tops.get(base, False) or regular
            self._directories[directory] = known
        return known


def _inside(directory: str, base: str) -> bool:
    return directory == base or directory.startswith(base.rstrip(os.sep) + os.sep)


def _parts(directory: str, base: str) -> _Parts:
    """`directory`'s dotted parts relative to `base`: () for `base` itself, None if it is not
    inside or a part is not a name."""
    prefix = base if base.endswith(os.sep) else base + os.sep
    inside = directory if directory.endswith(os.sep) else directory + os.sep
    if not inside.startswith(prefix):
        return None
    relative = inside[len(prefix) :].rstrip(os.sep)
    parts = tuple(relative.split(os.sep)) if relative else ()
    return parts if all(part.isidentifier() for part in parts) else None


def _dotted(parts: _Parts, stem: str) -> str | None:
    """The dotted name of the file `stem` in a directory with dotted `parts` (None if none)."""
    if parts is None:
        return None
    if stem == "__init__":
        return ".".join(parts) or None
    return ".".join((*parts, stem)) if stem.isidentifier() else None
