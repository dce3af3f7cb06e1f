"""The stages beside the fix: `safefix check` (contracts), `--verify` (the fixed project still
imports, the user's command still passes) and `safefix why` (one name's consumers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from safefix.project_root import find_project_root
from safefix.session import UsageError, say
from safefix.types import Explanation, FileOutcome, Finding

if TYPE_CHECKING:
    from safefix.session import Session


def contracts(
    session: Session, outcomes: Sequence[FileOutcome], files: Sequence[Path]
) -> list[Finding]:
    """Unprotected load-bearing imports, partial fallbacks, and names imported from nowhere."""
    from safefix import bindings
    from safefix import contracts as found_in
    from safefix.consumers import build_full_index
    from safefix.keep import open_cache
    from safefix.modules import PY_SUFFIXES

    kept = [(o.path, d) for o in outcomes for d in o.kept]
    found = found_in.unprotected(kept)
    python = [p for p in dict.fromkeys(files) if p.suffix in PY_SUFFIXES]
    cache = open_cache(session)
    modules = session.ahead.modules
    index = build_full_index(python, modules, session.ahead.text_files, cache)
    if cache is not None:
        cache.save()
    for path, source in index.sources.items():
        if b"ImportError" in source and path not in index.unparsed:
            tree = bindings.parse(source, str(path))
            found += found_in.fallbacks(path, tree, modules.display_name(path), index)
    found += found_in.missing(index, modules, {})
    return sorted(found, key=lambda f: (str(f.path), f.line, f.code))


def verify(
    session: Session, outcomes: list[FileOutcome], files: Sequence[Path]
) -> tuple[list[FileOutcome], list[str]]:
    """Import (and run the user's command on) the fixed project; take back what breaks it."""
    from safefix import verify as verifying

    fixed = {o.path: o for o in outcomes if o.changed and not o.error and o.path.suffix == ".py"}
    if not fixed:
        return outcomes, []
    for outcome in fixed.values():
        session.scratch.write(outcome.path, outcome.after)
    reverted: dict[Path, str] = {}
    notes: list[str] = []
    options = session.options
    if options.verify:
        say(options, "importing every module, before and after")
        verdict = verifying.verify_imports(
            verifying.project_python(session.root),
            session.root,
            verifying.importable(session.ahead.modules, list(dict.fromkeys(files))),
            {path: session.scratch.mirror(path) for path in fixed},
            session.ahead.modules.roots,
            options.import_timeout,
        )
        reverted.update(verdict.reverted)
        notes += verdict.notes
    if options.verify_cmd:
        remaining = {p: o.after for p, o in fixed.items() if p not in reverted}
        say(options, f"running `{options.verify_cmd}`, before and after")
        project = [path for path in dict.fromkeys(files) if path.suffix == ".py"]
        verdict = verifying.verify_command(
            options.verify_cmd,
            session.root,
            remaining,
            project,
            options.verify_timeout,
            cwd=options.cwd,
        )
        reverted.update(verdict.reverted)
        notes += verdict.notes
    return [
        replace(o, after=o.before, error=reverted[o.path], decisions=())
        if o.path in reverted
        else o
        for o in outcomes
    ], notes


def _binds(path: Path, name: str) -> bool:
    """Whether the module's body binds `name` (a file that does not parse might)."""
    from safefix.bindings import module_bindings, parse

    try:
        tree = parse(path.read_bytes(), str(path))
    except (SyntaxError, OSError):
        return True
    bound = {b.name for b in module_bindings(tree)}
    return name in bound or "__getattr__" in bound  # a module __getattr__ may serve it


def explain(target: str, cwd: Path, project_root: Path | None) -> Explanation:
    """Every consumer the index knows for `MODULE:NAME` (or `MODULE.NAME`), for `safefix why`."""
    from safefix.consumers import build_index
    from safefix.modules import build_module_map
    from safefix.sources import listing

    module, sep, name = target.partition(":")
    if not sep:
        module, _, name = target.rpartition(".")
    if not module or not name.isidentifier():
        raise UsageError(f"{target}: expected MODULE:NAME, e.g. app.main:KEEPALIVE")
    root = (project_root or find_project_root([cwd])).absolute()
    found = listing([root])
    project = list(found.python)
    modules = build_module_map(project, root)
    files = modules.files(module)
    if not files:
        raise UsageError(f"{module}: no such module in the project at {root}")
    index = build_index(project, {}, {name: [module]}, modules, found.text)
    consumers = sorted(
        {c for path in files for c in index.consumers_of(path, name)},
        key=lambda c: (str(c.path), c.line, c.kind.value),
    )
    if not consumers and not any(_binds(path, name) for path in files):
        raise UsageError(f"{module}:{name}: {module} does not define {name}")
    return Explanation(module=module, name=name, files=files, consumers=tuple(consumers))
