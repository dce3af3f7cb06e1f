"""Which module-level names did ruff's fixes take away, branch by branch?

A name can vanish in three ways that all break a consumer: its import is deleted, it is moved
under `if TYPE_CHECKING:` (bound for type checkers only), or it is dropped from one arm of a
`try/except ImportError` or `if/else` while the other arm still binds it. So bindings are
compared per branch, and a branch counts as still served when the name is bound in it or in
any enclosing branch after the fix.

This is a screen over every file ruff changed, so it uses `ast` (fast) rather than libcst;
libcst is kept for the files that get an edit.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from safefix.bindings import (
    TRY_STATEMENTS,
    assignment,
    bound_names,
    lost_bindings,
    module_bindings,
    parse,
    statement_text,
)
from safefix.import_text import WHOLE_FILE, import_section, lost_nested_imports, same_imports
from safefix.lost_imports import LostImport, lost_imports
from safefix.types import Branch, Removal

#: What every effect form but one names in the text: an observer, a probe's exception, a
#: namespace read back. (The one, a function that is nothing but imports, ruff empties:
#: `_emptied_function` sees it.)
_EFFECT_HINTS = re.compile(
    rb"ImportError|ModuleNotFoundError|raises|warns|deprecated_call|assertWarns|assertLogs"
    rb"|assertNoLogs|catch_warnings|suppress|locals\(\)|vars\(\)"
)
_PASS = re.compile(rb"^[ \t]*pass[ \t]*(?:#[^\n]*)?$", re.MULTILINE)
_DEF = re.compile(rb"^([ \t]*)(?:async[ \t]+)?def[ \t][^\n]*:[ \t]*(?:#[^\n]*)?$", re.MULTILINE)
_DOCSTRING_START = re.compile(rb'[ \t]+[rRuUbB]?("""|\'\'\')')
_NEXT_LINE = re.compile(rb"\n([ \t]*)[^\s]")


def _emptied_function(before: bytes, after: bytes) -> bool:
    """Whether ruff may have emptied a function: it writes `pass` into a body it leaves empty,
    and leaves a docstring alone where there is one."""
    if len(_PASS.findall(after)) > len(_PASS.findall(before)):
        return True
    return _docstring_only_bodies(after) > _docstring_only_bodies(before)


def _docstring_only_bodies(source: bytes) -> int:
    """How many one-line `def` headers are followed by a docstring and then nothing more."""
    count = 0
    for header in _DEF.finditer(source):
        quote = _DOCSTRING_START.match(source, header.end() + 1)
        if quote is None:
            continue
        close = source.find(quote.group(1), quote.end())
        if close < 0:
            continue
        after = _NEXT_LINE.search(source, close)  # the first line with text after it
        indent = len(after.group(1)) if after is not None else 0
        count += after is None or indent <= len(header.group(1))
    return count


def _import_trees(
    path: Path, before: bytes, after: bytes, effects: bool
) -> tuple[ast.Module, ast.Module, bool]:
    """Both versions' import sections parsed (True), or the whole files (False) where a section
    is not enough (a module `__getattr__`, `effects`: imports whose effect may be the point)
    or does not parse alone."""
    if not (effects or WHOLE_FILE.search(before) or WHOLE_FILE.search(after)):
        parsed: set[bytes] = set()
        try:
            old = parse(import_section(before, parsed), str(path))
            return old, parse(import_section(after, parsed), str(path)), True
        except SyntaxError:
            pass  # e.g. the section ends inside a multi-line string: parse everything
    return parse(before, str(path)), parse(after, str(path)), False


def find_removals(path: Path, module: str, before: bytes, after: bytes) -> list[Removal]:
    """Removals between two versions of one file; raises SyntaxError if either does not parse.

    Two kinds: module-level bindings lost from a branch, and imports anywhere whose effect is
    the point (the assertion in `pytest.raises(ImportError)`, an availability probe).
    """
    if same_imports(before, after):
        return []  # only import statements bind what ruff removes; these are all still there
    old_lines = before.decode("utf-8", errors="replace").splitlines()
    nested = lost_nested_imports(before, after)
    effects = nested and (
        _EFFECT_HINTS.search(before) is not None or _emptied_function(before, after)
    )
    old_tree, new_tree, sections = _import_trees(path, before, after, nested)
    lazy = lazily_served(new_tree)
    found: dict[tuple[int, int, str], Removal] = {}
    old_bindings = module_bindings(old_tree, old_lines)
    if sections:  # the two sections can end at different statements: compare imports only
        old_bindings = [b for b in old_bindings if b.kind == "import"]
    new_bindings = module_bindings(new_tree)
    typed = {(b.name, b.source) for b in new_bindings if not b.runtime}
    for b in lost_bindings(old_bindings, new_bindings):
        found[(b.line, b.col, b.name)] = Removal(
            path=path,
            module=module,
            name=b.name,
            line=b.line,
            col=b.col,
            branch=b.branch,
            kind=b.kind,
            statement=b.statement,
            lazy=b.name in lazy,
            typed=b.source is not None and (b.name, b.source) in typed,
        )
    deleted = lost_imports(old_tree, new_tree, old_lines, nested=not sections)
    _add_lost_imports(found, deleted, path, module)
    if not effects:
        return sorted(found.values(), key=lambda r: (r.line, r.col, r.name))
    looks = _Looks.of(before)
    kept_effects = effect_imports(new_tree, (), looks)
    for key, site in effect_imports(old_tree, old_lines, looks).items():
        if key not in kept_effects:
            where = (site.line, site.col, site.name)
            lost = found.get(where) or Removal(
                path, module, site.name, site.line, site.col, site.scope, "import", site.statement
            )
            found[where] = replace(lost, effect=site.effect)
    return sorted(found.values(), key=lambda r: (r.line, r.col, r.name))


