"""How ruff makes its first fixes: three flows behind one interface, chosen in one place.

- lint-then-fix: ruff lints the user's tree in place (with its cache), then fixes copies of
  the files it found fixable, among empty stand-ins for the rest of the tree;
- one-pass: without ruff's cache, when a sample says many files are fixable, ruff fixes a
  full copy of the tree in one run (its lint in place would check every fixable file twice);
- stdin: after a warm lint that finds a few fixable files, ruff fixes each from stdin, in the
  user's tree; the scratch is filled only if a later ruff run needs it.

`choose` starts ruff's lint and picks the flow; the chosen flow's `first_pass` returns the
same `FirstPass` whichever it is. `SAFEFIX_FLOW` forces one (for tests and benchmarks).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from safefix import ruff
from safefix.fsnames import lossy
from safefix.ruff_output import LintRun
from safefix.types import Diagnostic, Fixed, Flow, Mode, Options

if TYPE_CHECKING:
    from safefix.session import Session

#: Forces how ruff runs (`lint-then-fix`, `one-pass` or `stdin`): for tests and benchmarks.
FLOW_ENV = "SAFEFIX_FLOW"
#: What ruff's fixes can change: Python sources, stubs and notebooks.
FIXED_SUFFIXES = frozenset({".py", ".pyi", ".ipynb"})
#: Below this many files, the lint in place is quick whichever way ruff would fix, and the
#: sample's own run, beside the lint, would cost more than the one pass could save: on django
#: (2,800 files) it slowed every cold run by ~0.05 s of a 0.3 s lint, against the one pass's
#: 0.08 s gain in a first clean-up of a tenth of its files.
ONE_PASS_MIN_FILES = 5000
#: Files ruff lints to estimate how many it can fix, spread over the tree.
ONE_PASS_SAMPLE = 100
#: The share of fixable files above which fixing a full copy in one run is cheaper.
ONE_PASS_SHARE = 1 / 8
#: Most files ruff fixes from stdin, one process each, rather than in the scratch. Above a
#: few, the processes' start-up costs more than a scratch mirror of a big tree.
STDIN_MAX_FILES = 4


@dataclass(frozen=True)
class FirstPass:
    """ruff's first fixes, whichever flow made them."""

    flow: Flow
    #: The files ruff changed (or that must be left as they are, with the reason).
    fixed: tuple[Fixed, ...]
    #: What ruff reports for every file it checked, as the first pass leaves it.
    remaining: dict[Path, list[Diagnostic]]
    warnings: tuple[str, ...]
    #: What makes the scratch ready for later ruff runs, if the first pass did not need it.
    unready: Callable[[], None] | None = None


class Listing(Protocol):
    """The files ruff checks: listed by ruff, or the one an editor gives."""

    def files(self) -> list[Path]: ...

    def misnamed(self) -> list[Path]: ...

    def cancel(self) -> None: ...


class Chosen(Protocol):
    """A flow, under way: its file listing, its first pass, and a way to stop it."""

    @property
    def listing(self) -> Listing: ...

    def first_pass(self, session: Session, targets: Sequence[Path]) -> FirstPass: ...

    def cancel(self) -> None: ...


def choose(binary: str, options: Options, root: Path) -> Chosen | LintRun:
    """Start ruff's lint in place and choose the flow; or the lint itself, when ruff's cache
    made it quick and it found nothing to fix (and nothing else is asked: not `check`)."""
    _forced()  # a value it does not know is a usage error, before any ruff process starts
    flags = ruff.flag_args(options.ruff, lambda value: value)
    paths = [str(p) for p in options.paths]
    if not _lint_is_cold(options, root):  # warm: the lint says quickly whether there is work
        linted = start_lint(binary, options, flags, None).result()
        if not fixable(linted) and options.mode is not Mode.CHECK:
            return linted
        stdin = _start_stdin_fixes(binary, options, linted, flags)
        with ruff.cancelled_on_error(stdin):
            listing = ruff.FileListing(binary, paths, flags, options.cwd)
        if stdin is not None:
            return ByStdin(listing, linted, stdin)
        return LintThenFix(listing, flags, None, linted)
    # cold: the lint checks every file, so listing them beside it costs nothing
    listing = ruff.FileListing(binary, paths, flags, options.cwd)
    lint = start_lint(binary, options, flags, listing)
    with ruff.cancelled_on_error(lint, listing):
        one_pass = one_pass_pays(binary, options, listing, flags)
    if one_pass:
        lint.cancel()
        return OnePass(listing, flags)
    return LintThenFix(listing, flags, lint, None)


@dataclass(frozen=True)
class Given:
    """The one file an editor hands over on stdin."""

    path: Path

    def files(self) -> list[Path]:
        return [self.path]

    def misnamed(self) -> list[Path]:
        return []

    def cancel(self) -> None:
        pass


