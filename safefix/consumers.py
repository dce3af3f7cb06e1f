"""The project-wide consumer index: every place that needs `module.NAME` to exist at runtime.

Consumers are read from the whole project, not only the paths being fixed, because the module
that breaks is rarely the one that was edited: a router's lazy `from app.main import X` inside a
function, a test's `import app.settings; app.settings.json`, a sibling package's re-export.

Each file is parsed with `ast` (libcst is ten times slower and nothing here needs concrete
syntax), and only if its bytes mention a removed name at all: every consumer kind names the
name literally, so the byte search loses none and skips most of the tree.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from safefix.modules import ModuleMap
from safefix.removals import parse
from safefix.types import Consumer, ConsumerKind


def extract(path: Path, tree: ast.Module, modules: ModuleMap) -> list[Consumer]:
    """Every consumer of a project module's attribute in one parsed file."""
    aliases: dict[str, set[str]] = {}
    found: list[Consumer] = []
    attributes: list[ast.Attribute] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            attributes.append(node)
        elif isinstance(node, ast.ImportFrom):
            found += _from_import(path, node, modules, aliases)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                target = alias.name if alias.asname else local
                aliases.setdefault(local, set()).add(target)
    if aliases:
        found += _attribute_consumers(path, attributes, modules, aliases)
    return found


def _from_import(
    path: Path, node: ast.ImportFrom, modules: ModuleMap, aliases: dict[str, set[str]]
) -> list[Consumer]:
    base = modules.absolute(path, node.level, node.module) if node.level else node.module
    if not base or not modules.is_module(base):
        return []
    dots = "." * node.level
    found = []
    for alias in node.names:
        if alias.name == "*":
            continue
        text = f"from {dots}{node.module or ''} import {alias.name}"
        found.append(Consumer(path, node.lineno, base, alias.name, ConsumerKind.FROM_IMPORT, text))
        submodule = f"{base}.{alias.name}"
        if modules.is_module(submodule):
            aliases.setdefault(alias.asname or alias.name, set()).add(submodule)
    return found


def _attribute_consumers(
    path: Path,
    attributes: Iterable[ast.Attribute],
    modules: ModuleMap,
    aliases: Mapping[str, set[str]],
) -> list[Consumer]:
    found: dict[tuple[str, str, int], Consumer] = {}
    for node in attributes:
        chain = _attribute_chain(node)
        if chain is None or chain[0] not in aliases:
            continue
        for target in aliases[chain[0]]:
            current = target
            for attr in chain[1:]:
                if modules.is_module(current):
                    key = (current, attr, node.lineno)
                    text = f"{current}.{attr}"
                    found.setdefault(
                        key,
                        Consumer(path, node.lineno, current, attr, ConsumerKind.ATTRIBUTE, text),
                    )
                following = f"{current}.{attr}"
                if not modules.is_module(following):
                    break
                current = following
    return list(found.values())


def _attribute_chain(node: ast.Attribute) -> list[str] | None:
    parts: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        parts.append(current.attr)
        current = current.value
    if not isinstance(current, ast.Name):
        return None
    parts.append(current.id)
    return parts[::-1]


@dataclass
class ConsumerIndex:
    """Consumers keyed by (module name, attribute name), resolved to files on lookup."""

    modules: ModuleMap
    by_file: dict[Path, list[Consumer]] = field(default_factory=dict)
    #: Files that did not parse, by their text: they may consume anything they mention.
    unparsed: dict[Path, str] = field(default_factory=dict)
    _by_target: dict[tuple[str, str], list[Consumer]] | None = None

    def set_file(self, path: Path, source: bytes) -> None:
        """(Re)index one file from its current content."""
        self._by_target = None
        self.unparsed.pop(path, None)
        try:
            tree = parse(source, str(path))
        except SyntaxError:
            self.by_file[path] = []
            self.unparsed[path] = source.decode("utf-8", errors="replace")
            return
        self.by_file[path] = extract(path, tree, self.modules)

    def consumers_of(self, path: Path, name: str) -> list[Consumer]:
        """Every known consumer of `name` in the module that file `path` is."""
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
        found += self._unparsed_consumers(path, name)
        return sorted(set(found), key=lambda c: (str(c.path), c.line, c.name))

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


_RELATIVE_IMPORT = re.compile(rb"\bfrom\s+\.")


def build_index(
    files: Iterable[Path],
    contents: Mapping[Path, bytes],
    targets: Mapping[str, Iterable[str]],
    modules: ModuleMap,
) -> ConsumerIndex:
    """Index the files among `files` that can consume any of `targets` (name -> module names).

    A consumer of `pkg.mod.NAME` names NAME literally, and names the module too: by its last
    component (`from pkg.mod import`, `import pkg.mod as m`, `from pkg import mod`) or through
    a relative import. Files that fail this byte-level test are never parsed.
    `contents` supplies text for files whose current version is not on disk (ruff's fixed
    output); other files are read from disk.
    """
    needles = [
        (_word(name), [_word(module.rsplit(".", 1)[-1]) for module in set(module_names)])
        for name, module_names in targets.items()
    ]
    index = ConsumerIndex(modules)
    for path in files:
        if path.suffix not in (".py", ".pyi"):
            continue
        data = contents.get(path)
        if data is None:
            try:
                data = path.read_bytes()
            except OSError:
                continue
        if _may_consume(data, needles):
            index.set_file(path, data)
    return index


@dataclass(frozen=True)
class _Word:
    """A whole-word byte search; the plain substring test first, as it is many times faster."""

    text: bytes
    pattern: re.Pattern[bytes]

    def found_in(self, data: bytes) -> bool:
        return self.text in data and self.pattern.search(data) is not None


def _word(text: str) -> _Word:
    raw = text.encode()
    return _Word(raw, re.compile(rb"\b" + re.escape(raw) + rb"\b"))


def _may_consume(data: bytes, needles: Sequence[tuple[_Word, Sequence[_Word]]]) -> bool:
    relative: bool | None = None
    for name, leaves in needles:
        if not name.found_in(data):
            continue
        if any(leaf.found_in(data) for leaf in leaves):
            return True
        if relative is None:
            relative = _RELATIVE_IMPORT.search(data) is not None
        if relative:
            return True
    return False
