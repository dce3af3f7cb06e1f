"""Imports modules in fresh interpreter states for `safefix --verify`. Runs as its own process.

    python -m safefix.verify_worker < request.json > results.jsonl

The request names sys.path roots, the project's files, the modules to import, a timeout, a
code cache directory, third-party modules to preload, and `overrides`: files whose source is
read from elsewhere (ruff's fixed copy in the scratch directory), so the fixed project is
imported in place without copying it.

Each module is imported in a forked child whose state is exactly a fresh interpreter's at the
moment the module's own code starts: Python imports `a` and then `a.b` before it runs `a.b.c`,
so the child importing `a.b.c` is forked from a process that has imported `a.b` and nothing
else of the project (a "zygote" per package, forked in turn from its parent package's). A
module that only imports thanks to another having been imported first is still caught, and
the package's own import runs once per worker instead of once per module. Before the first
project import, the third-party modules the project imports are loaded once (never when that
would load a project file: then nothing is preloaded).

Each result line says which project files the import executed (indices into `files`), so the
caller knows which imports a changed file can affect, and which files lie on a failure's
traceback.

Deliberately standard-library only, and safe to run with any project on sys.path.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import json
import marshal
import os
import select
import signal
import sys
import time
import traceback
from collections.abc import Mapping
from contextlib import suppress
from typing import Any

#: The preloaded base exits with this, having served nothing, when preloading ran project code.
_TAINTED = 75


class _Project:
    """The project's files, and the ones this process (and its ancestors) executed."""

    def __init__(self, files: list[str]) -> None:
        self.files = files
        self.index = {os.path.realpath(path): i for i, path in enumerate(files)}
        self.executed: set[int] = set()

    def indices(self, paths: list[str]) -> list[int]:
        found = (self.index.get(os.path.realpath(path)) for path in paths)
        return sorted({i for i in found if i is not None})


def _install_loader(project: _Project, overrides: dict[str, str], cache: str) -> None:
    """Serve overridden files' source from their replacement, compile every project file here
    (once per content: `cache` is shared by every run of the check) so that forked children
    only execute them, and record what executes."""
    real = {os.path.realpath(k): v for k, v in overrides.items()}
    loader = importlib.machinery.SourceFileLoader
    original_get_data = loader.get_data
    original_get_code = loader.get_code

    def get_data(self: Any, path: str) -> bytes:
        replacement = real.get(os.path.realpath(path))
        if replacement is not None:
            with open(replacement, "rb") as handle:
                return handle.read()
        return original_get_data(self, path)

    def compiled(path: str) -> Any:
        with open(real.get(os.path.realpath(path), path), "rb") as handle:
            source = handle.read()
        key = os.path.join(cache, hashlib.sha1(path.encode() + b"\0" + source).hexdigest())
        try:
            with open(key, "rb") as handle:
                return marshal.loads(handle.read())
        except (OSError, ValueError, EOFError, TypeError):
            pass
        code = compile(source, path, "exec", dont_inherit=True)
        temporary = f"{key}.{os.getpid()}"
        try:
            with open(temporary, "wb") as handle:
                handle.write(marshal.dumps(code))
            os.replace(temporary, key)
        except OSError:
            pass  # a cache, not a promise
        return code

    codes: dict[str, Any] = {}
    for path, number in project.index.items():  # once here, not in every forked child
        with suppress(OSError, SyntaxError, ValueError):  # the import itself will report it
            codes[path] = compiled(project.files[number])

    def get_code(self: Any, fullname: str) -> Any:
        path = self.get_filename(fullname)
        key = os.path.realpath(path)
        number = project.index.get(key)
        if number is None:
            return original_get_code(self, fullname)
        project.executed.add(number)
        return codes[key] if key in codes else compiled(path)

    loader.get_data = get_data  # type: ignore[method-assign]
    loader.get_code = get_code  # type: ignore[method-assign]


def _failure(exc: BaseException, project: _Project) -> dict[str, Any]:
    """The first line of the error, and the project files on its traceback (innermost last;
    the module a name was missing from counts as the outermost)."""
    message = str(exc).splitlines()[0] if str(exc) else ""
    paths = [frame.filename for frame in traceback.extract_tb(exc.__traceback__)]
    if isinstance(exc, ImportError) and exc.path:
        paths.insert(0, exc.path)  # `cannot import name N from M`: M's file, after the frames
    return {"error": f"{type(exc).__name__}: {message}"[:1000], "trace": project.indices(paths)}


