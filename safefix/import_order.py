"""A static model of import-time binding order: does a fix make a name unbound at the moment
an import cycle needs it?

Python runs a module's top-level statements in order. `from P import N` while `P` is still
initialising (reached through a cycle) needs `N` already bound in `P`; sorting `P`'s imports
(I001), moving them (TC00x) or dropping an earlier binding (F811) can run the cycle sooner.
The model walks each module's top-level statements as Python would (both arms of `if`/`try`,
class bodies, never function bodies or `if TYPE_CHECKING:`), importing project modules
depth-first with the stack of modules partly initialised, and stops at the first
`from P import N` that would raise. It runs once on the original tree and once on the fixed
one from the same entry modules; only a failure the fix introduced is reported.

Where it cannot know what a module binds (`__getattr__`, `globals()`, `exec`, `sys.modules`
writes at top level), imports from that module never fail in the model: undecided, not alarmed.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from safefix.bindings import parse
from safefix.top_level import functions_stubbed
from safefix.types import OrderFailure

#: Calls and names at module level that bind names the model cannot see.
DYNAMIC = frozenset({"globals", "exec", "setattr", "vars", "locals"})
#: Deepest chain of modules initialising at once the model follows.
MAX_DEPTH = 200


@dataclass(frozen=True)
class Op:
    """One import-time event of a module, in execution order."""

    line: int
    #: "bind" a name, "import" a module chain, "from" (names from a module), "all" (__all__).
    kind: str
    module: str = ""
    names: tuple[tuple[str, str], ...] = ()
    #: "all": the literal names (None: not a literal), `extend` when it adds to __all__.
    literal: tuple[str, ...] | None = None
    extend: bool = False


@dataclass(frozen=True)
class Skeleton:
    """What running a module's top level does, as far as import order is concerned."""

    path: Path
    ops: tuple[Op, ...]
    #: The module may bind names the model cannot see: imports from it never fail.
    undecided: bool


#: A module's absolute name for (level, module) of an import in it, or None if it escapes.
Resolve = Callable[[int, str | None], str | None]


def skeleton(path: Path, source: bytes, resolve: Resolve) -> Skeleton | None:
    """The module's import-time events (None: it does not parse)."""
    tree = None
    for text in (functions_stubbed(source), source):  # function bodies do not run on import
        try:
            tree = parse(text)
            break
        except (SyntaxError, ValueError):
            continue
    if tree is None:
        return None
    walker = _Walker(resolve)
    walker.body(tree.body, in_class=False)
    return Skeleton(path, tuple(walker.ops), walker.undecided)


