"""The project-wide consumer index: every place that needs `module.NAME` to exist at runtime.

Consumers are read from the whole project, not only the paths being fixed, because the module
that breaks is rarely the one that was edited: a router's lazy `from app.main import X` inside a
function, a test's `mock.patch("app.api.requests")`, an entry point in `pyproject.toml`, a
doctest in the docs. The kinds (`safefix.kinds`) say what one file consumes; the index matches
consumers to removals, following star-import re-exports.

Python files are parsed with `ast` (libcst is ten times slower and nothing here needs concrete
syntax), and only if the byte screen (`screen.py`) says they can consume a removed name.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from safefix.bindings import UNANALYSABLE, parse
from safefix.bound_modules import BoundModules
from safefix.cache import IndexCache
from safefix.conventions import PYTEST_PLUGIN, by_convention
from safefix.kinds import (
    all_kinds,
    literal_all,
    python_consumers,
    text_consumers,
    text_declares,
)
from safefix.kinds.pytest_fixtures import binds_fixture, is_pytest_file
from safefix.modules import PY_SUFFIXES, ModuleMap
from safefix.parallel import parallel_map
from safefix.screen import (
    FileScreen,
    Word,
    asking_for,
    consumes_through_stars,
    may_consume,
    mention_finder,
    module_prefixes,
    pytest_scopes,
    word,
)
from safefix.shadowing import rebound_after_star
from safefix.types import Consumer, ConsumerKind, PythonScan
from safefix.workspace import read_whole


@dataclass
class ConsumerIndex:
    """Consumers keyed by (module name, attribute name), resolved to files on lookup."""

    modules: ModuleMap
    by_file: dict[Path, list[Consumer]] = field(default_factory=dict)
    #: Files that did not parse, by their text: they may consume anything they mention.
    unparsed: dict[Path, str] = field(default_factory=dict)
    #: Files and directories that cannot be read, with why: they may consume anything.
    unreadable: dict[Path, str] = field(default_factory=dict)
    #: Module name -> the files that `from module import *`.
    star_importers: dict[str, set[Path]] = field(default_factory=dict)
    #: Current text of files that are not (yet) on disk as they will be: ruff's output.
    sources: dict[Path, bytes] = field(default_factory=dict)
    #: The only names lookups will ask for (None: any); the kinds skip the rest early.
    wanted: frozenset[str] | None = None
    _by_target: dict[tuple[str, str], list[Consumer]] | None = None
    #: Each star exporter's literal `__all__` (or None), parsed once per content.
    _all: dict[Path, set[str] | None] = field(default_factory=dict)
    #: Whether a file binds a name to a fixture, found once per (file, name).
    _fixtures: dict[tuple[Path, str], bool] = field(default_factory=dict)
    #: The modules paths of bound names stand for (`services.cache`), for the table's paths.
    _bound: BoundModules | None = None

    def set_file(self, path: Path, source: bytes) -> None:
        """(Re)index one Python file from its current content."""
        self.scan_all([(path, source)])

    def scan_all(
        self, files: Sequence[tuple[Path, bytes]], complete: bool = False
    ) -> list[PythonScan | None]:
        """(Re)index many Python files, parsing them on every core when there are enough.

        `complete`: collect every consumer, not only those of the wanted names (for the cache).
        """
        wanted = None if complete else self.wanted
        results = parallel_map(partial(_scan, self.modules, wanted), files)
        self._by_target = None
        for (path, data), scan in zip(files, results, strict=True):
            self.unparsed.pop(path, None)
            self._all.pop(path, None)
            if path in self.sources:
                self.sources[path] = data
            if scan is None:
                self.by_file[path] = []
                self.unparsed[path] = data.decode("utf-8", errors="replace")
            else:
                self.add_scan(path, scan)
        return results

    def add_scan(self, path: Path, scan: PythonScan) -> None:
        self._by_target = None
        self.by_file[path] = list(scan.consumers)
        self.set_stars(path, scan.star_imports)

    def set_stars(self, path: Path, modules: Iterable[str]) -> None:
        for importers in self.star_importers.values():
            importers.discard(path)
        for module in modules:
            self.star_importers.setdefault(module, set()).add(path)

    def set_text_file(self, path: Path, text: str) -> None:
        """Index a documentation or configuration file."""
        self._by_target = None
        self.by_file[path] = text_consumers(path, text, self.modules)

    def consumers_of(self, path: Path, name: str) -> list[Consumer]:
        """Every known consumer of `name` in the module that file `path` is."""
        found = self._direct(path, name)
        seen = {path}
        queue = [path]
        while queue:
            exporter = queue.pop()
            if not self._exports(exporter, name):
                continue
            module = self.modules.display_name(exporter)
            for importer in self._star_importers_of(exporter):
                if importer in seen or rebound_after_star(
                    importer, exporter, name, self.modules, read_whole
                ):
                    continue
                seen.add(importer)
                queue.append(importer)
                via = f" (re-exported by `from {module} import *` in {importer.name})"
                found += [
                    replace(c, kind=_through_star(c.kind), text=c.text + via)
                    for c in self._direct(importer, name)
                ]
        if any(c.kind in _REQUESTS for c in found) and not self._binds_fixture(path, name):
            found = [c for c in found if c.kind not in _REQUESTS]
        return sorted(set(found), key=lambda c: (str(c.path), c.line, c.kind.value, c.text))

    def _binds_fixture(self, path: Path, name: str) -> bool:
        """Whether pytest can find a fixture (or hook) in `name` as the file on disk binds it:
        a parameter asks for a fixture, not for whatever shares its name."""
        key = (path, name)
        if key not in self._fixtures:
            self._fixtures[key] = binds_fixture(path, name, self.modules)
        return self._fixtures[key]

    def consumers_of_module(self, module: str, name: str) -> list[Consumer]:
        """The consumers of `module.name` found by that name (a package may have no file)."""
        return list(self._table().get((module, name), []))

    def _table(self) -> dict[tuple[str, str], list[Consumer]]:
        if self._by_target is None:
            self._bound = None
            self._by_target = {}
            for consumers in self.by_file.values():
                for consumer in consumers:
                    self._by_target.setdefault((consumer.module, consumer.name), []).append(
                        consumer
                    )
        return self._by_target

    def _direct(self, path: Path, name: str) -> list[Consumer]:
        table = self._table()
        found: list[Consumer] = []
        reaches = self.modules.reaches
        for module in self.modules.names.get(path, ()):
            found += [c for c in table.get((module, name), ()) if reaches(c.path, module, path)]
            found += by_convention(table, path, module, name)
        if self._bound is None:
            self._bound = BoundModules(self.modules, self._read)
        found += self._bound.consumers(table, self.modules.names.get(path, ()), name)
        return found + self._unparsed_consumers(path, name) + self._unreadable_consumers(path, name)

    def pytest_plugins(self) -> set[str]:
        """The modules declared pytest plugins (`pytest_plugins`, `-p`, `pytest11`)."""
        return {
            consumer.module
            for consumers in self.by_file.values()
            for consumer in consumers
            if consumer.name == PYTEST_PLUGIN
        }

    def _star_importers_of(self, path: Path) -> set[Path]:
        importers: set[Path] = set()
        for module in self.modules.names.get(path, ()):
            importers |= self.star_importers.get(module, set())
        return importers

    def _exports(self, path: Path, name: str) -> bool:
        if not self._star_importers_of(path):
            return False
        if path not in self._all:
            self._all[path] = self._literal_all(path)
        listed = self._all[path]
        return not name.startswith("_") if listed is None else name in listed

    def _read(self, path: Path) -> bytes:
        return self.sources.get(path) or path.read_bytes()

    def _literal_all(self, path: Path) -> set[str] | None:
        """The file's literal `__all__` (None: none, `import *` takes every public name)."""
        try:
            source = self._read(path)
            return literal_all(parse(source, str(path))) if b"__all__" in source else None
        except (OSError, SyntaxError):
            return None

    def _unparsed_consumers(self, path: Path, name: str) -> list[Consumer]:
        """A file safefix cannot parse is assumed to consume what it mentions: never absent."""
        if not self.unparsed:
            return []
        module = self.modules.display_name(path)
        leaf = module.rsplit(".", 1)[-1]
        word = re.compile(rf"\b{re.escape(name)}\b")
        found = []
        for other, text in self.unparsed.items():
            match = word.search(text)
            if match and re.search(rf"\b{re.escape(leaf)}\b", text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(
                    Consumer(other, line, module, name, ConsumerKind.UNPARSED, f"({UNANALYSABLE})")
                )
        return found

    def _unreadable_consumers(self, path: Path, name: str) -> list[Consumer]:
        """A file or directory safefix cannot read may consume any name: never absent."""
        module = self.modules.display_name(path)
        return [
            Consumer(
                other, 1, module, name, ConsumerKind.UNREADABLE, f"file cannot be read ({why})"
            )
            for other, why in self.unreadable.items()
            if other != path
        ]

    def note_unreadable(self, path: Path, why: str | None = None) -> None:
        """Record that `path` cannot be read (`why`: the error, found again if not given)."""
        if os.path.exists(path):  # gone since it was listed, or a dangling link: nothing
            self._by_target = None
            self.unreadable[path] = why or unreadable_reason(path)


def unreadable_reason(path: Path) -> str:
    """Why `path` cannot be read, as the OS says it (it may have become readable since)."""
    try:
        with path.open("rb"):
            return "unreadable"
    except OSError as error:
        return error.strerror or type(error).__name__


def _through_star(kind: ConsumerKind) -> ConsumerKind:
    """What a consumer of a star-importing module is to the module it star-imports: a
    star-import user, unless it is the public API the star import re-exports."""
    return kind if kind is ConsumerKind.PUBLIC_API else ConsumerKind.STAR_IMPORT


#: What asks pytest for a fixture by name (a test's parameter, a plugin's fixture asked for).
_REQUESTS = frozenset({ConsumerKind.PYTEST_FIXTURE, ConsumerKind.PYTEST_PLUGIN})


def _scan(
    modules: ModuleMap, wanted: frozenset[str] | None, item: tuple[Path, bytes]
) -> PythonScan | None:
    """Parse one file and collect its consumers; None if it does not parse."""
    path, data = item
    try:
        tree = parse(data, str(path))
        return python_consumers(path, tree, modules, modules.display_name(path), wanted, data)
    except (SyntaxError, RecursionError, MemoryError):  # too deep to walk: as if unparsable
        return None


def build_index(
    files: Iterable[Path],
    contents: Mapping[Path, bytes],
    targets: Mapping[str, Iterable[str]],
    modules: ModuleMap,
    text_files: Iterable[Path] = (),
    star_targets: Mapping[str, Iterable[str]] | None = None,
    own_names: Mapping[Path, Iterable[str]] | None = None,
    cache: IndexCache | None = None,
    unreadable: Mapping[Path, str] | None = None,
) -> ConsumerIndex:
    """Index the files that can consume any of `targets` (name -> module names).

    `star_targets` (name -> module names) says which modules export the name to `import *`;
    only through those can a star-importing module pass it on (None: assume all do).
    `own_names` (file -> names removed from it) finds the files whose doctests, skipif strings
    or eval() use those names in the file's own globals.

    A consumer of `pkg.mod.NAME` names NAME literally, and names the module too: by its last
    component (`from pkg.mod import`, `import pkg.mod as m`, `"pkg.mod.NAME"`), through a
    relative import, or through a module that star-imports it. Files that fail this byte-level
    test are never parsed. Files in `contents` (ruff's output, not yet on disk) are parsed if
    they mention a name at all. With a `cache`, files it knows unchanged are not even read,
    and the files parsed here are scanned completely and added to it. A file that cannot be
    read, or a directory that cannot be listed (`unreadable`, found by the file walk), may
    consume any name: it keeps every removal.
    """
    index = ConsumerIndex(modules, sources=dict(contents), wanted=frozenset(targets))
    index.unreadable.update(unreadable or {})
    items: list[tuple[Path, bytes | None]] = []
    for path in files:
        if path.suffix not in PY_SUFFIXES:
            continue
        data = contents.get(path)
        if data is None and cache is not None and cache.knows(path):
            data, known = _load(path, cache)
            if known is not None:
                index.add_scan(path, known)
                continue
            if data is None:
                index.note_unreadable(path)
                continue
        elif data is None and cache is not None:
            cache.fresh(path)  # the stat a scan of the file is stored with: taken before reading
        items.append((path, data))  # no data: the screen reads the file, on its own core
    words = {name: word(name) for name in targets}
    direct = {
        name: [word(leaf) for leaf in {module.rsplit(".", 1)[-1] for module in module_names}]
        for name, module_names in targets.items()
    }
    needles = {name: (words[name], direct[name]) for name in targets}
    leaves = {leaf.text.decode() for found in direct.values() for leaf in found}
    finder = mention_finder(targets, leaves)
    all_kinds()  # found once here, not once in every forked worker
    removed = own_names if own_names is not None else dict.fromkeys(contents, targets)
    scopes = pytest_scopes(removed)
    quoted = {name: module_prefixes(module_names) for name, module_names in targets.items()}
    screen = FileScreen(finder, needles, modules, own_names, contents.keys(), scopes, quoted)
    selected: list[tuple[Path, bytes]] = []
    unsure: list[tuple[tuple[Path, bytes | None], set[str]]] = []
    for item, found in zip(items, parallel_map(screen, items), strict=True):
        if found.stars:
            index.set_stars(item[0], found.stars)
        if found.unreadable is not None:
            index.note_unreadable(item[0], found.unreadable)
        if found.data is not None:
            selected.append((item[0], found.data))
        elif found.mentioned:
            unsure.append((item, found.mentioned))
    exporters = targets if star_targets is None else star_targets
    extra = {name: _star_leaves(index, exporters.get(name, ()), direct[name]) for name in targets}
    selected += _through_stars(unsure, {name: (words[name], extra[name]) for name in targets})
    _scan_selected(index, selected, contents, cache)
    every = [(words[name], [*direct[name], *extra[name]]) for name in targets]
    for path in text_files:
        try:
            data = read_whole(path)
        except OSError as error:
            index.note_unreadable(path, error.strerror)
            continue
        if may_consume(data, every, relative_ok=False) or text_declares(path, data):
            index.set_text_file(path, data.decode("utf-8", errors="replace"))
    # a test asks for a fixture of any plugin: known to be one once every declaration is read
    tests = [(item, names) for item, names in unsure if is_pytest_file(item[0])]
    plugins = index.pytest_plugins() if tests else set()
    from_plugins = {name for name, modules in targets.items() if plugins.intersection(modules)}
    _scan_selected(index, asking_for(tests, from_plugins, index.by_file), contents, cache)
    return index


def _star_leaves(
    index: ConsumerIndex, exporters: Iterable[str], direct: Sequence[Word]
) -> list[Word]:
    """The last components of the modules that pass a name on by star-importing one of its
    `exporters`, transitively: known only once every file was screened."""
    known = {leaf.text.decode() for leaf in direct}
    return [word(leaf) for leaf in sorted(_leaves(index, exporters) - known)]


def _through_stars(
    unsure: Sequence[tuple[tuple[Path, bytes | None], set[str]]],
    extra: Mapping[str, tuple[Word, Sequence[Word]]],
) -> list[tuple[Path, bytes]]:
    """Of the files that mention a name but passed no test, those that name it near a module
    that star-imports its module; read again, and tested on every core."""
    pending = [
        (item, [extra[name] for name in mentioned if extra[name][1]])
        for item, mentioned in unsure
        if any(extra[name][1] for name in mentioned)
    ]
    found = parallel_map(consumes_through_stars, pending)
    return [hit for hit in found if hit is not None]


def _load(
    path: Path, cache: IndexCache | None, always_read: bool = False
) -> tuple[bytes | None, PythonScan | None]:
    """A file's bytes (None if unreadable, or unchanged and not `always_read`), and the cache's
    complete scan of it if the file is unchanged since (by stat, else by content)."""
    entry = cache.fresh(path) if cache else None
    if entry is not None and entry.scan is not None and not always_read:
        return None, entry.scan
    try:
        data = read_whole(path)
    except OSError:
        return None, None
    if cache is not None and (entry is None or entry.scan is None):
        entry = cache.same_content(path, data)
    return data, entry.scan if entry is not None else None


def _scan_selected(
    index: ConsumerIndex,
    selected: Sequence[tuple[Path, bytes]],
    contents: Mapping[Path, bytes],
    cache: IndexCache | None,
) -> None:
    """Parse the files the screen let through; with a cache, those on disk completely."""
    if cache is None:
        index.scan_all(selected)
        return
    on_disk = [(path, data) for path, data in selected if path not in contents]
    index.scan_all([(path, data) for path, data in selected if path in contents])
    for (path, data), scan in zip(on_disk, index.scan_all(on_disk, complete=True), strict=True):
        if scan is not None:
            cache.store(path, data, scan)


def build_full_index(
    files: Iterable[Path],
    modules: ModuleMap,
    text_files: Iterable[Path] = (),
    cache: IndexCache | None = None,
) -> ConsumerIndex:
    """Index every consumer of every name: for `safefix check`, which asks about all of them."""
    sources = []
    index = ConsumerIndex(modules)
    for path in files:
        if path.suffix in PY_SUFFIXES:
            data, known = _load(path, cache, always_read=True)
            if data is None:
                index.note_unreadable(path)
                continue
            index.sources[path] = data  # kept: `check` reads them again
            if known is not None:
                index.add_scan(path, known)
            else:
                sources.append((path, data))
    _scan_selected(index, sources, {}, cache)
    for path in text_files:
        try:
            index.set_text_file(path, path.read_text(encoding="utf-8", errors="replace"))
        except OSError as error:
            index.note_unreadable(path, error.strerror)
    return index


def _leaves(index: ConsumerIndex, module_names: Iterable[str]) -> set[str]:
    """Last components of the modules, and of every module that star-imports them, transitively."""
    pending = list(module_names)
    seen: set[str] = set()
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        seen.add(module)
        for importer in index.star_importers.get(module, ()):
            pending += index.modules.names.get(importer, ())
    return {module.rsplit(".", 1)[-1] for module in seen}
