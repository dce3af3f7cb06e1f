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

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from safefix.interrupts import end, spawn
from safefix.modules import ModuleMap
from safefix.workspace import temporary_directory

WORKER = Path(__file__).with_name("verify_worker.py")
#: Module files never imported: running them is their job, not importing them.
NOT_IMPORTED = frozenset({"__main__.py", "setup.py", "conftest.py", "noxfile.py"})
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".tox"
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


def import_roots(root: Path) -> list[str]:
    return [str(p) for p in (root / "src", root) if p.is_dir()]


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


def run_imports(
    python: str,
    roots: Sequence[str],
    module_names: Sequence[str],
    overrides: Mapping[Path, Path],
    files: Sequence[Path] = (),
    workers: int = 0,
    timeout: int = 20,
) -> dict[str, str | None]:
    """Import each module in its own forked interpreter; name -> error (None when it imports)."""
    if not module_names:
        return {}
    count = max(1, min(workers or (os.cpu_count() or 1), len(module_names)))
    chunks = [list(module_names[i::count]) for i in range(count)]
    request = {
        "roots": list(roots),
        "overrides": {str(k): str(v) for k, v in overrides.items()},
        "files": [str(f) for f in files],
    }
    procs = []
    for chunk in chunks:
        proc = spawn(
            [python, "-I", "-B", str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=roots[-1] if roots else None,
        )
        assert proc.stdin is not None
        proc.stdin.write(json.dumps({**request, "modules": chunk, "timeout": timeout}))
        proc.stdin.close()
        procs.append(proc)
    results: dict[str, str | None] = {}
    for proc in procs:
        assert proc.stdout is not None
        for line in proc.stdout:
            item = json.loads(line)
            results[item["module"]] = None if item["ok"] else item["error"]
        proc.wait()
    for name in module_names:
        results.setdefault(name, "the import worker stopped before reaching it")
    return results


def find_culprits(changed: Sequence[Path], breaks: Callable[[Sequence[Path]], bool]) -> list[Path]:
    """The changed files whose fixes, applied together with every other file's, break the project.

    `breaks(subset)` applies only `subset` of the fixes. Bisection, with interactions: when
    neither half breaks alone, the culprits need both, and each half is searched with the
    other applied. A bisection finds one cause; the rest of the fixes are tried again without
    its files, until what is left no longer breaks (two independent breaks, say).
    """

    def search(candidates: list[Path], applied: list[Path]) -> list[Path]:
        if len(candidates) <= 1:
            return candidates
        half = len(candidates) // 2
        left, right = candidates[:half], candidates[half:]
        if breaks([*applied, *left]):
            return search(left, applied)
        if breaks([*applied, *right]):
            return search(right, applied)
        return search(left, [*applied, *right]) + search(right, [*applied, *left])

    culprits: list[Path] = []
    remaining = list(changed)
    while remaining and breaks(remaining):
        found = search(remaining, [])
        culprits += found
        remaining = [path for path in remaining if path not in found]
    return culprits


def verify_imports(
    python: str,
    root: Path,
    modules: Mapping[str, Path],
    fixed: Mapping[Path, Path],
) -> Verdict:
    """Import every module before and after; revert the fixes that make a module fail."""
    roots = import_roots(root)
    names = sorted(modules)
    files = list(modules.values())
    before = run_imports(python, roots, names, {}, files)
    notes = tuple(
        f"{name} does not import even before the fix ({error}); not checked"
        for name, error in before.items()
        if error
    )
    healthy = [name for name in names if before[name] is None]
    after = run_imports(python, roots, healthy, fixed, files)
    broken = [name for name in healthy if after[name]]
    if not broken:
        return Verdict({}, notes)

    def breaks(subset: Sequence[Path]) -> bool:
        overrides = {path: fixed[path] for path in subset}
        return any(run_imports(python, roots, broken, overrides, files).values())

    culprits = find_culprits(sorted(fixed), breaks)
    first = broken[0]
    why = f"its fixes break `import {first}` ({after[first]}); left unchanged"
    if len(broken) > 1:
        why = f"its fixes break `import {first}` ({after[first]}) and {len(broken) - 1} more; left unchanged"
    return Verdict({path: why for path in culprits}, notes)


def verify_command(
    command: str, root: Path, fixed: Mapping[Path, bytes], timeout: int = 1800
) -> Verdict:
    """Run `command` on a copy of the project before and after the fixes, and bisect a break."""
    with temporary_directory("safefix-verify-") as temp:
        copy = Path(temp) / root.name
        shutil.copytree(root, copy, ignore=COPY_IGNORE, symlinks=True)
        originals = {path: path.read_bytes() for path in fixed}

        def passes(subset: Sequence[Path]) -> bool:
            for path in fixed:
                data = fixed[path] if path in subset else originals[path]
                (copy / path.relative_to(root)).write_bytes(data)
            try:
                proc = spawn(
                    shlex.split(command),
                    cwd=copy,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            except OSError:
                return False
            try:
                return proc.wait(timeout) == 0
            except subprocess.TimeoutExpired:
                end(proc)
                return False

        if not passes([]):
            return Verdict({}, (f"`{command}` fails even before the fix; not used to verify",))
        culprits = find_culprits(sorted(fixed), lambda subset: not passes(subset))
    why = f"its fixes make `{command}` fail; left unchanged"
    return Verdict({path: why for path in culprits}, ())
