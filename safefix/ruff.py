"""Runs the real ruff binary; `ruff_output` reads what it says.

safefix never re-implements a ruff rule: every fix comes from ruff itself, run on a scratch copy.
The binary is the one the `ruff` package ships (not whatever is on PATH), so the version that
safefix was tested with is the version that runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from safefix.fdio import read_whole
from safefix.fsnames import lossy, real_paths
from safefix.interrupts import end, spawn
from safefix.ruff_output import (
    FixRun,
    JsonDiagnostic,
    LintRun,
    first_error_line,
    json_diagnostics,
    merged,
    parse_fix_output,
    parse_lint_output,
    warnings,
    without_notices,
)
from safefix.types import RuffOptions

#: Overrides the ruff binary; meant for tests that simulate a missing or crashing ruff.
RUFF_ENV = "SAFEFIX_RUFF"

#: Makes ruff print rule codes, not names, in every report safefix parses (preview prefers names).
PREFER_CODES = ["--config", "output-prefer-rule-codes = true"]


#: What ruff says when its cache cannot hold a file's name (one that is not UTF-8).
CACHE_FAILED = "Failed to serialize cache data"


class RuffError(Exception):
    """ruff could not run, or stopped abnormally; `str()` is the one line a user needs."""

    def __init__(self, message: str, stderr: str = "") -> None:
        super().__init__(message)
        self.stderr = stderr


_LOCATING = threading.Lock()


def locate() -> str:
    """The path of the ruff binary shipped by the `ruff` package (or `$SAFEFIX_RUFF`)."""
    override = os.environ.get(RUFF_ENV)
    if override:
        return override
    try:
        from ruff.__main__ import find_ruff_bin
    except ImportError as exc:  # pragma: no cover - the dependency is declared
        raise RuffError("ruff is not installed; install safefix with its dependencies") from exc
    try:
        with _LOCATING:  # its first `sysconfig` look-up is not thread-safe (None in a race)
            return str(find_ruff_bin())
    except FileNotFoundError as exc:
        raise RuffError("the ruff package is installed but its binary is missing") from exc


def flag_args(options: RuffOptions, map_config: Callable[[str], str]) -> list[str]:
    """ruff's command-line flags for `options`; `map_config` relocates `--config` file paths."""
    args: list[str] = []
    for flag, values in (
        ("--select", options.select),
        ("--extend-select", options.extend_select),
        ("--ignore", options.ignore),
        ("--extend-ignore", options.extend_ignore),
        ("--fixable", options.fixable),
        ("--extend-fixable", options.extend_fixable),
        ("--unfixable", options.unfixable),
    ):
        for value in values:
            args += [flag, value]
    if options.unsafe_fixes is not None:
        args.append("--unsafe-fixes" if options.unsafe_fixes else "--no-unsafe-fixes")
    if options.preview is not None:
        args.append("--preview" if options.preview else "--no-preview")
    for value in options.config:
        args += ["--config", map_config(value)]
    if options.isolated:
        args.append("--isolated")
    if options.target_version:
        args += ["--target-version", options.target_version]
    if options.force_exclude:
        args.append("--force-exclude")
    args += options.extra
    return args


def _env() -> dict[str, str]:
    """ruff's environment, minus what would colour the output safefix parses or send it to a
    file (RUFF_OUTPUT_FILE: safefix writes its own report there). Other `RUFF_*` variables
    (RUFF_CACHE_DIR, ...) pass: every flag one could override is given explicitly."""
    env = dict(os.environ)
    for key in ("FORCE_COLOR", "CLICOLOR_FORCE", "RUFF_OUTPUT_FILE"):
        env.pop(key, None)
    env["NO_COLOR"] = "1"
    return env


def run_plain(
    binary: str, args: Sequence[str], cwd: Path, env: dict[str, str], given: str | None = None
) -> subprocess.CompletedProcess[str]:
    """ruff in `env` as given (colours and all), for output passed to the user as it is;
    RuffError with ruff's whole first error block when it fails. Its output always comes back
    here: RUFF_OUTPUT_FILE is safefix's to honour, with the whole report."""
    env = {key: value for key, value in env.items() if key != "RUFF_OUTPUT_FILE"}
    return _Started(binary, args, cwd, env, given).finish()


