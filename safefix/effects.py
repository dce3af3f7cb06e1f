"""Effect modules: project modules whose import does more than bind names.

An import of such a module is load-bearing even when nothing uses the name it binds: Django's
`AppConfig.ready(): from . import signals`, a package `__init__` importing its plugins so that
their `@registry.register` runs, `codecs.register(...)` at a module's top level. Whether a
module is one is decided from its top-level statements alone (`module_effect`), and only for
the project modules that removed imports ran (`EffectModules`, one per run), and from their
top-level code alone (`top_level.py`): the hot path never parses a file for this.

Pure (binds names only): `def`/`class` without a registering decorator, assignments of
literals or of calls (`logger = logging.getLogger(__name__)`, `app = Flask(__name__)`,
`T = TypeVar("T")`) unless the call registers, `__all__`, imports, docstrings, `if
TYPE_CHECKING:` and `if __name__ == "__main__":` bodies, calls on the module's own objects
(`__all__.extend(...)`, `app.add_url_rule(...)`) unless they register. Effects: any other
call as a statement (`atexit.register(f)`, `setup()`, `setattr(...)`), a registering decorator
(`@receiver(...)`, `@registry.register`, `@app.route`), a write to another module's attribute
or item (`other.x = 1`, `sys.modules["m"] = m`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from safefix.bindings import parse
from safefix.modules import ModuleMap
from safefix.preloaded import top_level_imports
from safefix.top_level import DECORATING, REGISTERING, top_level_code
from safefix.types import Consumer, ConsumerKind, Removal


def registers(names: Sequence[str], words: frozenset[str] = REGISTERING) -> bool:
    """Whether a callable's dotted names say it registers (`admin.site.register`,
    `connect_signal`, `@register.filter`, `@app.route`)."""
    for name in names:
        lowered = name.lower()
        if lowered.endswith(("register", "errorhandler")):
            return True
        if any(part in words for part in lowered.split("_")):
            return True
    return False


@dataclass(frozen=True)
class Effect:
    """The first top-level statement of a module that does more than bind names."""

    line: int
    what: str


def module_effect(tree: ast.Module) -> Effect | None:
    """The module's first effect at import time (None: importing it only binds names)."""
    imported = _imported_names(tree.body)
    for stmt in _run_at_import(tree.body):
        found = _statement_effect(stmt, imported)
        if found is not None:
            return Effect(*found)
    return None


def _run_at_import(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    """The simple statements and definitions that run when the module is imported, at any
    depth of `if`/`try`/`for`/`with`, except what only type checkers or `__main__` run."""
    for stmt in body:
        if isinstance(stmt, ast.If):
            if not _never_on_import(stmt.test):
                yield from _run_at_import(stmt.body)
            yield from _run_at_import(stmt.orelse)
        elif isinstance(stmt, (ast.Try, *_TRY_STAR)):
            yield from _run_at_import(stmt.body)  # type: ignore[attr-defined]
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                yield from _run_at_import(handler.body)
            yield from _run_at_import(stmt.orelse)  # type: ignore[attr-defined]
            yield from _run_at_import(stmt.finalbody)  # type: ignore[attr-defined]
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith)):
            yield from _run_at_import(stmt.body)
            yield from _run_at_import(getattr(stmt, "orelse", []))
        else:
            yield stmt


_TRY_STAR: tuple[type, ...] = (ast.TryStar,) if hasattr(ast, "TryStar") else ()


def _never_on_import(test: ast.expr) -> bool:
    """`TYPE_CHECKING` (type checkers only) or `__name__ == "__main__"` (run as a script)."""
    text = ast.unparse(test)
    return text in ("TYPE_CHECKING", "typing.TYPE_CHECKING") or "__main__" in text


def _imported_names(body: Sequence[ast.stmt]) -> frozenset[str]:
    """Names the module binds by importing: writing to them writes to another module."""
    names = set()
    for node in body:
        for stmt in ast.walk(node):
            if isinstance(stmt, ast.Import):
                names |= {a.asname or a.name.split(".")[0] for a in stmt.names}
            elif isinstance(stmt, ast.ImportFrom):
                names |= {a.asname or a.name for a in stmt.names}
    return frozenset(names)


