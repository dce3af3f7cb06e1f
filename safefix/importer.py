"""Imports a project's modules, each as in a fresh interpreter, for `--verify`: starts the
import workers (`verify_worker.py`), reads what they found, and ends them and their forks."""

from __future__ import annotations

import json
import os
import re
import selectors
import signal
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safefix.interrupts import end, spawn

WORKER = Path(__file__).with_name("verify_worker.py")

#: A module-level `import x[.y][ as z]` or `from x[.y] import ...` (column 0): its top-level name.
_TOP_IMPORT = re.compile(
    rb"^(?:import[ \t]+([A-Za-z_]\w*)[\w.]*[ \t]*(?:as[ \t]+\w+[ \t]*)?(?=[,#\r\n;]|$)"
    rb"|from[ \t]+([A-Za-z_]\w*)[\w.]*[ \t]+import\b)",
    re.MULTILINE,
)


def third_party(files: Sequence[Path], roots: Sequence[str]) -> list[str]:
    """The top-level modules the project imports at module level that are not its own: what
    the import worker may load once, before any project code, for every module to share."""
    names: set[str] = set()
    for path in files:
        with suppress(OSError):
            found = _TOP_IMPORT.findall(path.read_bytes())
            names.update((plain or source).decode() for plain, source in found)
    names.discard("__future__")
    return sorted(
        name
        for name in names
        if not any(Path(r, name).exists() or Path(r, f"{name}.py").exists() for r in roots)
    )


@dataclass(frozen=True)
class Imported:
    """One module's import in one tree: the error (None when it imported), the project files on
    the error's traceback (outermost first), and every project file the import executed."""

    module: str
    error: str | None
    trace: tuple[Path, ...] = ()
    executed: frozenset[Path] = frozenset()


@dataclass(frozen=True)
class Importer:
    """Imports a project's modules, each as in a fresh interpreter, with some files' source
    replaced (`verify_worker.py` does the importing)."""

    python: str
    roots: tuple[str, ...]
    files: tuple[Path, ...]
    cache: Path
    preload: tuple[str, ...] = ()
    workers: int = 0
    timeout: int = 20
    #: Where each of `files` is imported from (a copy of the project), in the same order;
    #: empty: where it is.
    located: tuple[Path, ...] = ()

    def run(
        self, modules: Sequence[str], overrides: Mapping[Path, Path], *, first_failure: bool = False
    ) -> dict[str, Imported]:
        """Import each module; with `first_failure`, stop at the first that fails."""
        if not modules:
            return {}
        count = max(1, min(self.workers or (os.cpu_count() or 1), len(modules)))
        where = dict(zip(self.files, self.located or self.files, strict=True))
        request = {
            "roots": list(self.roots),
            "overrides": {str(where.get(k, k)): str(v) for k, v in overrides.items()},
            "files": [str(where[f]) for f in self.files],
            "cache": str(self.cache),
            "preload": list(self.preload),
            "timeout": self.timeout,
        }
        procs = [self._start({**request, "modules": list(modules[i::count])}) for i in range(count)]
        results: dict[str, Imported] = {}
        try:
            for item in _lines(procs):
                found = self._parse(item)
                results[found.module] = found
                if first_failure and found.error:
                    return results
        finally:
            for proc in procs:
                _stop(proc)
        missing = "the import worker stopped before reaching it"
        return {name: results.get(name, Imported(name, missing)) for name in modules}

    def _start(self, request: dict[str, object]) -> subprocess.Popen[bytes]:
        proc = spawn(
            [self.python, "-I", "-B", str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=self.roots[-1] if self.roots else None,
            start_new_session=True,  # its forks are one process group, ended together
        )
        assert proc.stdin is not None
        proc.stdin.write(json.dumps(request).encode())
        proc.stdin.close()
        return proc

    def _parse(self, item: dict[str, Any]) -> Imported:
        return Imported(
            item["module"],
            item["error"],
            tuple(self.files[i] for i in item["trace"]),
            frozenset(self.files[i] for i in item["executed"]),
        )


def _lines(procs: Sequence[subprocess.Popen[bytes]]) -> Iterator[dict[str, Any]]:
    """Every result line of every worker, as each arrives."""
    with selectors.DefaultSelector() as selector:
        for proc in procs:
            assert proc.stdout is not None
            selector.register(proc.stdout.fileno(), selectors.EVENT_READ, bytearray())
        while selector.get_map():
            for key, _ in selector.select():
                chunk = os.read(key.fd, 1 << 16)
                if not chunk:
                    selector.unregister(key.fd)
                pending: bytearray = key.data
                pending += chunk
                *complete, rest = pending.split(b"\n")
                pending[:] = rest
                yield from (json.loads(line) for line in complete)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End the worker and every fork of it still importing something."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    end(proc)