def _import(module: str, project: _Project, timeout: int) -> dict[str, Any]:
    signal.alarm(timeout)
    try:
        importlib.import_module(module)
        result: dict[str, Any] = {"error": None, "trace": []}
    except BaseException as exc:  # noqa: BLE001 - any failure to import is the finding
        result = _failure(exc, project)
    signal.alarm(0)
    return {"module": module, **result, "executed": sorted(project.executed)}


def _write(fd: int, data: bytes) -> None:
    while data:
        data = data[os.write(fd, data) :]


#: Seconds past its timeout after which an import that ignores SIGALRM is killed.
_GRACE = 5


def _read_within(fd: int, pid: int, seconds: float) -> bytes:
    """What the child `pid` writes to `fd` until it closes it; if it takes longer than
    `seconds` (a module that blocks or ignores SIGALRM), the child is killed: b"" then."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    while True:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            chunks.clear()
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


Tree = Mapping[str, "Tree"]


def _serve(package: str, children: Tree, wanted: frozenset[str], state: dict[str, Any]) -> None:
    """Import each child of `package` (already imported here) in its own fork; a child that is
    a package serves its own children from its fork, once imported."""
    out, project, timeout = state["out"], state["project"], state["timeout"]
    for name in sorted(children):
        module = f"{package}.{name}" if package else name
        below = _descendants(module, children[name])
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            result = _import(module, project, timeout)
            _write(write_fd, json.dumps(result).encode())
            os.close(write_fd)
            if result["error"] is None:
                _serve(module, children[name], wanted, state)
            os._exit(0)
        os.close(write_fd)
        data = _read_within(read_fd, pid, timeout + _GRACE)
        if data:
            result = json.loads(data)
        else:
            _, status = os.waitpid(pid, 0)
            killed = (signal.SIGALRM, signal.SIGKILL)
            alarmed = os.WIFSIGNALED(status) and os.WTERMSIG(status) in killed
            error = f"the import {'timed out' if alarmed else 'crashed'} (status {status})"
            result = {"module": module, "error": error, "trace": [], "executed": []}
            pid = 0
        lines = [result] if module in wanted else []
        if result["error"] is not None:  # `import a.b.c` re-raises `import a`'s error
            lines += [{**result, "module": m} for m in below if m in wanted]
        _write(out, b"".join(json.dumps(line).encode() + b"\n" for line in lines))
        if pid:
            os.waitpid(pid, 0)


def _descendants(module: str, children: Tree) -> list[str]:
    found = []
    for name, below in children.items():
        found.append(f"{module}.{name}")
        found += _descendants(f"{module}.{name}", below)
    return found


def _tree(modules: list[str]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for module in modules:
        node = root
        for part in module.split("."):
            node = node.setdefault(part, {})
    return root


def _preload(names: list[str], project: _Project, timeout: int) -> bool:
    """Import the third-party modules the project uses; False when that ran project code."""
    signal.alarm(timeout)
    for name in names:
        try:
            importlib.import_module(name)
        except BaseException:  # noqa: BLE001, S112 - the project's own import will say
            continue
    signal.alarm(0)
    loaded = [getattr(m, "__file__", None) or "" for m in list(sys.modules.values())]
    return not project.executed and not project.indices(loaded)


def main() -> int:
    request = json.load(sys.stdin)
    sys.path[:0] = request["roots"]
    sys.dont_write_bytecode = True
    project = _Project(request.get("files", []))
    _install_loader(project, request.get("overrides", {}), request["cache"])
    out = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    modules = request["modules"]
    timeout = int(request.get("timeout", 20))
    state = {"out": out, "project": project, "timeout": timeout}
    tree, wanted = _tree(modules), frozenset(modules)
    ready_read, ready_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the preloaded base: serves everything, unless preloading ran project code
        os.close(ready_read)
        if not _preload(request.get("preload", []), project, timeout):
            os._exit(_TAINTED)
        os.write(ready_write, b"r")
        os.close(ready_write)
        _serve("", tree, wanted, state)
        os._exit(0)
    os.close(ready_write)
    served = _read_within(ready_read, pid, timeout + _GRACE)[:1] == b"r"
    os.waitpid(pid, 0)
    if not served:  # the preload failed, hung or ran project code: serve without it
        _serve("", tree, wanted, state)
    return 0


if __name__ == "__main__":
    sys.exit(main())
