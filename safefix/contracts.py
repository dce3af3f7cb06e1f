"""`safefix check`: the import contracts a project relies on without saying so.

Three findings, each naming the consumer that relies on the contract:

- `unprotected`: a load-bearing import guarded by nothing (no `noqa`, no `__all__`, no `x as x`
  in `__init__.py`), so the next plain `ruff check --fix` deletes it. These are exactly the
  imports a safefix run would keep, so they come from the same analysis.
- `fallback`: a `try/except ImportError` fallback whose branches bind different public names:
  a name one branch forgot exists only on some machines.
- `missing`: a name imported from a project module that does not bind it at all: already
  broken, whatever ruff does.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from pathlib import Path

from safefix.bindings import module_bindings, parse
from safefix.consumers import ConsumerIndex
from safefix.modules import ModuleMap
from safefix.removals import catches_import_error, lazily_served
from safefix.types import Consumer, ConsumerKind, Decision, Finding


def unprotected(kept: Iterable[tuple[Path, Decision]]) -> list[Finding]:
    return [
        Finding(
            path=path,
            line=d.removal.line,
            code="unprotected",
            message=f"{d.removal.name} is needed elsewhere but nothing protects it: "
            "the next `ruff check --fix` deletes it",
            consumers=d.consumers,
        )
        for path, d in kept
        if d.consumers
    ]


def fallbacks(path: Path, tree: ast.Module, module: str, index: ConsumerIndex) -> list[Finding]:
    """`try: from a import x, y / except ImportError: from b import x`: y exists only sometimes."""
    found = []
    for stmt in tree.body:
        if not isinstance(stmt, ast.Try):
            continue
        handlers = [h for h in stmt.handlers if catches_import_error(h.type)]
        if not handlers:
            continue
        arms = [_public_names(stmt.body)] + [_public_names(h.body) for h in handlers]
        if not all(arms):
            continue  # `except ImportError: pass` is a probe, not a fallback
        everywhere = set.intersection(*arms)
        for name in sorted(set.union(*arms) - everywhere):
            consumers = tuple(index.consumers_of(path, name))
            if not consumers:
                continue
            found.append(
                Finding(
                    path=path,
                    line=stmt.lineno,
                    code="fallback",
                    message=f"`{module}.{name}` is bound by only some branches of this "
                    "try/except ImportError: it exists only on some machines",
                    consumers=consumers,
                )
            )
    return found


def missing(index: ConsumerIndex, modules: ModuleMap, sources: dict[Path, bytes]) -> list[Finding]:
    """from-imports of names that their (project) module does not bind anywhere."""
    bound: dict[Path, set[str] | None] = {}
    found = []
    for consumer in _from_imports(index):
        for path in modules.files(consumer.module):
            if path not in bound:
                bound[path] = _bindings(path, sources)
            names = bound[path]
            is_submodule = modules.is_module(f"{consumer.module}.{consumer.name}")
            if names is None or consumer.name in names or is_submodule:
                continue
            found.append(
                Finding(
                    path=consumer.path,
                    line=consumer.line,
                    code="missing",
                    message=f"imports {consumer.name} from {consumer.module}, which does not define it",
                    consumers=(consumer,),
                )
            )
    return found


def _from_imports(index: ConsumerIndex) -> Iterable[Consumer]:
    for consumers in index.by_file.values():
        for consumer in consumers:
            if consumer.kind is ConsumerKind.FROM_IMPORT and not consumer.typing_only:
                yield consumer


def _bindings(path: Path, sources: dict[Path, bytes]) -> set[str] | None:
    """Every name the module binds on some branch; None when that cannot be known statically."""
    try:
        source = sources.get(path) or path.read_bytes()
        tree = parse(source, str(path))
    except (OSError, SyntaxError):
        return None
    if lazily_served(tree) or _has_star_import(tree) or _has_dynamic_globals(tree):
        return None
    return {b.name for b in module_bindings(tree)} | _function_globals(tree)


def _has_star_import(tree: ast.Module) -> bool:
    return any(
        isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names)
        for n in ast.walk(tree)
    )


def _has_dynamic_globals(tree: ast.Module) -> bool:
    """`globals()[...] = ...`, `globals().update(...)`: names bound where no parser sees them."""
    return any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Name)
        and n.func.id in ("globals", "vars")
        for n in ast.walk(tree)
    )


def _function_globals(tree: ast.Module) -> set[str]:
    """Names functions declare `global` (and so may bind at module level when called)."""
    return {name for n in ast.walk(tree) if isinstance(n, ast.Global) for name in n.names}


def _public_names(body: Sequence[ast.stmt]) -> set[str]:
    names: set[str] = set()
    for stmt in body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for alias in stmt.names:
                name = alias.asname or alias.name.split(".")[0]
                if alias.name != "*" and not name.startswith("_"):
                    names.add(name)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name) and not t.id.startswith("_")}
        elif isinstance(
            stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        ) and not stmt.name.startswith("_"):
            names.add(stmt.name)
    return names