def _add_lost_imports(
    found: dict[tuple[int, int, str], Removal], lost: list[LostImport], path: Path, module: str
) -> None:
    """Say what each lost import ran; an import whose name stays bound (in a function, or
    `import pkg.sub` beside `import pkg`) is a removal too, if it ran a module nothing else
    in the file runs: only that can make it matter."""
    for imp in lost:
        key = (imp.line, imp.col, imp.name)
        known = found.get(key)
        if known is not None:
            found[key] = replace(known, runs=tuple(dict.fromkeys((*known.runs, *imp.runs))))
        elif imp.runs:
            found[key] = Removal(
                path,
                module,
                imp.name,
                imp.line,
                imp.col,
                imp.scope,
                "import",
                imp.statement,
                runs=imp.runs,
                bound=False,
            )


@dataclass(frozen=True)
class EffectSite:
    """An import whose execution is the point, wherever it stands."""

    name: str
    line: int
    col: int
    scope: Branch
    statement: str
    effect: str


#: Context managers and calls that observe what the code they run does: an import run under
#: one is the thing observed, whatever the exception, warning or log it expects.
_OBSERVERS = frozenset(
    {
        "raises",
        "warns",
        "deprecated_call",
        "assertRaises",
        "assertRaisesRegex",
        "assertWarns",
        "assertWarnsRegex",
        "assertLogs",
        "assertNoLogs",
        "catch_warnings",
        "suppress",
    }
)
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


@dataclass(frozen=True)
class _Looks:
    """Which of the rarer effect forms the text can hold at all: each costs a walk of the
    tree, which most files need not pay."""

    #: `assertRaises(ImportError, load)`: an observer handed a function that should fail.
    handed: bool = True
    #: `locals()` / `vars()` read back in a function.
    read_back: bool = True

    @classmethod
    def of(cls, source: bytes) -> _Looks:
        return cls(
            handed=b"ImportError" in source or b"ModuleNotFoundError" in source,
            read_back=b"locals()" in source or b"vars()" in source,
        )


def effect_imports(
    tree: ast.Module, lines: Sequence[str] = (), looks: _Looks = _Looks()
) -> dict[tuple[Any, ...], EffectSite]:
    """Imports whose execution is the point: run under an observer (`pytest.raises`,
    `assertWarns`, `suppress`... as a block, or a function handed to one), in a probe's
    `try/except ImportError`, or as the whole body of a function (an import smoke test).

    Keyed stably across ruff's edits: enclosing definitions, the reason, the name, and the
    occurrence among identical keys.
    """
    found: dict[tuple[Any, ...], EffectSite] = {}
    counts: dict[tuple[Any, ...], int] = {}
    observed = _observed_callables(tree) if looks.handed else {}

    def record(stmt: ast.Import | ast.ImportFrom, scope: Branch, effect: str) -> None:
        for name, _, _ in bound_names(stmt):
            base: tuple[Any, ...] = (scope, effect, name)
            counts[base] = counts.get(base, 0) + 1
            text = statement_text(stmt, lines)
            site = EffectSite(name, stmt.lineno, stmt.col_offset, scope, text, effect)
            found[(scope, effect, name, counts[base])] = site

    def visit(body: Sequence[ast.stmt], scope: Branch, effect: str | None) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                if effect:
                    record(stmt, scope, effect)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(stmt.body, (*scope, stmt.name), _function_effect(stmt, observed, looks))
            elif isinstance(stmt, ast.ClassDef):
                visit(stmt.body, (*scope, stmt.name), None)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                visit(stmt.body, scope, _with_effect(stmt) or effect)
            elif isinstance(stmt, TRY_STATEMENTS):
                trial = cast(ast.Try, stmt)
                probe = any(catches_import_error(h.type) for h in trial.handlers)
                visit(
                    trial.body,
                    scope,
                    "an availability probe (try/except ImportError)" if probe else effect,
                )
                for handler in trial.handlers:
                    visit(handler.body, scope, effect)
                visit(trial.orelse, scope, effect)
                visit(trial.finalbody, scope, effect)
            else:
                for arm in _bodies(stmt):
                    visit(arm, scope, effect)

    visit(tree.body, (), None)
    return found


