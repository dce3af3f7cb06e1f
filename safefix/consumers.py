"""The project-wide consumer index: every place that needs `module.NAME` to exist at runtime.

Consumers are read from the whole project, not only the paths being fixed, because the module
that breaks is rarely the one that was edited: a router's lazy `from app.main import X` inside a
function, a test's `mock.patch("app.api.requests")`, an entry point in `pyproject.toml`, a
doctest in the docs. The collectors (`collectors.py`) say what one file consumes; the index
matches consumers to removals, following star-import re-exports.

Python files are parsed with `ast` (libcst is ten times slower and nothing here needs concrete
syntax), and only if their bytes mention a removed name and its module (or hold a relative
import): every consumer kind names both literally, so the byte screen loses none.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from safefix.cache import IndexCache
from safefix.collectors import (
    CONFIG_FILES,
    DOC_SUFFIXES,
    PythonScan,
    config_consumers,
    doc_consumers,
    literal_all,
    python_consumers,
)
from safefix.modules import PY_SUFFIXES, ModuleMap
from safefix.parallel import parallel_map
from safefix.removals import line_matches, parse
from safefix.types import Consumer, ConsumerKind
from safefix.words import WORD_BYTES, finder
from safefix.workspace import read_whole

#: Where a module consumes its own globals through strings or examples: on such a line.
_OWN_GLOBALS = rb"(?:>>>|\.\.\.|skipif|xfail|globals\(|vars\(|eval\(|exec\()[^\n]*\b"


def _uses_own_globals(data: bytes, names: Iterable[str]) -> bool:
    return any(
        name.encode() in data and re.search(_OWN_GLOBALS + re.escape(name.encode()) + rb"\b", data)
        for name in names
    )


_STAR_IMPORT = re.compile(rb"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]*\*", re.MULTILINE)
_IMPORT_STAR = re.compile(rb"import[ \t]*\*")
#: What every relative import holds: a file without it needs no closer look for one.
_RELATIVE_MARK = rb"from[ \t]+\."
#: Directories never searched for documentation and config files.
SKIP_DIRS = frozenset(
    {"node_modules", "venv", "build", "dist", "site-packages", "__pycache__", "htmlcov"}
)


@dataclass
class ConsumerIndex:
    """Consumers keyed by (module name, attribute name), resolved to files on lookup."""

    modules: ModuleMap
    by_file: dict[Path, list[Consumer]] = field(default_factory=dict)
    #: Files that did not parse, by their text: they may consume anything they mention.
    unparsed: dict[Path, str] = field(default_factory=dict)
    #: Module name -> the files that `from module import *`.
    star_importers: dict[str, set[Path]] = field(default_factory=dict)
    #: Current text of files that are not (yet) on disk as they will be: ruff's output.
    sources: dict[Path, bytes] = field(default_factory=dict)
    #: The only names lookups will ask for (None: any); collectors skip the rest early.
    wanted: frozenset[str] | None = None
    _by_target: dict[tuple[str, str], list[Consumer]] | None = None
    #: Each star exporter's literal `__all__` (or None), parsed once per content.
    _all: dict[Path, set[str] | None] = field(default_factory=dict)

    def set_file(self, path: Path, source: bytes) -> None:
        """(Re)index one Python file from its current content."""
        self.scan_all([(path, source)])

    def scan_all(
        self, files: Sequence[tuple[Path, bytes]], complete: bool = False
    ) -> list[PythonScan | None]:
        """(Re)index many Python files, parsing them on every core when there are enough.

        `complete`: collect every consumer, not only those of the wanted names (for the cache).
        """
        global _SCAN_STATE
        _SCAN_STATE = (self.modules, None if complete else self.wanted)
        try:
            results = parallel_map(_scan, files)
        finally:
            _SCAN_STATE = None
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
        self.by_file[path] = scan.consumers
        self.set_stars(path, scan.star_imports)

    def set_stars(self, path: Path, modules: Iterable[str]) -> None:
        for importers in self.star_importers.values():
            importers.discard(path)
        for module in modules:
            self.star_importers.setdefault(module, set()).add(path)

    def set_text_file(self, path: Path, text: str) -> None:
        """Index a documentation or configuration file."""
        self._by_target = None
        if path.name in CONFIG_FILES:
            self.by_file[path] = config_consumers(path, text, self.modules)
        else:
            self.by_file[path] = doc_consumers(path, text, self.modules)

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
                if importer in seen:
                    continue
                seen.add(importer)
                queue.append(importer)
                via = f" (re-exported by `from {module} import *` in {importer.name})"
                found += [
                    replace(c, kind=ConsumerKind.STAR_IMPORT, text=c.text + via)
                    for c in self._direct(importer, name)
                ]
        return sorted(set(found), key=lambda c: (str(c.path), c.line, c.kind.value, c.text))

    def _direct(self, path: Path, name: str) -> list[Consumer]:
        if self._by_target is None:
            self._by_target = {}
            for consumers in self.by_file.values():
                for consumer in consumers:
                    self._by_target.setdefault((consumer.module, consumer.name), []).append(
                        consumer
                    )
        found: list[Consumer] = []
        for module in self.modules.names.get(path, ()):
            found += self._by_target.get((module, name), [])
        return found + self._unparsed_consumers(path, name)

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

    def _literal_all(self, path: Path) -> set[str] | None:
        """The file's literal `__all__` (None: none, `import *` takes every public name)."""
        try:
            source = self.sources.get(path) or path.read_bytes()
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
                    Consumer(
                        other, line, module, name, ConsumerKind.UNPARSED, "(file does not parse)"
                    )
                )
        return found