class _Walker:
    def __init__(self, resolve: Resolve) -> None:
        self.resolve = resolve
        self.ops: list[Op] = []
        self.undecided = False

    def body(self, statements: Sequence[ast.stmt], *, in_class: bool) -> None:
        for stmt in statements:
            self.statement(stmt, in_class=in_class)

    def bind(self, line: int, names: Iterable[str], in_class: bool) -> None:
        if not in_class:
            self.ops += [Op(line, "bind", names=((n, n),)) for n in names]

    def statement(self, stmt: ast.stmt, *, in_class: bool) -> None:
        line = stmt.lineno
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                bound = alias.asname or alias.name.split(".")[0]
                self.ops.append(Op(line, "import", alias.name))
                self.bind(line, [bound], in_class)
        elif isinstance(stmt, ast.ImportFrom):
            module = self.resolve(stmt.level, stmt.module)
            if module is not None:
                names = tuple((a.name, a.asname or a.name) for a in stmt.names)
                self.ops.append(Op(line, "from", module, names if not in_class else ()))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.undecided |= stmt.name == "__getattr__" and not in_class
            self.bind(line, [stmt.name], in_class)
        elif isinstance(stmt, ast.ClassDef):
            self.body(stmt.body, in_class=True)
            self.bind(line, [stmt.name], in_class)
        elif isinstance(stmt, ast.If):
            self._if(stmt, in_class)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            self.body(stmt.body, in_class=in_class)  # type: ignore[attr-defined]
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                if handler.name:
                    self.bind(handler.lineno, [handler.name], in_class)
                self.body(handler.body, in_class=in_class)
            self.body(stmt.orelse, in_class=in_class)  # type: ignore[attr-defined]
            self.body(stmt.finalbody, in_class=in_class)  # type: ignore[attr-defined]
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            self._dynamic(stmt.iter if not isinstance(stmt, ast.While) else stmt.test, in_class)
            if not isinstance(stmt, ast.While):
                self.bind(line, _targets(stmt.target), in_class)
            self.body(stmt.body, in_class=in_class)
            self.body(stmt.orelse, in_class=in_class)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    self.bind(line, _targets(item.optional_vars), in_class)
            self.body(stmt.body, in_class=in_class)
        else:
            self._simple(stmt, in_class)

    def _if(self, stmt: ast.If, in_class: bool) -> None:
        test = ast.unparse(stmt.test)
        if "TYPE_CHECKING" in test or "__main__" in test:
            self.body(stmt.orelse, in_class=in_class)  # the body never runs on import
            return
        self.body(stmt.body, in_class=in_class)
        self.body(stmt.orelse, in_class=in_class)

    def _simple(self, stmt: ast.stmt, in_class: bool) -> None:
        line = stmt.lineno
        self._dynamic(stmt, in_class)
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                self.bind(line, _targets(target), in_class)
            if not in_class and any(_is_all(t) for t in stmt.targets):
                self.ops.append(Op(line, "all", literal=_literal(stmt.value)))
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            self.bind(line, _targets(stmt.target), in_class)
        elif isinstance(stmt, ast.AugAssign):
            self.bind(line, _targets(stmt.target), in_class)
            if not in_class and _is_all(stmt.target):
                self.ops.append(Op(line, "all", literal=_literal(stmt.value), extend=True))
        elif isinstance(stmt, ast.Expr) and not in_class:
            call = stmt.value
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and _is_all(call.func.value)
                and call.func.attr in ("extend", "append")
                and call.args
            ):
                arg = call.args[0]
                value = ast.List([arg], ast.Load()) if call.func.attr == "append" else arg
                self.ops.append(Op(line, "all", literal=_literal(value), extend=True))

    def _dynamic(self, node: ast.AST, in_class: bool) -> None:
        """Top-level code that binds names out of the model's sight makes the module undecided."""
        if in_class or self.undecided:
            return
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
                self.undecided |= sub.func.id in DYNAMIC
            elif isinstance(sub, ast.Attribute) and sub.attr == "modules":
                self.undecided |= isinstance(sub.ctx, ast.Load) and _is_sys(sub.value)