def _observed_callables(tree: ast.Module) -> dict[str, str]:
    """Function names handed to an observer that expects an import to fail
    (`assertRaises(ImportError, func)`, `pytest.raises(ModuleNotFoundError, func)`), with the
    call: what such a function imports is observed. (A function that is nothing but imports
    is kept as an import check, whatever it is handed to.)"""
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _observer(node) and _expects_import_error(node):
            for arg in node.args:
                if isinstance(arg, ast.Name):
                    found.setdefault(arg.id, ast.unparse(node))
    return found


def _function_effect(
    stmt: ast.FunctionDef | ast.AsyncFunctionDef, observed: dict[str, str], looks: _Looks
) -> str | None:
    if stmt.name in observed:
        return f"the import is what {observed[stmt.name]} runs"
    body = stmt.body[1:] if ast.get_docstring(stmt) is not None else stmt.body
    if body and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in body):
        return f"the import is the whole body of {stmt.name}() (an import check)"
    if looks.read_back and any(_reads_locals(node) for node in ast.walk(stmt)):
        return f"{stmt.name}() reads its names back through locals()"
    return None


def _reads_locals(node: ast.AST) -> bool:
    """`locals()` or `vars()`: a function's own names, looked up by string at runtime."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("locals", "vars")
        and not node.args
    )


def _bodies(stmt: ast.stmt) -> Iterator[Sequence[ast.stmt]]:
    """The nested statement lists of a compound statement (no names: the effect walk needs none)."""
    for field in ("body", "orelse", "finalbody"):
        body = getattr(stmt, field, None)
        if body:
            yield body
    for handler in getattr(stmt, "handlers", ()):
        yield handler.body
    for case in getattr(stmt, "cases", ()):
        yield case.body


def _with_effect(stmt: ast.With | ast.AsyncWith) -> str | None:
    """An observer block's imports are what it observes when it expects an import to fail,
    or when they are all it runs (`with pytest.warns(DeprecationWarning): from m import old`);
    beside other code, the observed behaviour is that code's."""
    only_imports = all(isinstance(s, (ast.Import, ast.ImportFrom, ast.Pass)) for s in stmt.body)
    for item in stmt.items:
        call = item.context_expr
        if not (isinstance(call, ast.Call) and _observer(call)):
            continue
        if _expects_import_error(call):
            what = "a probe" if _call_name(call) == "suppress" else "the assertion"
            return f"the import is {what} (inside {ast.unparse(call)})"
        if only_imports:
            return f"the import is what is observed (inside {ast.unparse(call)})"
    return None


def _observer(call: ast.Call) -> bool:
    return _call_name(call) in _OBSERVERS


def _expects_import_error(call: ast.Call) -> bool:
    return any(catches_import_error(arg) for arg in call.args)


def _call_name(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def catches_import_error(node: ast.expr | None) -> bool:
    if node is None:
        return False
    if isinstance(node, ast.Tuple):
        return any(catches_import_error(e) for e in node.elts)
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
    return name in _IMPORT_ERRORS


def lazily_served(tree: ast.Module) -> set[str]:
    """Names a module-level `__getattr__` (PEP 562) serves by name: reachable without a binding.

    Counted: string literals in its body, and in module-level literals (dicts, sets, lists)
    its body refers to. Not counted: what it reads back from the module's own namespace, the
    values of a dict (a rename map `{"old": "new"}` serves `old` by `globals()["new"]`: `new`
    must stay bound) and the keys of `globals()[...]`.
    """
    literals: dict[str, ast.expr] = {}
    getattr_def = None
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef) and stmt.name == "__getattr__":
            getattr_def = stmt
        target, value = assignment(stmt)
        if target and value is not None:
            literals[target] = value
    if getattr_def is None:
        return set()
    served: set[str] = set()
    for node in ast.walk(getattr_def):
        if isinstance(node, ast.Name) and node.id in literals:
            served |= _served_strings(literals[node.id])
    served |= _served_strings(getattr_def)
    return served


def _served_strings(node: ast.AST) -> set[str]:
    """The strings under `node` that can name what `__getattr__` serves."""
    read_back: set[int] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Dict):
            read_back.update(id(n) for value in sub.values for n in ast.walk(value))
        elif isinstance(sub, ast.Subscript) and _own_namespace(sub.value):
            read_back.update(id(n) for n in ast.walk(sub.slice))
    return {
        n.value
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in read_back
    }


def _own_namespace(node: ast.expr) -> bool:
    """`globals()` or `vars()`: the module's own names."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("globals", "vars")
        and not node.args
    )


def removals_or_error(item: tuple[Path, bytes, bytes]) -> list[Removal] | str:
    """`find_removals` for a worker process: a SyntaxError comes back as its message."""
    path, before, after = item
    try:
        return find_removals(path, "", before, after)
    except SyntaxError as exc:
        return exc.msg or "invalid syntax"