def _statement_effect(stmt: ast.stmt, imported: frozenset[str]) -> tuple[int, str] | None:
    """(line, what) of the statement's effect, if it has one."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        for decorator in stmt.decorator_list:
            if registers(_chain(decorator), DECORATING):
                return decorator.lineno, f"@{_short(decorator)}"
        return None
    what = _simple_effect(stmt, imported)
    return None if what is None else (stmt.lineno, what)


def _simple_effect(stmt: ast.stmt, imported: frozenset[str]) -> str | None:
    if isinstance(stmt, ast.Expr):
        return _call_effect(stmt.value, imported)
    if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        for target in targets:
            if _writes_elsewhere(target, imported):
                return f"{_short(target)} = ..."
        value = stmt.value
        if isinstance(value, ast.Call) and registers(_chain(value)[-1:]):
            return _short(value)
        return None
    if isinstance(stmt, ast.Delete):
        return next(
            (f"del {_short(t)}" for t in stmt.targets if _writes_elsewhere(t, imported)), None
        )
    return None


def _call_effect(value: ast.expr, imported: frozenset[str]) -> str | None:
    """A call made for its effect: any call but a method of the module's own object that
    does not register (`__all__.extend([...])`, `app.add_url_rule(...)`)."""
    if isinstance(value, ast.Await):
        value = value.value
    if not isinstance(value, ast.Call):
        return None
    chain = _chain(value)
    own = len(chain) > 1 and chain[0] not in imported
    if own and not registers(chain[1:]):
        return None
    return _short(value)


def _writes_elsewhere(target: ast.expr, imported: frozenset[str]) -> bool:
    """An attribute or item of an imported object (another module's state) is written."""
    if not isinstance(target, (ast.Attribute, ast.Subscript)):
        return False
    base: ast.expr = target
    while isinstance(base, (ast.Attribute, ast.Subscript)):
        base = base.value
    return isinstance(base, ast.Name) and base.id in imported


def _chain(node: ast.expr) -> list[str]:
    """The dotted names of what a decorator or call invokes: `admin.site.register` of
    `@admin.site.register(M)` (empty where it is not a plain dotted name)."""
    if isinstance(node, ast.Call):
        node = node.func
    names = []
    while isinstance(node, (ast.Attribute, ast.Call)):
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
        node = node.value if isinstance(node, ast.Attribute) else node.func
    if not isinstance(node, ast.Name):
        return []
    return [node.id, *reversed(names)]


def _short(node: ast.expr) -> str:
    """The expression's text, its call arguments elided: `receiver(...)`."""
    if isinstance(node, ast.Call):
        return f"{ast.unparse(node.func)}(...)"
    return ast.unparse(node)


@dataclass
class EffectModules:
    """Which project modules are effect modules, each file read and parsed at most once a run."""

    modules: ModuleMap

    _known: dict[Path, Effect | None] = field(default_factory=dict)
    _imported: dict[Path, frozenset[str]] = field(default_factory=dict)

    def effect_of(self, module: str) -> tuple[Path, Effect] | None:
        """The file of `module` and its first effect at import time, or None."""
        for path in self.modules.files(module):
            if path.suffix != ".py":
                continue
            if path not in self._known:
                self._known[path] = _file_effect(path)
            effect = self._known[path]
            if effect is not None:
                return path, effect
        return None

    def consumers(self, removal: Removal) -> list[Consumer]:
        """One `effect` consumer for each effect module the removed import ran: its first
        effect, where it stands."""
        found = []
        for module in ran_modules(removal, self.modules):
            known = self.effect_of(module)
            if known is not None:
                path, effect = known
                kind = ConsumerKind.EFFECT
                found.append(Consumer(path, effect.line, module, removal.name, kind, effect.what))
        return found

    def reached_attributes(self, ran: Sequence[str]) -> list[tuple[str, str]]:
        """(package, name) of each submodule the import set as its package's attribute, but
        for those the package's own `__init__` imports: importing the package sets those."""
        return [
            (package, name)
            for package, name in reached_attributes(ran, self.modules)
            if f"{package}.{name}" not in self._imported_by(package)
        ]

    def _imported_by(self, package: str) -> frozenset[str]:
        found: frozenset[str] = frozenset()
        for path in self.modules.files(package):
            if path.name == "__init__.py":
                if path not in self._imported:
                    self._imported[path] = frozenset(top_level_imports(path, self.modules))
                found |= self._imported[path]
        return found


def _file_effect(path: Path) -> Effect | None:
    try:
        source = path.read_bytes()
    except OSError:
        return None
    reduced = top_level_code(source)
    if reduced is None:
        return None
    for text in (reduced, source):  # a cut that does not parse: the whole module
        try:
            return module_effect(parse(text, str(path)))
        except (SyntaxError, ValueError):
            continue
    return None


def ran_modules(removal: Removal, modules: ModuleMap) -> list[str]:
    """The project modules a removed import ran that the file's other imports no longer run,
    nor its own import (the packages it is in run before it does)."""
    own = {
        ".".join(parts[:i])
        for name in modules.names.get(removal.path, ())
        for parts in [name.split(".")]
        for i in range(1, len(parts) + 1)
    }
    found = []
    for text in removal.runs:
        dots = len(text) - len(text.lstrip("."))
        name = modules.absolute(removal.path, dots, text[dots:]) if dots else text
        if name and name not in own and modules.is_module(name) and name not in found:
            found.append(name)
    return found


def reached_attributes(ran: Sequence[str], modules: ModuleMap) -> list[tuple[str, str]]:
    """(package, name) of each submodule the import set as its package's attribute."""
    pairs = (module.rsplit(".", 1) for module in ran if "." in module)
    return [(package, name) for package, name in pairs if modules.is_module(package)]