def _run(binary: str, args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return _Started(binary, args, cwd).finish()


class _Started:
    """A ruff process under way: started now, its output read (and checked) later."""

    def __init__(
        self,
        binary: str,
        args: Sequence[str],
        cwd: Path,
        env: dict[str, str] | None = None,
        given: str | None = None,
    ) -> None:
        self.args = [binary, *args]
        self.given = given
        try:
            self.proc = spawn(
                self.args,
                cwd=cwd,
                env=_env() if env is None else env,
                stdin=subprocess.PIPE if given is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
            )
        except OSError as exc:
            raise RuffError(f"cannot run ruff ({binary}): {exc.strerror or exc}") from exc

    def finish(self) -> subprocess.CompletedProcess[str]:
        try:
            stdout, stderr = self.proc.communicate(self.given)
        except BaseException:
            self.cancel()
            raise
        if self.proc.returncode not in (0, 1):
            raise RuffError(first_error_line(stderr, self.proc.returncode), stderr)
        return subprocess.CompletedProcess(self.args, self.proc.returncode, stdout, stderr)

    def running(self) -> bool:
        return self.proc.poll() is None

    def cancel(self) -> None:
        end(self.proc)


def version(binary: str) -> str:
    """ruff's version: from the package's metadata (no process) unless a binary is forced."""
    if not os.environ.get(RUFF_ENV):
        found = _installed_version()
        if found:
            return found
    proc = _run(binary, ["--version"], Path.cwd())
    return proc.stdout.strip().removeprefix("ruff ").strip()


def _installed_version() -> str | None:
    """The `ruff-X.Y.Z.dist-info` beside the ruff package: importlib.metadata would scan every
    distribution on the path, a noticeable share of a run that has nothing to fix."""
    import ruff as package

    for location in package.__path__:
        for entry in Path(location).parent.glob("ruff-*.dist-info"):
            return entry.name.removeprefix("ruff-").removesuffix(".dist-info")
    return None


def rule_names(binary: str) -> dict[str, str]:
    """Every rule's name by its code (`F401` -> `unused-import`), as ruff's fix summary shows it."""
    proc = _run(binary, ["rule", "--all", "--output-format", "json"], Path.cwd())
    try:
        return {rule["code"]: rule["name"] for rule in json.loads(proc.stdout)}
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise RuffError("ruff printed a rule list safefix cannot read", proc.stdout) from exc


def lint(binary: str, paths: Sequence[str], flags: Sequence[str], cwd: Path) -> LintRun:
    """Lint without fixing, in place: which files would ruff change, and what would remain."""
    return Lint(binary, paths, flags, cwd).result()


class Lint:
    """`ruff check --no-fix` in place, started now and read (or cancelled) later.

    The concise format marks with `[*]` exactly the violations `--fix` would fix under the
    user's settings (unsafe fixes only where enabled, `unfixable` respected).
    """

    def __init__(self, binary: str, paths: Sequence[str], flags: Sequence[str], cwd: Path) -> None:
        args = ["check", "--no-fix", "--no-fix-only", "--output-format", "concise", *PREFER_CODES]
        self._cwd = cwd
        self._args = [*args, *flags, "--", *paths]
        self._binary = binary
        self._started = _Started(binary, self._args, cwd)

    def result(self) -> LintRun:
        try:
            proc = self._started.finish()
        except RuffError as error:
            if CACHE_FAILED not in error.stderr or "--no-cache" in self._args:
                raise
            # a file name that is not UTF-8 stops ruff's cache, and so every file's lint
            self._started = _Started(
                self._binary, ["check", "--no-cache", *self._args[1:]], self._cwd
            )
            proc = self._started.finish()
            run = parse_lint_output(proc.stdout, proc.stderr, self._cwd)
            why = (
                "ruff could not write its cache (a file name that is not UTF-8?): linted without it"
            )
            return replace(run, warnings=(*run.warnings, why))
        return parse_lint_output(proc.stdout, proc.stderr, self._cwd)

    def cancel(self) -> None:
        self._started.cancel()


def show_files(binary: str, paths: Sequence[str], flags: Sequence[str], cwd: Path) -> list[Path]:
    """The files ruff would check for `paths`, as absolute paths; those whose names are not
    UTF-8 by their real names (the consumer search reads them, though ruff cannot)."""
    listing = FileListing(binary, paths, flags, cwd)
    return [*listing.files(), *listing.misnamed()]


class FileListing:
    """`ruff check --show-files`, started now and read when needed: it can run beside a lint
    that would otherwise keep the second core idle while safefix waits."""

    def __init__(self, binary: str, paths: Sequence[str], flags: Sequence[str], cwd: Path) -> None:
        self._started = _Started(binary, ["check", "--show-files", *flags, "--", *paths], cwd)
        self._files: list[Path] | None = None
        self._misnamed: list[Path] = []

    def files(self) -> list[Path]:
        """The files, read once (a big tree's are thousands of paths to build); without those
        whose names are not UTF-8 (`misnamed`), which ruff cannot check."""
        if self._files is None:
            proc = self._started.finish()
            self._files = [Path(line) for line in proc.stdout.splitlines() if line.strip()]
            if any(lossy(path) for path in self._files):
                printed = [path for path in self._files if lossy(path)]
                self._files = [path for path in self._files if not lossy(path)]
                self._misnamed = sorted({real for p in printed for real in real_paths(p)})
        return self._files

    def misnamed(self) -> list[Path]:
        """The files listed whose names are not UTF-8, by their real names."""
        self.files()
        return self._misnamed

    def cancel(self) -> None:
        self._started.cancel()


class Fix:
    """`ruff check --fix` in `cwd` (a scratch directory), started now and read (or cancelled)
    later, like `Lint`: the caller does work of its own while it is `running()`.

    With `apply=False`, only report: the violations of files safefix leaves as they were.
    `locate` maps the paths ruff reports (in the scratch mirror) to the user's. A file list too
    long for one command line is split: the first part starts now, the others in `result()`.
    """

    def __init__(
        self,
        binary: str,
        paths: Sequence[str],
        flags: Sequence[str],
        cwd: Path,
        *,
        apply: bool = True,
        locate: Callable[[Path], Path] = Path,
    ) -> None:
        mode = "--fix" if apply else "--no-fix"
        args = ["check", mode, "--no-fix-only", "--no-cache", "--output-format", "concise"]
        self._binary = binary
        self._args = [*args, "--show-fixes", *PREFER_CODES, *flags, "--"]
        self._cwd = cwd
        self._locate = locate
        self._chunks = _chunks(paths)
        self._started = (
            _Started(binary, [*self._args, *self._chunks[0]], cwd) if self._chunks else None
        )

    def running(self) -> bool:
        return self._started is not None and self._started.running()

    def result(self) -> FixRun:
        runs = []
        for index, chunk in enumerate(self._chunks):
            if index:
                self._started = _Started(self._binary, [*self._args, *chunk], self._cwd)
            assert self._started is not None
            proc = self._started.finish()
            found = parse_fix_output(proc.stdout, self._cwd, self._locate)
            runs.append(replace(found, warnings=warnings(proc.stderr)))
        return merged(runs)

    def cancel(self) -> None:
        if self._started is not None:
            self._started.cancel()


class _Cancellable(Protocol):
    def cancel(self) -> None: ...


@contextmanager
def cancelled_on_error(*running: _Cancellable | None) -> Iterator[None]:
    """Stop the ruff processes under way if the block fails (or is interrupted)."""
    try:
        yield
    except BaseException:
        for process in running:
            if process is not None:
                process.cancel()
        raise


class StdinFixes:
    """`ruff check --fix` of each of a few files fed on stdin under its own name
    (`--stdin-filename`), the fixed text read back from stdout: nothing is written, and ruff
    sees the user's real tree around each file (its config, the modules that tell
    first-party imports from third-party ones) exactly as a fix in place would. One process
    a file, all started now and under way at once; read (or cancelled) later.
    """

    def __init__(
        self,
        binary: str,
        files: Sequence[Path],
        flags: Sequence[str],
        cwd: Path,
        given: Mapping[Path, bytes] | None = None,
    ) -> None:
        """`given`: a file's text as an editor holds it (stdin), instead of the file on disk."""
        args = [binary, "check", "--fix", "--no-fix-only", "--no-cache"]
        args += ["--output-format", "concise", "--show-fixes", *PREFER_CODES, *flags]
        self._cwd = cwd
        self.before: dict[Path, bytes] = {}
        self._started: list[tuple[Path, subprocess.Popen[bytes]]] = []
        try:
            for path in files:
                self.before[path] = given[path] if given else read_whole(path)
                proc = _spawn_piped([*args, "--stdin-filename", str(path), "-"], cwd)
                self._started.append((path, proc))
                _feed(proc, self.before[path])
        except BaseException:
            self.cancel()
            raise

    def result(self) -> tuple[dict[Path, bytes], FixRun]:
        """Each file's fixed bytes, and what ruff reported of them all."""
        after: dict[Path, bytes] = {}
        runs = []
        try:
            for path, proc in self._started:
                stdout, raw = proc.communicate()
                stderr = raw.decode("utf-8", errors="replace")
                if proc.returncode not in (0, 1):
                    raise RuffError(first_error_line(stderr, proc.returncode), stderr)
                after[path] = stdout
                # the report on stderr names the file as given: it is this one, however named
                found = parse_fix_output(without_notices(stderr), self._cwd, _named(path))
                runs.append(replace(found, warnings=warnings(stderr)))
        except BaseException:
            self.cancel()
            raise
        return after, merged(runs)

    def cancel(self) -> None:
        for _, proc in self._started:
            end(proc)


def _spawn_piped(command: list[str], cwd: Path) -> subprocess.Popen[bytes]:
    try:
        return spawn(
            command,
            cwd=cwd,
            env=_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as exc:
        raise RuffError(f"cannot run ruff ({command[0]}): {exc.strerror or exc}") from exc


def _feed(proc: subprocess.Popen[bytes], data: bytes) -> None:
    """Give a ruff process its whole input and close it, so that it starts work now; its
    `communicate()` then only reads."""
    assert proc.stdin is not None
    with suppress(BrokenPipeError):  # ruff stopped early: its exit code and stderr say why
        proc.stdin.write(data)
    with suppress(BrokenPipeError):
        proc.stdin.close()
    proc.stdin = None


def _named(path: Path) -> Callable[[Path], Path]:
    """Every path a report of one file names is that file (ruff names it as it was given)."""
    return lambda _: path


def _chunks(paths: Sequence[str]) -> list[list[str]]:
    """`paths` split so that no ruff command line outgrows what the kernel takes (ARG_MAX
    counts the environment too): a big tree's every file does not fit in one."""
    budget = _argument_budget()
    chunks: list[list[str]] = []
    size = budget
    for path in paths:
        cost = len(os.fsencode(path)) + 9  # the string, its NUL and its pointer
        if size + cost > budget:
            chunks.append([])
            size = 0
        chunks[-1].append(path)
        size += cost
    return chunks


def _argument_budget() -> int:
    try:
        limit = os.sysconf("SC_ARG_MAX")
    except (ValueError, OSError):  # pragma: no cover - POSIX defines it
        limit = 131_072
    environment = sum(len(key) + len(value) + 10 for key, value in os.environ.items())
    return max(16_384, (limit - environment) // 2)


def diagnose(
    binary: str, files: Sequence[Path], flags: Sequence[str], cwd: Path
) -> list[JsonDiagnostic]:
    """Violations in `files` without fixing them; used to learn which `noqa` codes to add."""
    args = ["check", "--no-fix", "--no-fix-only", "--no-cache", "--output-format", "json"]
    proc = _run(binary, [*args, *PREFER_CODES, *flags, "--", *map(str, files)], cwd)
    try:
        raw = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError as exc:
        raise RuffError("ruff printed JSON safefix cannot read", proc.stdout) from exc
    return json_diagnostics(raw)
