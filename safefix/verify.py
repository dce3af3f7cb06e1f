"""`--verify`: prove the fixed project still imports, and take back the fixes that broke it.

Removals are not the only way a fix breaks a project: re-sorting imports (I001) can turn a
cycle that worked thanks to import order into an ImportError at start-up, and a moved import
can change a side effect. So, before anything is written, every module of the project is
imported in a fresh interpreter (`verify_worker.py`), on the original tree and on the fixed
one; a module that imported before and fails after is blamed on the smallest set of changed
files whose fixes cause it, found by bisection, and those files are left as they were.
`--verify-cmd` does the same with the user's own command (e.g. `pytest -x -q`) on a copy.
"""

from __future__ import annotations

import math
import os
import shlex
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path

from safefix.culprits import Failure, find_culprits, follow_failures, suspects
from safefix.importer import Imported, Importer, third_party
from safefix.interrupts import end, spawn
from safefix.materialise import copy_project
from safefix.modules import ModuleMap
from safefix.session import UsageError
from safefix.workspace import temporary_directory

#: Module files never imported: running them is their job, not importing them.
NOT_IMPORTED = frozenset({"__main__.py", "setup.py", "conftest.py", "noxfile.py"})
COPY_IGNORE = frozenset(
    {".git", ".venv", "venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".tox"}
)


@dataclass(frozen=True)
class Verdict:
    """What verification concluded: files to leave as they were (with why), and notes."""

    reverted: dict[Path, str]
    notes: tuple[str, ...]


def project_python(root: Path) -> str:
    """The interpreter that can import the project: its own virtualenv where it has one."""
    candidates = [os.environ.get("VIRTUAL_ENV", ""), str(root / ".venv"), str(root / "venv")]
    for venv in candidates:
        python = Path(venv, "bin", "python")
        if venv and python.is_file():
            return str(python)
    return sys.executable


def import_roots(root: Path, source_roots: Sequence[str] = ()) -> list[str]:
    """`sys.path` for the project's modules: its source roots, innermost first (the display
    names start there), then `src/` and the root."""
    inner = sorted((r for r in source_roots if r != str(root)), key=len, reverse=True)
    found = [*inner, str(root / "src"), str(root)]
    return [r for r in dict.fromkeys(found) if os.path.isdir(r)]


def importable(modules: ModuleMap, files: Sequence[Path]) -> dict[str, Path]:
    """Module name -> file, for every project module worth importing."""
    found: dict[str, Path] = {}
    for path in files:
        if path.suffix != ".py" or path.name in NOT_IMPORTED:
            continue
        name = modules.display_name(path)
        if name and name not in found:
            found[name] = path
    return found


def verify_imports(
    python: str,
    root: Path,
    modules: Mapping[str, Path],
    fixed: Mapping[Path, Path],
    source_roots: Sequence[str] = (),
    timeout: float = 20.0,
) -> Verdict:
    """Import every module before and after; leave unchanged the files whose fixes make a
    module fail, and check again the tree as it will be written, until it imports as before.

    The imports run in a copy of the project, from the copy as working directory: importing
    runs the project's code, which may write where it stands (also under `--diff`)."""
    files = tuple(dict.fromkeys([*modules.values(), *fixed]))
    with temporary_directory("safefix-verify-") as temp:
        copy = Path(temp) / "project"
        left_out = tuple(copy_project(root, copy, COPY_IGNORE))
        roots = import_roots(copy, [str(_rebased(Path(r), root, copy)) for r in source_roots])
        importer = Importer(
            python,
            tuple(roots),
            files,
            Path(temp),
            tuple(third_party(files, roots)),
            timeout=max(1, math.ceil(timeout)),
            located=tuple(_rebased(path, root, copy) for path in files),
        )
        names = sorted(modules)
        before = importer.run(names, {})
        notes = tuple(
            f"{name} does not import even before the fix ({found.error}); not checked"
            for name, found in before.items()
            if found.error
        )
        healthy = [name for name in names if before[name].error is None]
        reverted: dict[Path, str] = {}
        applied = dict(fixed)
        while applied:
            # an import that executed none of the changed files runs the same code after
            reached = [n for n in healthy if not before[n].executed.isdisjoint(applied)]
            after = importer.run(reached, applied)
            broken = sorted((after[n] for n in reached if after[n].error), key=_depth_first)
            if not broken:
                break
            why = _why(broken)
            for path in _culprits(importer, modules, applied, _representatives(broken)):
                reverted[path] = why
                del applied[path]
    return Verdict(reverted, (*notes, *left_out))


def _culprits(
    importer: Importer,
    modules: Mapping[str, Path],
    applied: Mapping[Path, Path],
    broken: Sequence[Imported],
) -> list[Path]:
    """The applied files to leave unchanged for `broken` to import again; never none.

    The searches only prove their answer on `broken`; the caller checks the whole tree again."""
    names = [found.module for found in broken]
    one = replace(importer, workers=1)  # the same import fails first every time

    def package_files(module: str) -> list[Path]:
        parts = module.split(".")
        return [
            modules[p] for i in range(1, len(parts) + 1) if (p := ".".join(parts[:i])) in modules
        ]

    def failure(found: Imported, subset: Sequence[Path]) -> Failure:
        path = suspects(found.trace, package_files(found.module), found.executed, subset)
        return Failure(found.error or "", path)

    def probe(subset: Sequence[Path]) -> Failure | None:
        results = one.run(names, {path: applied[path] for path in subset}, first_failure=True)
        failed = next((found for found in results.values() if found.error), None)
        return None if failed is None else failure(failed, subset)

    changed = sorted(applied)
    found = follow_failures(changed, probe)
    if found is None:
        on_path = failure(broken[0], changed).suspects
        found = find_culprits(changed, lambda subset: probe(subset) is not None, on_path)
    # should the imports not fail again (a flaky import), every changed file the failing
    # imports ran is left unchanged instead
    return found or list(failure(broken[0], changed).suspects) or changed


def _depth_first(found: Imported) -> tuple[int, str]:
    return found.module.count("."), found.module


def _representatives(broken: Sequence[Imported]) -> list[Imported]:
    """One failing import per distinct error, the shallowest: what the bisection re-imports.
    When `import pkg` fails, every `pkg.*` and every script importing pkg fails the same way,
    and importing them all again for each subset tried would cost as much as the first check."""
    first: dict[str, Imported] = {}
    for found in broken:
        first.setdefault(found.error or "", found)
    return list(first.values())


def _why(broken: Sequence[Imported]) -> str:
    first = broken[0]
    more = f" and {len(broken) - 1} more" if len(broken) > 1 else ""
    return f"its fixes break `import {first.module}` ({first.error}){more}; left unchanged"


def _rebased(path: Path, root: Path, copy: Path) -> Path:
    """Where `path` lies in the copy of `root` (a file outside the project stays where it is)."""
    return copy / path.relative_to(root) if path.is_relative_to(root) else path


def command_words(command: str, root: Path) -> list[str]:
    """The verify command's words, checked before ruff runs: unclosed quotes, an empty
    command or a program that is not there is a usage error (one line, exit 2), not a
    verification that silently never happens."""
    try:
        words = shlex.split(command)
    except ValueError as exc:
        raise UsageError(f"verify command `{command}`: {exc}") from None
    if not words:
        raise UsageError("verify command is empty: give a command, or no verify-cmd at all")
    program = words[0]
    if os.sep in program:  # run from the copy of the root: a relative path is the root's
        found = Path(program) if os.path.isabs(program) else root / program
        runnable = found.is_file() and os.access(found, os.X_OK)
    else:
        runnable = shutil.which(program) is not None
    if not runnable:
        raise UsageError(f"verify command `{command}`: {program}: command not found")
    return words


def verify_command(
    command: str,
    root: Path,
    fixed: Mapping[Path, bytes],
    project: Sequence[Path] = (),
    timeout: float = 600.0,
    cwd: Path | None = None,
) -> Verdict:
    """Run `command` on a copy of the project before and after the fixes, and bisect a break;
    from the copy of `cwd` (where the user ran safefix) when it is in the project.

    The copy is what the command must import: its links are materialised (nothing written in
    the copy reaches the user's files), it runs from the copy, with the copy's source roots
    first on `PYTHONPATH`. Its bytecode goes to a directory of its own
    (`PYTHONPYCACHEPREFIX`), where a compiled file of the user's tree shows that the command
    imported the project from there (an editable install, say): then its verdict says nothing
    about the fixes, and is not used."""
    words = command_words(command, root)
    with temporary_directory("safefix-verify-") as temp:
        copy = Path(temp) / root.name
        left_out = tuple(copy_project(root, copy, COPY_IGNORE))
        inside = cwd is not None and cwd.is_relative_to(root)
        run_in = copy / cwd.relative_to(root) if cwd is not None and inside else copy
        compiled = Path(temp, "pycache")
        env = _command_env(copy, compiled)
        originals = {path: path.read_bytes() for path in fixed}

        def passes(subset: Sequence[Path]) -> bool:
            for path in fixed:
                data = fixed[path] if path in subset else originals[path]
                (copy / path.relative_to(root)).write_bytes(data)
            return run_group(words, run_in if run_in.is_dir() else copy, env, timeout) == 0

        if not passes([]):
            why = f"`{command}` fails even before the fix (or takes over {timeout:g} s)"
            return Verdict({}, (f"{why}; not used to verify", *left_out))
        leaked = imported_from(compiled, root, project)
        if leaked is not None:
            note = (
                f"`{command}` imported {leaked} from the project itself, not from the copy "
                "safefix checks (an editable install?); not used to verify"
            )
            return Verdict({}, (note, *left_out))
        culprits = find_culprits(sorted(fixed), lambda subset: not passes(subset))
    why = f"its fixes make `{command}` fail; left unchanged"
    return Verdict({path: why for path in culprits}, left_out)


def _command_env(copy: Path, compiled: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(compiled)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    paths = [*import_roots(copy), *filter(None, [env.get("PYTHONPATH")])]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def run_group(
    words: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float
) -> int | None:
    """Run a command in a process group of its own; its exit code, or None when it could not
    start or ran past `timeout`. Whatever of the group still runs at the end is killed: the
    command's own children (a test server, say) must not outlive it, nor survive a Ctrl-C."""
    try:
        proc = spawn(
            list(words),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        return None
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        return None
    finally:
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        end(proc)


def imported_from(compiled: Path, root: Path, project: Sequence[Path]) -> Path | None:
    """A project file the command compiled from the user's tree (found by its bytecode under
    the `PYTHONPYCACHEPREFIX` directory), or None."""
    wanted = {str(path) for path in project}
    found = []
    for top in dict.fromkeys([root, root.resolve()]):
        mirrored = compiled / top.relative_to(top.anchor)
        for pyc in mirrored.rglob("*.pyc") if mirrored.is_dir() else ():
            source = Path(top.anchor, pyc.parent.relative_to(compiled), pyc.name.split(".")[0])
            found += [Path(f"{source}.py")] if f"{source}.py" in wanted else []
    return min(found, default=None)