def from_editor(binary: str, options: Options) -> ByStdin:
    """`--stdin-filename`: ruff fixes the editor's text under the file's name, in the user's
    tree (its config, its first-party modules), as the stdin flow fixes a file from disk."""
    assert options.stdin is not None
    path = (options.cwd / options.paths[0]).absolute()
    flags = ruff.flag_args(options.ruff, lambda value: value)
    fixes = ruff.StdinFixes(binary, [path], flags, options.cwd, {path: options.stdin})
    return ByStdin(Given(path), LintRun((), frozenset(), ()), fixes)


def _forced() -> Flow | None:
    value = os.environ.get(FLOW_ENV)
    if not value:
        return None
    try:
        return Flow(value)
    except ValueError:
        from safefix.session import UsageError

        expected = ", ".join(flow.value for flow in Flow)
        raise UsageError(f"{FLOW_ENV}={value}: expected one of {expected}") from None


def _lint_is_cold(options: Options, root: Path) -> bool:
    """Whether ruff's lint will check every file from scratch (no cache to use): then it takes
    long enough that listing the files beside it costs nothing; on a warm, clean tree the
    listing would only be wasted work."""
    return options.no_cache or not any(
        (directory / ".ruff_cache").is_dir() for directory in (root, options.cwd)
    )


def start_lint(
    binary: str, options: Options, flags: list[str], listing: ruff.FileListing | None
) -> ruff.Lint:
    """ruff's lint of the user's tree, in place and with ruff's cache (unless `--no-cache`)."""
    cache = ["--no-cache"] if options.no_cache else []
    with ruff.cancelled_on_error(listing):
        return ruff.Lint(binary, [str(p) for p in options.paths], [*cache, *flags], options.cwd)


def fixable(linted: LintRun) -> list[Path]:
    """The files the lint found fixable; not one whose name is not UTF-8 (ruff printed it
    with bytes replaced: no such path), which ruff cannot be given."""
    return sorted(p for p in linted.fixable if p.suffix in FIXED_SUFFIXES and not lossy(p))