#: What `_scan` needs besides its argument, handed to forked workers by inheritance.
_SCAN_STATE: tuple[ModuleMap, frozenset[str] | None] | None = None


def _scan(item: tuple[Path, bytes]) -> PythonScan | None:
    """Parse one file and collect its consumers; None if it does not parse."""
    assert _SCAN_STATE is not None
    modules, wanted = _SCAN_STATE
    path, data = item
    try:
        tree = parse(data, str(path))
    except SyntaxError:
        return None
    return python_consumers(path, tree, modules, modules.display_name(path), wanted)


def text_files(root: Path) -> list[Path]:
    """Documentation and configuration files under `root` that may name project code."""
    return [path for found in text_files_by_directory(root) for path in found]


def text_files_by_directory(root: Path) -> Iterator[list[Path]]:
    """`text_files`, a directory at a time: for a caller that walks while it waits."""
    for directory, dirs, files in os.walk(root):
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".")
            and d not in SKIP_DIRS
            and not os.path.exists(os.path.join(directory, d, "pyvenv.cfg"))
        ]
        yield [
            Path(directory, name)
            for name in files
            if name in CONFIG_FILES or os.path.splitext(name)[1] in DOC_SUFFIXES
        ]


def build_index(
    files: Iterable[Path],
    contents: Mapping[Path, bytes],
    targets: Mapping[str, Iterable[str]],
    modules: ModuleMap,
    text_files: Iterable[Path] = (),
    star_targets: Mapping[str, Iterable[str]] | None = None,
    own_names: Mapping[Path, Iterable[str]] | None = None,
    cache: IndexCache | None = None,
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
    and the files parsed here are scanned completely and added to it.
    """
    index = ConsumerIndex(modules, sources=dict(contents), wanted=frozenset(targets))
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
                continue
        elif data is None and cache is not None:
            cache.fresh(path)  # the stat a scan of the file is stored with: taken before reading
        items.append((path, data))  # no data: the screen reads the file, on its own core
    words = {name: _word(name) for name in targets}
    direct = {
        name: [_word(leaf) for leaf in {module.rsplit(".", 1)[-1] for module in module_names}]
        for name, module_names in targets.items()
    }
    needles = {name: (words[name], direct[name]) for name in targets}
    leaves = {leaf.text.decode() for found in direct.values() for leaf in found}
    finder = _mention_finder(targets, leaves)
    screen = _Screen(finder, needles, modules, own_names, contents.keys())
    selected: list[tuple[Path, bytes]] = []
    unsure: list[tuple[tuple[Path, bytes | None], set[str]]] = []
    for item, found in zip(items, parallel_map(screen, items), strict=True):
        if found.stars:
            index.set_stars(item[0], found.stars)
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
        except OSError:
            continue
        if _may_consume(data, every, relative_ok=False):
            index.set_text_file(path, data.decode("utf-8", errors="replace"))
    return index


@dataclass(frozen=True)
class _Screened:
    """What the screen learned of one file."""

    #: The wanted names it mentions, as whole words.
    mentioned: set[str]
    #: The modules it star-imports.
    stars: list[str]
    #: Its bytes, if it must be parsed: it can consume a name directly, or through its own
    #: globals (None: it cannot, unless through a module that star-imports one).
    data: bytes | None


@dataclass(frozen=True)
class _Screen:
    """One file's screen, on any core: read it (unless given), split it into words once, and
    test each mentioned name against the modules it is removed from."""

    mentions: Callable[[bytes], tuple[set[str], frozenset[bytes]]]
    #: name -> (the name, the last components of the modules it is removed from).
    needles: Mapping[str, tuple[_Word, Sequence[_Word]]]
    modules: ModuleMap
    own_names: Mapping[Path, Iterable[str]] | None
    unwritten: Collection[Path]

    def __call__(self, item: tuple[Path, bytes | None]) -> _Screened:
        path, data = item
        if data is None:
            try:
                data = read_whole(path)
            except OSError:
                return _Screened(set(), [], None)
        mentioned, words = self.mentions(data)
        stars = _star_imports(path, data, self.modules) if _IMPORT_STAR.pattern in words else []
        if not mentioned:
            return _Screened(mentioned, stars, None)
        if self.own_names is None:  # every file of ruff's output may use any name itself
            mine: Iterable[str] = mentioned if path in self.unwritten else ()
        else:
            mine = mentioned.intersection(self.own_names.get(path, ()))
        needles = [self.needles[name] for name in mentioned]
        if _uses_own_globals(data, mine) or _may_consume(data, needles, words=words):
            return _Screened(mentioned, stars, data)
        return _Screened(mentioned, stars, None)


def _star_leaves(
    index: ConsumerIndex, exporters: Iterable[str], direct: Sequence[_Word]
) -> list[_Word]:
    """The last components of the modules that pass a name on by star-importing one of its
    `exporters`, transitively: known only once every file was screened."""
    known = {leaf.text.decode() for leaf in direct}
    return [_word(leaf) for leaf in sorted(_leaves(index, exporters) - known)]


def _through_stars(
    unsure: Sequence[tuple[tuple[Path, bytes | None], set[str]]],
    extra: Mapping[str, tuple[_Word, Sequence[_Word]]],
) -> list[tuple[Path, bytes]]:
    """Of the files that mention a name but passed no test, those that name it near a module
    that star-imports its module; read again, and tested on every core."""
    pending = [
        (item, [extra[name] for name in mentioned if extra[name][1]])
        for item, mentioned in unsure
        if any(extra[name][1] for name in mentioned)
    ]
    found = parallel_map(_consumes_through_stars, pending)
    return [hit for hit in found if hit is not None]


def _consumes_through_stars(
    job: tuple[tuple[Path, bytes | None], list[tuple[_Word, Sequence[_Word]]]],
) -> tuple[Path, bytes] | None:
    (path, data), needles = job
    if data is None:
        try:
            data = read_whole(path)
        except OSError:
            return None
    return (path, data) if _may_consume(data, needles, relative_ok=False) else None


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


def _mention_finder(
    targets: Iterable[str], also: Iterable[str] = ()
) -> Callable[[bytes], tuple[set[str], frozenset[bytes]]]:
    """Which of `targets` a file's bytes mention as a whole word, in one pass over each file;
    and which of `targets` and `also` (ASCII words only) it holds, for later whole-word tests
    of them without a search, with the markers of a star import and a relative import.

    One search for all the words at once (`words.finder`) is many times faster than a regex
    alternation of hundreds of names; names with non-ASCII letters keep the alternation.
    """
    plain = {name.encode(): name for name in targets if name.isascii()}
    other = sorted((name for name in targets if not name.isascii()), key=len, reverse=True)
    alternation = (
        re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in other) + rb")\b")
        if other
        else None
    )
    search = finder(
        [*plain, *(word.encode() for word in also if word.isascii())],
        markers=[_IMPORT_STAR.pattern, _RELATIVE_MARK],
    )

    def mentions(data: bytes) -> tuple[set[str], frozenset[bytes]]:
        words = search(data)
        found = {plain[word] for word in plain.keys() & words}
        if alternation is not None:
            found.update(match.decode() for match in alternation.findall(data))
        return found, words

    return mentions


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
        except OSError:
            continue
    return index


def _star_imports(path: Path, data: bytes, modules: ModuleMap) -> list[str]:
    found = []
    hits = (hit.start() for hit in _IMPORT_STAR.finditer(data))
    for match in line_matches(data, hits, _STAR_IMPORT):
        spec = match.group(1).decode()
        level = len(spec) - len(spec.lstrip("."))
        module = modules.absolute(path, level, spec[level:] or None) if level else spec
        if module:
            found.append(module)
    return found


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


@dataclass(frozen=True)
class _Word:
    """A whole-word byte search.

    The pattern is the word and a trailing `\\b`, with the leading boundary checked by hand:
    a pattern that starts with a literal lets `re` jump between candidate positions, one
    that starts with `\\b` is tried at every byte (some twenty times slower).
    """

    text: bytes
    pattern: re.Pattern[bytes]

    def positions(self, data: bytes, start: int = 0, end: int | None = None) -> Iterator[int]:
        """Where the word starts, as a whole word, in `data[start:end]`."""
        for match in self.pattern.finditer(data, start, len(data) if end is None else end):
            at = match.start()
            if at == 0 or data[at - 1] not in WORD_BYTES:
                yield at

    def search(self, data: bytes, start: int = 0, end: int | None = None) -> bool:
        return next(self.positions(data, start, end), None) is not None

    def found_in(self, data: bytes, words: Collection[bytes] | None = None) -> bool:
        """Whether `data` holds the word. `words`, if given, are the words (this one among
        them, if ASCII) the file was searched for and holds: a lookup answers."""
        if words is not None and self.text.isascii():
            return self.text in words
        return self.text in data and self.search(data)

    def used_in(self, data: bytes) -> bool:
        """Whether the word appears as `.word` (an attribute) or `"word"` (a getattr string)."""
        size = len(self.text)
        for at in self.positions(data):
            before = at - 1
            while before >= 0 and data[before] in b" \t":
                before -= 1
            if before >= 0 and data[before] == ord("."):
                return True
            if data[at - 1 : at] in (b'"', b"'") and data[at + size : at + size + 1] in (
                b'"',
                b"'",
            ):
                return True
        return False


def _word(text: str) -> _Word:
    return _Word(text.encode(), re.compile(re.escape(text.encode()) + rb"\b"))


_IMPORT_LINE = re.compile(rb"^[ \t]*(?:from|import)[ \t][^\n]*", re.MULTILINE)
#: A relative import: what it imports (the names, or `*`), and for `from . import *` (no
#: module named, so no leaf to find) the star itself.
_RELATIVE_FROM = re.compile(
    rb"from[ \t]+\.+(?:[ \t]+import[ \t]*(\*)|[\w.]*[ \t]+import[ \t]*(\([^)]*\)|[^\n]*))"
)


def _may_consume(
    data: bytes,
    needles: Sequence[tuple[_Word, Sequence[_Word]]],
    relative_ok: bool = True,
    words: Collection[bytes] | None = None,
) -> bool:
    """Whether `data` can hold a consumer of any (name, module leaves) in `needles`.

    Every consumer kind puts the name near its module: on the line that names the module
    (`from pkg.mod import name`, `"pkg.mod.name"`, `pkg.mod.name`, `pkg.mod:name`), inside
    the parentheses of an import that names it, or, through an alias, as `.name` or a quoted
    "name" in a file that imports the module; or in a relative import's name list (its module
    part, `.models` or `..`, need not name the module: only the names imported count).

    `words`, if given, are what the screen's search found in `data` (`_mention_finder`): the
    wanted words it holds, and `_RELATIVE_MARK` if it can hold a relative import at all.
    """
    if words is not None and _RELATIVE_MARK not in words:
        relative_ok = False
    relative: tuple[bytes, bool] | None = None
    for name, leaves in needles:
        if not name.found_in(data, words):
            continue
        for leaf in leaves:
            if leaf.found_in(data, words) and _near(data, name, leaf):
                return True
        if relative_ok:
            relative = relative or _relative_imports(data)
            imported, package_star = relative
            if package_star or name.search(imported):
                return True
    return False


def _relative_imports(data: bytes) -> tuple[bytes, bool]:
    """What the relative imports import, and whether one is `from . import *`: the module a
    relative import names can be anything, so only its names tell what it consumes."""
    names = []
    package_star = False
    for match in _RELATIVE_FROM.finditer(data):
        if match.start() and data[match.start() - 1] in WORD_BYTES:
            continue  # `xfrom .` is no import (the pattern leaves `\b` out to search fast)
        if match.group(1):
            package_star = True
        else:
            names.append(match.group(2))
    return b"\n".join(names), package_star


#: What follows the module in `from pkg.mod import ...`.
_FROM_MODULE = re.compile(rb"[ \t]+import\b")


def _near(data: bytes, name: _Word, leaf: _Word) -> bool:
    """Whether `name` stands near a mention of the module `leaf`, or the file imports the
    module itself and uses `.name` or `"name"` somewhere (through an alias)."""
    imported = False
    for at in leaf.positions(data):
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at + len(leaf.text))
        end = len(data) if end < 0 else end
        if name.search(data, start, end):
            return True
        line = data[start:end]
        if _IMPORT_LINE.match(line) and b"*" in line:
            return True  # a star import: the name may be used bare anywhere
        if b"import" in line:  # import statements, importlib.import_module, importorskip
            # `from pkg.mod import a, b` binds a and b, never the module: only the names
            # listed (on this line, or in its parentheses) can consume pkg.mod's
            imported = imported or not _FROM_MODULE.match(data, at + len(leaf.text))
            if b"(" in line and b")" not in line[line.index(b"(") :]:
                close = data.find(b")", end)
                if name.search(data, end, len(data) if close < 0 else close):
                    return True
    return imported and name.used_in(data)
