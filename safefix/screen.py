"""The byte screen: which files can hold a consumer of a removed name, from their bytes alone.

Every file of the project is read once and searched once for every removed name at a time;
only the files that pass are parsed. The tests follow the kinds' declared screens
(`safefix.kinds.Screen`): a consumer names the removed name near its module (by the module's
last component), or bare in a module that star-imports it, or on a line where a module uses
its own names through a string (the kinds' `own_markers`). So the screen loses no consumer.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from safefix.import_text import line_matches
from safefix.kinds.pytest_fixtures import is_pytest_file
from safefix.modules import ModuleMap
from safefix.words import WORD_BYTES, finder
from safefix.workspace import read_whole


@cache
def _own_globals() -> bytes:
    """Where a module consumes its own globals through strings or examples: on such a line."""
    from safefix.kinds import own_markers

    either = b"|".join(re.escape(marker) for marker in own_markers())
    return rb"(?:" + either + rb")[^\n]*\b"


def uses_own_globals(data: bytes, names: Iterable[str]) -> bool:
    """Whether a module's bytes can use one of `names` in its own globals (a kind's marker
    stands before the name on its line, or the module looks names up at runtime)."""
    from safefix.kinds import namespace_markers

    names = list(names)
    if names and any(marker in data for marker in namespace_markers()):
        return True
    return any(
        name.encode() in data
        and re.search(_own_globals() + re.escape(name.encode()) + rb"\b", data)
        for name in names
    )


@cache
def declares_pattern() -> bytes | None:
    """What marks a file that may declare a module whose names a framework reads (the
    `Screen.DECLARED` kinds' markers), as one of the screen search's patterns."""
    from safefix.kinds import declares

    markers = declares()
    return b"|".join(markers) if markers else None


STAR_IMPORT = re.compile(rb"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]*\*", re.MULTILINE)
IMPORT_STAR = re.compile(rb"import[ \t]*\*")
#: What every relative import holds: a file without it needs no closer look for one.
RELATIVE_MARK = rb"from[ \t]+\."


@dataclass(frozen=True)
class Screened:
    """What the screen learned of one file."""

    #: The wanted names it mentions, as whole words.
    mentioned: set[str]
    #: The modules it star-imports.
    stars: list[str]
    #: Its bytes, if it must be parsed: it can consume a name directly, or through its own
    #: globals (None: it cannot, unless through a module that star-imports one).
    data: bytes | None
    #: Why the file cannot be read, if it cannot (then it may consume anything).
    unreadable: str | None = None


@dataclass(frozen=True)
class FileScreen:
    """One file's screen, on any core: read it (unless given), split it into words once, and
    test each mentioned name against the modules it is removed from."""

    mentions: Callable[[bytes], tuple[set[str], frozenset[bytes]]]
    #: name -> (the name, the last components of the modules it is removed from).
    needles: Mapping[str, tuple[Word, Sequence[Word]]]
    modules: ModuleMap
    own_names: Mapping[Path, Iterable[str]] | None
    unwritten: Collection[Path]
    #: name -> the directories of the pytest files (test modules, conftest.py) it is removed
    #: from: a pytest file below one of them may ask for it by name.
    pytest_scopes: Mapping[str, Sequence[str]]
    #: name -> the dotted names of the modules it is removed from and of their packages: a
    #: string constant that opens with one may build a target (`MODULE = "app.api"`).
    quoted: Mapping[str, Sequence[bytes]] = field(default_factory=dict)

    def __call__(self, item: tuple[Path, bytes | None]) -> Screened:
        path, data = item
        if data is None:
            try:
                data = read_whole(path)
            except OSError as error:
                return Screened(set(), [], None, error.strerror or type(error).__name__)
        mentioned, words = self.mentions(data)
        stars = star_imports(path, data, self.modules) if IMPORT_STAR.pattern in words else []
        if declares_pattern() in words:
            return Screened(mentioned, stars, data)  # names a framework reads: read it
        if not mentioned:
            return Screened(mentioned, stars, None)
        if self.own_names is None:  # every file of ruff's output may use any name itself
            mine: Iterable[str] = mentioned if path in self.unwritten else ()
        else:
            mine = mentioned.intersection(self.own_names.get(path, ()))
        needles = [self.needles[name] for name in mentioned]
        if (
            uses_own_globals(data, mine)
            or may_consume(data, needles, words=words)
            or self._in_pytest_scope(path, data, mentioned)
            or opens_a_string(data, {p for name in mentioned for p in self.quoted.get(name, ())})
            or (bool(mine) and b"__name__" in data)  # f"{__name__}.NAME": its own name
        ):
            return Screened(mentioned, stars, data)
        return Screened(mentioned, stars, None)

    def _in_pytest_scope(self, path: Path, data: bytes, mentioned: Iterable[str]) -> bool:
        """A pytest file that names a fixture removed from a pytest file above it."""
        if not self.pytest_scopes or not is_pytest_file(path):
            return False
        text = str(path)
        return any(
            text.startswith(directory + os.sep) and requested(data, name)
            for name in mentioned
            for directory in self.pytest_scopes.get(name, ())
        )


def opens_a_string(data: bytes, dotted: Iterable[bytes]) -> bool:
    """Whether a string in `data` is one of the `dotted` names whole (`"app.api"`, a constant
    to build on) or opens with one and a dot where the rest is built (`f"app.plugins.{name}"`,
    `"app." + name`, `"app.%s" % name`): where a target built of pieces starts. A string that
    spells a whole target (`"app.api.X"`) is the plain string kind's."""
    for prefix in dotted:
        if prefix in data:
            for quote in (b'"', b"'"):
                opened = quote + prefix
                if opened in data and (
                    any(opened + tail in data for tail in (b".{", b".%", b"." + quote))
                    or _whole(data, opened + quote, top=b"." not in prefix)
                ):
                    return True
    return False


def _whole(data: bytes, string: bytes, top: bool) -> bool:
    """Whether `string` stands in `data` as a constant to build on; a top-level package's bare
    name only where it is assigned (`PKG = "app"`): as an argument (`backend="networkx"`) it
    names a package, not a piece of a target."""
    if not top:
        return string in data
    return b"= " + string in data or b"=" + string + b"\n" in data


def module_prefixes(modules: Iterable[str]) -> list[bytes]:
    """The modules' dotted names and those of the packages above them."""
    found = {
        ".".join(parts[:end]).encode()
        for module in modules
        for parts in [module.split(".")]
        for end in range(1, len(parts) + 1)
    }
    return sorted(found)


def requested(data: bytes, name: str) -> bool:
    """Whether `name` can be asked for by name: a parameter in a `def`'s parentheses, or in
    `usefixtures(...)`."""
    word = re.escape(name.encode())
    pattern = rb"(?:def[ \t]+\w+[ \t]*\(|usefixtures\()[^)]*\b" + word + rb"\b"
    return re.search(pattern, data) is not None


def asking_for(
    tests: Sequence[tuple[tuple[Path, bytes | None], set[str]]],
    names: Collection[str],
    done: Collection[Path],
) -> list[tuple[Path, bytes]]:
    """Of pytest files that mention a name (and are not `done`), those that ask for one of
    `names` by name: read again."""
    found = []
    for (path, data), mentioned in tests:
        asked = [name for name in names if name in mentioned]
        if not asked or path in done:
            continue
        try:
            data = read_whole(path) if data is None else data
        except OSError:
            continue
        if any(requested(data, name) for name in asked):
            found.append((path, data))
    return found


def pytest_scopes(removed: Mapping[Path, Iterable[str]]) -> dict[str, list[str]]:
    """name -> the directories of the pytest files it is removed from (see `FileScreen`)."""
    scopes: dict[str, list[str]] = {}
    for path, names in removed.items():
        if is_pytest_file(path):
            for name in names:
                scopes.setdefault(name, []).append(str(path.parent))
    return scopes


def star_imports(path: Path, data: bytes, modules: ModuleMap) -> list[str]:
    found = []
    hits = (hit.start() for hit in IMPORT_STAR.finditer(data))
    for match in line_matches(data, hits, STAR_IMPORT):
        spec = match.group(1).decode()
        level = len(spec) - len(spec.lstrip("."))
        module = modules.absolute(path, level, spec[level:] or None) if level else spec
        if module:
            found.append(module)
    return found


def mention_finder(
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
    declared = declares_pattern()
    search = finder(
        [*plain, *(word.encode() for word in also if word.isascii())],
        markers=[IMPORT_STAR.pattern, RELATIVE_MARK, *([declared] if declared else [])],
    )

    def mentions(data: bytes) -> tuple[set[str], frozenset[bytes]]:
        words = search(data)
        found = {plain[word] for word in plain.keys() & words}
        if alternation is not None:
            found.update(match.decode() for match in alternation.findall(data))
        return found, words

    return mentions


@dataclass(frozen=True)
class Word:
    """A whole-word byte search.

    The pattern is the word and a trailing `\\b`, with the leading boundary checked by hand:
    a pattern that starts with a literal lets `re` jump between candidate positions, one
    that starts with `\\b` is tried at every byte (some twenty times slower).
    """

    text: bytes

    @cached_property
    def pattern(self) -> re.Pattern[bytes]:
        """Compiled when first searched with: an index is built with a word for every removed
        name, and most are only ever looked up in a set (a big module's 32,000 compiles were
        5 s)."""
        return re.compile(re.escape(self.text) + rb"\b")

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


def word(text: str) -> Word:
    return Word(text.encode())


_IMPORT_LINE = re.compile(rb"^[ \t]*(?:from|import)[ \t][^\n]*", re.MULTILINE)
#: A relative import: what it imports (the names, or `*`), and for `from . import *` (no
#: module named, so no leaf to find) the star itself.
_RELATIVE_FROM = re.compile(
    rb"from[ \t]+\.+(?:[ \t]+import[ \t]*(\*)|[\w.]*[ \t]+import[ \t]*(\([^)]*\)|[^\n]*))"
)


def may_consume(
    data: bytes,
    needles: Sequence[tuple[Word, Sequence[Word]]],
    relative_ok: bool = True,
    words: Collection[bytes] | None = None,
) -> bool:
    """Whether `data` can hold a consumer of any (name, module leaves) in `needles`.

    Every consumer kind puts the name near its module: on the line that names the module
    (`from pkg.mod import name`, `"pkg.mod.name"`, `pkg.mod.name`, `pkg.mod:name`), inside
    the parentheses of an import that names it, or, through an alias, as `.name` or a quoted
    "name" in a file that imports the module; or in a relative import's name list (its module
    part, `.models` or `..`, need not name the module: only the names imported count).

    `words`, if given, are what the screen's search found in `data` (`mention_finder`): the
    wanted words it holds, and `RELATIVE_MARK` if it can hold a relative import at all.
    """
    if words is not None and RELATIVE_MARK not in words:
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


#: A documentation page's line that makes the module the one its later bare names are in
#: (`.. currentmodule:: pkg.mod`, `.. automodule::`; see kinds/docs.py).
_DOC_SCOPE = re.compile(rb"[ \t]*\.\.[ \t]+(?:py:)?(?:currentmodule|module|automodule)::")


def _near(data: bytes, name: Word, leaf: Word) -> bool:
    """Whether `name` stands near a mention of the module `leaf`, or the file imports the
    module itself and uses `.name` or `"name"` somewhere (through an alias), or a page makes
    it the current module of its later directives and names `name` anywhere."""
    imported = scoped = False
    for at in leaf.positions(data):
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at + len(leaf.text))
        end = len(data) if end < 0 else end
        if name.search(data, start, end):
            return True
        line = data[start:end]
        scoped = scoped or bool(_DOC_SCOPE.match(line))
        if line.rstrip().endswith((b",", b"(")) and _in_the_call(data, name, end):
            return True  # `patch.multiple(\n "pkg.mod",\n name=...)`: the call's next lines
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
    return (imported and name.used_in(data)) or (scoped and name.search(data))


def _in_the_call(data: bytes, name: Word, end: int) -> bool:
    """Whether `name` follows an argument line, before the call's next `)`."""
    close = data.find(b")", end, end + 4096)
    return name.search(data, end, end + 4096 if close < 0 else close)


def consumes_through_stars(
    job: tuple[tuple[Path, bytes | None], list[tuple[Word, Sequence[Word]]]],
) -> tuple[Path, bytes] | None:
    (path, data), needles = job
    if data is None:
        try:
            data = read_whole(path)
        except OSError:
            return None
    return (path, data) if may_consume(data, needles, relative_ok=False) else None