def one_pass_pays(
    binary: str, options: Options, listing: ruff.FileListing, flags: list[str]
) -> bool:
    """Whether ruff should fix a full copy of the tree in one run, instead of the lint in place
    (already under way) and a fix of copies of the files it finds fixable.

    The lint checks each fixable file once more than one run would; the copy costs a fraction
    of a check per file, in RAM (onto a disk, far more). With ruff's cache the lint is quick
    and keeps the cache warm. So: only without the cache, and only when a sample of the files
    says a good share of them is fixable (a first clean-up, not a day's few fixes).
    """
    from safefix import workspace

    if not options.no_cache or options.mode is Mode.CHECK or not workspace.in_ram():
        return False
    if forced := _forced():
        return forced is Flow.ONE_PASS
    files = [p for p in listing.files() if p.suffix in FIXED_SUFFIXES]
    if len(files) < ONE_PASS_MIN_FILES:
        return False
    sample = files[:: len(files) // ONE_PASS_SAMPLE][:ONE_PASS_SAMPLE]
    found = ruff.lint(binary, [str(p) for p in sample], ["--no-cache", *flags], options.cwd)
    return len(found.fixable) >= ONE_PASS_SHARE * len(sample)


def _start_stdin_fixes(
    binary: str, options: Options, linted: LintRun, flags: list[str]
) -> ruff.StdinFixes | None:
    """ruff's fixes of the fixable files from stdin, in the user's tree, where there are only a
    few (a day's edits, a commit's files) and its lint was warm: the scratch's stand-ins, one
    per file of the tree, would be made and removed for them after the lint, while ruff's
    cache makes the lint itself quick. (A cold lint leaves time to make them beside it.)
    Forced (`SAFEFIX_FLOW=stdin`), for any number of Python files."""
    from safefix.modules import PY_SUFFIXES

    files = fixable(linted)
    forced = _forced()
    if (
        not files
        or (len(files) > STDIN_MAX_FILES and forced is not Flow.STDIN)
        or any(p.suffix not in PY_SUFFIXES for p in files)
        or forced in (Flow.ONE_PASS, Flow.LINT_THEN_FIX)
    ):
        return None
    return ruff.StdinFixes(binary, files, flags, options.cwd)


class LintThenFix:
    """The lint in place (under way, or done), then a fix of copies of the fixable files."""

    def __init__(
        self,
        listing: ruff.FileListing,
        flags: list[str],
        lint: ruff.Lint | None,
        linted: LintRun | None,
    ) -> None:
        self.listing = listing
        self._flags = flags
        self._lint = lint
        self._linted = linted

    def cancel(self) -> None:
        for process in (self._lint, self.listing):
            if process is not None:
                process.cancel()

    def first_pass(self, session: Session, targets: Sequence[Path]) -> FirstPass:
        """The scratch is made ready while the lint runs (this process would only wait for
        it); the module map and documentation files while ruff fixes, not while it lints: the
        lint keeps every core busy, and a run that removes no name never needs most of it."""
        linted = self._linted
        if linted is None:
            assert self._lint is not None
            with ruff.cancelled_on_error(self._lint):
                session.scratch.stand_in(targets)
            with ruff.cancelled_on_error(self.listing):
                linted = self._lint.result()
        return _fix_linted(session, linted, fixable(linted), targets)


class OnePass:
    """One fix of a full copy of the tree (the lint in place is cancelled)."""

    def __init__(self, listing: ruff.FileListing, flags: list[str]) -> None:
        self.listing = listing
        self._flags = flags

    def cancel(self) -> None:
        self.listing.cancel()

    def first_pass(self, session: Session, targets: Sequence[Path]) -> FirstPass:
        """Or, where a file cannot be copied (which only ruff's lint in place reports as ruff
        would), the lint in place and a fix of the fixable files after all."""
        first = _fix_mirror(session, targets)
        if first is not None:
            return first
        lint = start_lint(session.binary, session.options, self._flags, None)
        return LintThenFix(self.listing, self._flags, lint, None).first_pass(session, targets)


class ByStdin:
    """ruff's fixes of a few files from stdin, under way since the warm lint ended."""

    def __init__(self, listing: Listing, linted: LintRun, stdin: ruff.StdinFixes) -> None:
        self.listing = listing
        self._linted = linted
        self._stdin = stdin

    def cancel(self) -> None:
        self._stdin.cancel()
        self.listing.cancel()

    def first_pass(self, session: Session, targets: Sequence[Path]) -> FirstPass:
        """The scratch is made ready (the fixed files, their configs, the stand-ins) only if a
        later ruff run needs it: a name to keep, say."""
        from safefix.session import by_file

        with ruff.cancelled_on_error(self._stdin):
            after, result = self._stdin.result()
        fixed = tuple(
            Fixed(path, before, after[path], result.fixed.get(path, {}))
            for path, before in self._stdin.before.items()
            if after[path] != before
        )
        remaining = by_file(self._linted.diagnostics)
        fixed_remaining = by_file(result.remaining)
        for path in self._stdin.before:
            remaining[path] = fixed_remaining.get(path, [])

        def ready() -> None:
            scratch = session.scratch  # `unready` is cleared before this runs
            for path, text in after.items():
                scratch.write(path, text)
            session.copy_configs(list(after), after)
            # an editor's file is the only target: the tree around it is the whole project
            scratch.stand_in(session.ahead.files if isinstance(self.listing, Given) else targets)

        return FirstPass(Flow.STDIN, fixed, remaining, self._linted.warnings, ready)


def _fix_linted(
    session: Session, linted: LintRun, files: list[Path], targets: Sequence[Path]
) -> FirstPass:
    """Let ruff fix, in the scratch mirror, exactly the files its lint said it can fix.

    Only those files (and the configs that govern them) are copied. The rest of the tree is
    stood in for by empty files, so that ruff's import sorting still tells first-party from
    third-party exactly as it would in the real tree.
    """
    from safefix.session import by_file, say

    scratch = session.scratch
    originals = {path: scratch.copy_in(path) for path in files}
    session.copy_configs(files, originals)
    scratch.stand_in(targets)
    say(session.options, f"ruff is fixing {len(files)} files")
    fixing = session.start_fix(files)
    with ruff.cancelled_on_error(fixing):
        session.ahead.prepare_while(fixing.running)
    result = fixing.result()
    fixed = []
    for path, before in originals.items():
        after = scratch.read(path)
        if after != before:
            fixed.append(Fixed(path, before, after, result.fixed.get(path, {})))
    remaining = by_file(linted.diagnostics)
    fixed_remaining = by_file(result.remaining)
    for path in files:
        remaining[path] = fixed_remaining.get(path, [])
    return FirstPass(Flow.LINT_THEN_FIX, tuple(fixed), remaining, linted.warnings)


def _fix_mirror(session: Session, targets: Sequence[Path]) -> FirstPass | None:
    """Let ruff fix a full copy of every file it checks, in one run (None: a file cannot be
    read). Its fix takes seconds: the module map and documentation files are done meanwhile."""
    from safefix import workspace
    from safefix.fdio import read_whole
    from safefix.session import by_file, say

    scratch = session.scratch
    digests = scratch.copy_all(targets)
    if digests is None:
        return None
    session.copy_configs(targets, digests)
    say(session.options, f"ruff is fixing a copy of {len(targets)} files")
    fixing = session.start_fix(targets)
    with ruff.cancelled_on_error(fixing):
        session.ahead.finish()
    result = fixing.result()
    fixed = []
    for path, fixes in result.fixed.items():
        after = scratch.read(path)
        try:
            before = read_whole(path)
        except OSError:
            before = b""
        if workspace.digest(before) != digests.get(path):
            # the copy ruff fixed is not what the file holds now: keep what it holds
            message = f"{path} changed on disk while safefix ran; left it alone"
            fixed.append(Fixed(path, before, before, {}, error=message))
        elif after != before:
            fixed.append(Fixed(path, before, after, fixes))
    warnings = tuple(scratch.unmirror_text(w) for w in result.warnings)
    return FirstPass(Flow.ONE_PASS, tuple(fixed), by_file(result.remaining), warnings)
