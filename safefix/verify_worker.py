"""Imports modules in fresh interpreters for `safefix --verify`. Runs as its own process.

    python -m safefix.verify_worker < request.json > results.jsonl

The request names sys.path roots, the modules to import, a timeout, and `overrides`: files
whose source is read from elsewhere (ruff's fixed copy in the scratch directory), so the fixed
project is imported in place without copying it. The process imports nothing of the project
itself; it forks one child per module, so every import starts from the same clean state (a
module that only imports thanks to another having been imported first is caught), at the cost
of a fork rather than an interpreter start-up.

Deliberately standard-library only, and safe to run with any project on sys.path.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import json
import os
import signal
import sys
from collections.abc import Mapping
from typing import Any


def _install_overrides(overrides: dict[str, str]) -> None:
    """Serve the source of overridden files from their replacement, never from a stale .pyc."""
    if not overrides:
        return
    real = {os.path.realpath(k): v for k, v in overrides.items()}
    loader = importlib.machinery.SourceFileLoader
    original_get_data = loader.get_data
    original_path_stats = loader.path_stats

    def get_data(self: Any, path: str) -> bytes:
        replacement = real.get(os.path.realpath(path))
        if replacement is not None:
            with open(replacement, "rb") as handle:
                return handle.read()
        return original_get_data(self, path)

    def path_stats(self: Any, path: str) -> Mapping[str, Any]:
        if os.path.realpath(path) in real:
            return {"mtime": -1.0, "size": -1}  # never matches a cached .pyc
        return original_path_stats(self, path)

    loader.get_data = get_data  # type: ignore[method-assign]
    loader.path_stats = path_stats  # type: ignore[method-assign]


def _precompile(files: list[str], overrides: dict[str, str]) -> None:
    """Compile every project module once, here, so that each forked child only executes them.

    Without this every child recompiles its whole import closure (no .pyc is written or
    trusted), and the check grows with the square of the project's size.
    """
    real = {os.path.realpath(k): v for k, v in overrides.items()}
    cache: dict[str, Any] = {}
    for path in files:
        key = os.path.realpath(path)
        try:
            with open(real.get(key, path), "rb") as handle:
                cache[key] = compile(handle.read(), path, "exec", dont_inherit=True)
        except (OSError, SyntaxError, ValueError):
            continue  # the import itself will report it
    loader = importlib.machinery.SourceFileLoader
    original_get_code = loader.get_code

    def get_code(self: Any, fullname: str) -> Any:
        code = cache.get(os.path.realpath(self.get_filename(fullname)))
        return code if code is not None else original_get_code(self, fullname)

    loader.get_code = get_code  # type: ignore[method-assign]


def _import_in_child(module: str, timeout: int) -> dict[str, Any]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: import once, report, exit without cleanup
        os.close(read_fd)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        signal.alarm(timeout)
        try:
            importlib.import_module(module)
            result: dict[str, Any] = {"module": module, "ok": True, "error": None}
        except BaseException as exc:  # noqa: BLE001 - any failure to import is the finding
            message = str(exc).splitlines()[0] if str(exc) else ""
            result = {"module": module, "ok": False, "error": f"{type(exc).__name__}: {message}"}
        os.write(write_fd, json.dumps(result).encode())
        os._exit(0)
    os.close(write_fd)
    chunks = []
    while chunk := os.read(read_fd, 65536):
        chunks.append(chunk)
    os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    if chunks:
        return json.loads(b"".join(chunks))  # type: ignore[no-any-return]
    reason = (
        "timed out"
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM
        else "crashed"
    )
    return {"module": module, "ok": False, "error": f"the import {reason} (status {status})"}


def main() -> int:
    request = json.load(sys.stdin)
    sys.path[:0] = request["roots"]
    sys.dont_write_bytecode = True
    _install_overrides(request.get("overrides", {}))
    _precompile(request.get("files", []), request.get("overrides", {}))
    out = sys.stdout
    for module in request["modules"]:
        out.write(json.dumps(_import_in_child(module, int(request.get("timeout", 20)))) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