def _is_sys(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "sys"


def _is_all(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "__all__"


def _literal(node: ast.expr) -> tuple[str, ...] | None:
    if not isinstance(node, (ast.List, ast.Tuple)):
        return None
    names = [e.value for e in node.elts if isinstance(e, ast.Constant)]
    strings = [n for n in names if isinstance(n, str)]
    return tuple(strings) if len(strings) == len(node.elts) else None


def _targets(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [name for element in node.elts for name in _targets(element)]
    if isinstance(node, ast.Starred):
        return _targets(node.value)
    return []


class _Failed(Exception):
    def __init__(self, failure: OrderFailure) -> None:
        super().__init__(failure.name)
        self.failure = failure


_INIT, _DONE = 1, 2
_UNSET = object()


class Simulation:
    """One fresh interpreter: modules imported in order from entry modules, stopping at the
    first import that would raise. `skeleton_of` is None for a module outside the project."""

    def __init__(self, skeleton_of: Callable[[str], Skeleton | None]) -> None:
        self._skeleton_of = skeleton_of
        self.status: dict[str, int] = {}
        #: Per module: each name bound so far, with the line that first bound it.
        self.bound: dict[str, dict[str, int]] = {}
        self._all: dict[str, list[str] | None] = {}
        self._stack: list[tuple[str, int]] = []
        #: While set: how to undo each change, so one entry's run can be taken back.
        self._journal: list[tuple[str, str, object]] | None = None
        #: The modules this tentative run loaded: rollback drops them whole, so their
        #: bindings need no journal (a star import binds hundreds of names).
        self.fresh: set[str] = set()
        #: While set: what of the state before the tentative run it read, as (module, "")
        #: for its status, (module, "*") for all its names, (module, name) for one name.
        self.reads: set[tuple[str, str]] | None = None

    def tentatively(self, entry: str) -> tuple[OrderFailure | None, Simulation]:
        """`run(entry)`, to be taken back with `rollback()` (cheaper than a copy)."""
        self._journal = []
        self.fresh = set()
        self.reads = set()
        return self.run(entry), self

    def rollback(self) -> None:
        journal, self._journal = self._journal or [], None
        self.fresh = set()
        self.reads = None
        for kind, module, old in reversed(journal):
            if kind == "status":
                if old is None:
                    del self.status[module]
                else:
                    self.status[module] = old  # type: ignore[assignment]
            elif kind == "module":
                del self.bound[module]
            elif kind == "bind":
                del self.bound[module][old]  # type: ignore[arg-type]
            elif old is _UNSET:
                del self._all[module]
            else:
                self._all[module] = old  # type: ignore[assignment]

    def _note(self, kind: str, module: str, old: object) -> None:
        if self._journal is not None:
            self._journal.append((kind, module, old))

    def _set_status(self, module: str, value: int) -> None:
        self._note("status", module, self.status.get(module))
        self.status[module] = value

    def copy(self) -> Simulation:
        """The same interpreter state, to go on from separately."""
        twin = Simulation(self._skeleton_of)
        twin.status = dict(self.status)
        twin.bound = {module: dict(names) for module, names in self.bound.items()}
        twin._all = {module: None if n is None else list(n) for module, n in self._all.items()}
        return twin

    def run(self, entry: str) -> OrderFailure | None:
        """Import `entry`; the failure that stops it, if any."""
        try:
            self._import_chain(entry)
        except _Failed as failed:
            return failed.failure
        finally:
            self._stack.clear()  # what raised left its modules initialising
        return None

    def _import_chain(self, dotted: str) -> None:
        parts = dotted.split(".")
        for i in range(1, len(parts) + 1):
            self._load(".".join(parts[:i]))

    def _load(self, module: str) -> None:
        reads = self.reads
        if module in self.status:
            if reads is not None and module not in self.fresh:
                reads.add((module, ""))
            return
        if reads is not None:
            reads.add((module, ""))  # not loaded before: from here on the run's own
            self.fresh.add(module)
        found = self._skeleton_of(module)
        if found is None:
            self._set_status(module, _DONE)
            return
        self._set_status(module, _INIT)
        if len(self._stack) >= MAX_DEPTH:
            raise RecursionError(f"import chain deeper than {MAX_DEPTH} at {module}")
        self._note("module", module, None)
        self.bound[module] = {}
        self._stack.append((module, 0))
        for op in found.ops:
            self._stack[-1] = (module, op.line)
            self._run(module, op, found)
        self._stack.pop()
        self._set_status(module, _DONE)
        parent, _, child = module.rpartition(".")
        if parent:
            self._read(parent, child)
            if parent in self.bound:
                self._bind(parent, child, 0)

    def _bind(self, module: str, name: str, line: int) -> None:
        names = self.bound[module]
        if name not in names:
            if self._journal is not None and module not in self.fresh:
                self._journal.append(("bind", module, name))
            names[name] = line

    def _run(self, module: str, op: Op, found: Skeleton) -> None:
        if op.kind == "bind":
            self._bind(module, op.names[0][1], op.line)
        elif op.kind == "import":
            self._import_chain(op.module)
        elif op.kind == "all":
            self._note("all", module, self._all.get(module, _UNSET))
            known = self._all.get(module, [])
            if op.literal is None or (op.extend and known is None):
                self._all[module] = None
            else:
                self._all[module] = [*(known or []), *op.literal] if op.extend else [*op.literal]
        else:
            self._import_chain(op.module)
            for name, bound in op.names:
                if name == "*":
                    self._bind_all(module, self._star(op.module, op.line), op.line)
                else:
                    self._from(op.module, name, op.line)
                    self._bind(module, bound, op.line)

    def _bind_all(self, module: str, stars: list[str], line: int) -> None:
        """`_bind` for each of a star import's names (without a call per name)."""
        names = self.bound[module]
        journal = None if module in self.fresh else self._journal
        for star in stars:
            if star not in names:
                names[star] = line
                if journal is not None:
                    journal.append(("bind", module, star))

    def _from(self, source: str, name: str, line: int) -> None:
        """`from source import name`: bound, a submodule (imported if need be), or a failure."""
        self._read(source, name)
        if name in self.bound.get(source, {name: 0}):
            return
        if self._skeleton_of(f"{source}.{name}") is not None:
            self._load(f"{source}.{name}")  # Python imports it, or finds it in sys.modules
            return
        self._check(source, name, line)

    def _check(self, source: str, name: str, line: int) -> None:
        self._read(source, "")
        found = self._skeleton_of(source)
        if self.status.get(source) != _INIT or found is None or found.undecided:
            return  # a finished module lacking a name is not an ordering matter
        importer, _ = self._stack[-1]
        raise _Failed(
            OrderFailure(
                module=source,
                name=name,
                importer=importer,
                line=line,
                stack=tuple(self._stack),
            )
        )

    def _read(self, module: str, what: str) -> None:
        if self.reads is not None and module not in self.fresh:
            self.reads.add((module, what))

    def _star(self, source: str, line: int) -> list[str]:
        self._read(source, "*")
        bound = self.bound.get(source)
        if bound is None:
            return []
        listed = self._all.get(source)
        if listed is None:
            return [n for n in bound if not n.startswith("_")]
        for name in listed:
            self._from(source, name, line)
        return listed


@dataclass(frozen=True)
class Introduced:
    """A failure the fixed tree has and the original did not, for one entry module."""

    entry: str
    failure: OrderFailure
    #: The line of the original module that bound the name before the failing statement ran.
    bound_line: int | None


Skeletons = Callable[[str], Skeleton | None]


def introduced(entries: Sequence[str], original: Skeletons, fixed: Skeletons) -> list[Introduced]:
    """For each entry imported first in a fresh interpreter: the import failure the fixed tree
    raises where the original imports cleanly."""
    found: dict[OrderFailure, Introduced] = {}
    before, after = Runs(original), Runs(fixed)
    for entry in entries:
        failure, _ = after.result(entry)
        if failure is None:
            continue
        failed, line = before.result(entry, (failure.module, failure.name))
        if failed is None:
            found.setdefault(failure, Introduced(entry, failure, line))
    return list(found.values())


class Runs:
    """Fresh interpreters importing one module first, sharing what their package chains do
    alike: importing `a.b.c` first runs `a`, then `a.b`, from the same fresh state every time,
    so the state after each package is worked out once (and copied only when more runs); the
    entry's own run is taken back afterwards."""

    def __init__(self, skeleton_of: Skeletons) -> None:
        self._skeleton_of = skeleton_of
        self._after: dict[str, tuple[OrderFailure | None, Simulation]] = {}
        #: The state before anything is imported (every run takes its own back).
        self._fresh: tuple[OrderFailure | None, Simulation] = (None, Simulation(skeleton_of))
        self._names: dict[tuple[str, str], int] = {}
        #: Per entry run past its chain: its failure and the modules it loaded itself.
        self._outcomes: dict[str, tuple[OrderFailure | None, frozenset[str]]] = {}

    def result(
        self,
        entry: str,
        lookup: tuple[str, str] | None = None,
        reached: Callable[[Reads | None], None] | None = None,
    ) -> tuple[OrderFailure | None, int | None]:
        """The failure importing `entry` first meets, and the line that bound `lookup` (a
        module's name) by the end of the run; `reached` is told what the result depends on
        (None: unknown)."""
        _, failure, simulation = self._chain(entry)
        reads: Reads | None = Reads(frozenset({(entry, "")}), frozenset(), 0)
        if failure is None and entry not in simulation.status:
            known = self._outcomes.get(entry)
            if known is not None and reached is None and _settled(simulation, known[1], lookup):
                return known[0], _line(simulation, lookup)
            try:
                failure, _ = simulation.tentatively(entry)
                line = _line(simulation, lookup)
                seen, loaded = frozenset(simulation.reads or ()), frozenset(simulation.fresh)
                self._outcomes[entry] = (failure, loaded)
            except RecursionError:
                failure, line, seen, loaded = None, None, None, frozenset()  # undecided
            finally:
                simulation.rollback()
            reads = None if seen is None else Reads(seen, loaded, 0)
        else:
            line = _line(simulation, lookup)
        if reached is not None:
            reached(reads and Reads(reads.reads, reads.loaded, self.state(entry, reads.reads)))
        return failure, line

    def state(self, entry: str, reads: frozenset[tuple[str, str]]) -> int:
        """A digest of what `reads` read of the state `entry`'s package chain leaves (with
        the chain's own failure): equal digests, equal runs of `entry` over equal modules."""
        key, failure, simulation = self._chain(entry)
        return hash(
            (failure, frozenset((read, self._digest(key, simulation, read)) for read in reads))
        )

    def _digest(self, key: str, simulation: Simulation, read: tuple[str, str]) -> object:
        module, what = read
        bound = simulation.bound.get(module)
        if what == "":
            return (simulation.status.get(module), bound is not None)
        if what != "*":
            return (bound is not None, bound is not None and what in bound)
        memo = (key, module)
        if memo not in self._names:
            listed = simulation._all.get(module, _UNSET)
            names = frozenset(bound or ())
            self._names[memo] = hash(
                (
                    names,
                    tuple(listed) if isinstance(listed, list) else listed is None,
                    bound is None,
                    listed is _UNSET,
                )
            )
        return self._names[memo]

    def _chain(self, entry: str) -> tuple[str, OrderFailure | None, Simulation]:
        """The state `entry`'s package chain leaves (`entry`'s own, if it is a package that
        another entry's chain ran), and its key."""
        parts = entry.split(".")
        key, known = "", self._fresh
        for i in range(1, len(parts)):
            prefix = ".".join(parts[:i])
            if prefix not in self._after:
                self._after[prefix] = self._step(known, prefix)
            key, known = prefix, self._after[prefix]
        if entry in self._after:
            key, known = entry, self._after[entry]
        return (key, *known)

    @staticmethod
    def _step(
        known: tuple[OrderFailure | None, Simulation], module: str
    ) -> tuple[OrderFailure | None, Simulation]:
        failure, simulation = known
        if failure is not None or module in simulation.status:
            return known
        simulation = simulation.copy()
        try:
            return simulation.run(module), simulation
        except RecursionError:
            return None, simulation  # too deep to follow: undecided


@dataclass(frozen=True)
class Reads:
    """What one entry's run depended on: the parts of the state its package chain left that
    it read, the modules it loaded itself (their skeletons), and a digest of the former."""

    reads: frozenset[tuple[str, str]]
    loaded: frozenset[str]
    state: int


def _settled(
    simulation: Simulation, loaded: frozenset[str], lookup: tuple[str, str] | None
) -> bool:
    """Whether the chain's state already holds the line a run that loaded `loaded` would
    report for `lookup` (a run binds a name of a module it did not load only as a
    submodule, and never rebinds one)."""
    if lookup is None:
        return True
    module, name = lookup
    return module not in loaded and name in simulation.bound.get(module, ())


def _line(simulation: Simulation, lookup: tuple[str, str] | None) -> int | None:
    if lookup is None:
        return None
    return simulation.bound.get(lookup[0], {}).get(lookup[1])
