"""Runs the stages in order: scratch copy, ruff, removals, consumers, protect, re-fix, write back.

Nothing touches the user's tree until every file's final content is known; then only files
whose content differs are written, each atomically.
"""

from __future__ import annotations

import fnmatch
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from safefix import ruff
from safefix.types import (
    Binding,
    Decision,
    Diagnostic,
    Explanation,
    FileOutcome,
    Finding,
    Mode,
    Options,
    Protection,
    Removal,
    RuffOptions,
    RunResult,
    Verdict,
)

if TYPE_CHECKING:
    import ast

    from safefix import workspace
    from safefix.cache import IndexCache
    from safefix.consumers import ConsumerIndex
    from safefix.modules import ModuleMap, ModuleMapBuilder

# Everything past ruff's first lint is imported where it is first needed: a run on a tree
# with nothing to fix ends after that lint, and its start-up is most of its cost.

#: What ruff's fixes can change: Python sources, stubs and notebooks.
FIXED_SUFFIXES = frozenset({".py", ".pyi", ".ipynb"})
#: Protect-and-refix rounds before safefix gives up on a file and leaves it as it was.
MAX_ROUNDS = 4
ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")
#: Rules that are reported on a whole import block; a `noqa` for them would switch off sorting.
BLOCK_RULES = frozenset({"I001"})


class UsageError(Exception):
    """Bad input from the user (a missing path, ...): one line, exit code 2, tree untouched."""


def _say(options: Options, message: str) -> None:
    if options.progress is not None:
        options.progress(message)


def find_project_root(paths: Sequence[Path]) -> Path:
    """The nearest directory above `paths` that holds a project marker."""
    dirs = [p if p.is_dir() else p.parent for p in paths]
    common = Path(os.path.commonpath([str(d) for d in dirs]))
    for directory in (common, *common.parents):
        if any((directory / marker).exists() for marker in ROOT_MARKERS):
            return directory
    return common


@dataclass
class _FileState:
    path: Path
    before: bytes
    after: bytes
    fixes: dict[str, int]
    removals: list[Removal] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    protections: dict[tuple[int, int, str], Protection] = field(default_factory=dict)
    #: The decision that made safefix protect each binding, by protection key.
    kept: dict[tuple[int, int, str], Decision] = field(default_factory=dict)
    error: str | None = None


class _Ahead:
    """What needs only the list of files: every file's module names, and the documentation and
    config files that may name project code. Worked out on first use, or while ruff runs
    (`prepare`, `prepare_while`): its process leaves this one waiting."""

    def __init__(self, files: Sequence[Path], root: Path, options: Options) -> None:
        self._files = files
        self._root = root
        self._options = options
        self._text_found: list[Path] = []

    def prepare(self, running: Callable[[], bool]) -> None:
        """Everything, whether or not ruff is done (its fix of a full copy takes seconds)."""
        self.finish()

    def finish(self) -> None:
        """Everything now, where another process's work leaves this one the time."""
        self.modules  # noqa: B018 - built now, used later
        self.text_files  # noqa: B018

    @property
    def finished(self) -> bool:
        return "modules" in self.__dict__ and "text_files" in self.__dict__  # cached

    def prepare_while(self, running: Callable[[], bool]) -> None:
        """As much as ruff's fix leaves time for: the module map, which a fix that removes a
        name needs, then the documentation files, looked at for that name's consumers. A run
        that removes nothing never pays for the rest."""
        while running() and not self._module_builder.advance(MODULES_AT_A_TIME):
            pass
        while running() and (found := next(self._text_walk, None)) is not None:
            self._text_found += found

    @cached_property
    def _module_builder(self) -> ModuleMapBuilder:
        from safefix.modules import ModuleMapBuilder

        return ModuleMapBuilder(dict.fromkeys(self._files), self._root)

    @cached_property
    def modules(self) -> ModuleMap:
        return self._module_builder.finish()

    @cached_property
    def _text_walk(self) -> Iterator[list[Path]]:
        from safefix.sources import text_files_by_directory

        tops = (self._root, *self._options.consumer_roots)
        return (found for top in tops for found in text_files_by_directory(top))

    @cached_property
    def text_files(self) -> list[Path]:
        found = [*self._text_found, *(path for rest in self._text_walk for path in rest)]
        return [p for p in found if not _excluded(p, self._root, self._options.exclude)]


#: Files named between two looks at whether ruff is still at work (a few milliseconds).
MODULES_AT_A_TIME = 500


@dataclass
class _Context:
    binary: str
    options: Options
    remaining: dict[Path, list[Diagnostic]]
    root: Path
    #: Every file of the project (for module names and consumers), and the files being fixed.
    files: list[Path]
    ahead: _Ahead
    _scratch: workspace.Scratch
    #: What makes the scratch ready for a ruff run in it, where the first pass did without.
    _unready: Callable[[], None] | None = None

    @property
    def scratch(self) -> workspace.Scratch:
        if self._unready is not None:
            ready, self._unready = self._unready, None
            ready()
        return self._scratch

    @property
    def modules(self) -> ModuleMap:
        return self.ahead.modules

    @property
    def text_files(self) -> list[Path]:
        return self.ahead.text_files

    @property
    def scratch_cwd(self) -> Path:
        return self.scratch.mirror(self.options.cwd)

    def refix(self, states: Sequence[_FileState]) -> None:
        """Let ruff fix the (protected) scratch copies of `states` again."""
        result = _fix_copies(self.binary, self.options, self.scratch, [s.path for s in states])
        by_file = _by_file(result.remaining)
        for state in states:
            state.after = self.scratch.read(state.path)
            state.fixes = result.fixed.get(state.path, {})
            self.remaining[state.path] = by_file.get(state.path, [])


def run(options: Options) -> RunResult:
    """Fix `options.paths` with ruff, keeping every import another module needs."""
    binary = ruff.locate()
    cwd = options.cwd
    root = _project_root(options)
    _say(options, "ruff is checking")
    plain_flags = ruff.flag_args(options.ruff, lambda value: value)
    listing = (
        ruff.FileListing(binary, [str(p) for p in options.paths], plain_flags, cwd)
        if _lint_is_cold(options, root)  # listing the files beside a slow lint costs nothing
        else None
    )
    lint = _start_lint(binary, options, plain_flags, listing)
    linted: ruff.LintRun | None = None
    stdin: ruff.StdinFixes | None = None
    if listing is None:  # a warm lint: it says quickly whether there is anything to do
        linted = _finish_lint(lint, None)
        if not _fixable(linted) and options.mode is not Mode.CHECK:
            remaining = _by_file(linted.diagnostics)
            return _nothing_fixed(binary, options, root, remaining, linted.warnings)
        stdin = _start_stdin_fixes(binary, options, linted, plain_flags)
        with _cancelled_on_error(stdin):
            listing = ruff.FileListing(binary, [str(p) for p in options.paths], plain_flags, cwd)
        one_pass = False
    else:
        with _cancelled_on_error(lint, listing):
            one_pass = _one_pass_pays(binary, options, listing, plain_flags)
        if one_pass:
            lint.cancel()
    from safefix import workspace

    with _cancelled_on_error(lint if linted is None else None, stdin):
        targets = listing.files()
        project = _project_files(binary, options, root, targets, plain_flags)
    ahead = _Ahead([*project, *targets], root, options)
    removing: list[threading.Thread] = []
    try:
        with workspace.scratch(removing) as scratch:
            first = _first_pass(
                binary,
                options,
                scratch,
                _Under(one_pass, lint, linted, listing, plain_flags, stdin),
                targets,
                ahead,
            )
            if not first.states and options.mode is not Mode.CHECK:
                return _nothing_fixed(binary, options, root, first.remaining, first.warnings)
            ctx = _Context(
                binary=binary,
                options=options,
                files=[*project, *targets],
                remaining=first.remaining,
                root=root,
                ahead=ahead,
                _scratch=scratch,
                _unready=first.unready,
            )
            settled = _settle(ctx, first.states, project, targets)
            if isinstance(settled, RunResult):
                return settled
            outcomes, verified = settled
        if options.mode is Mode.FIX:  # the scratch is removed meanwhile, in its own thread
            outcomes = _write_all(outcomes, root)
    finally:
        workspace.join_removals(removing)
    return RunResult(
        outcomes=tuple(outcomes),
        remaining=tuple(d for path in sorted(ctx.remaining) for d in ctx.remaining[path]),
        ruff_version=ruff.version(binary),
        root=root,
        mode=options.mode,
        notes=(*options.warnings, *first.warnings, *verified),
    )


def _project_root(options: Options) -> Path:
    """The project's root, once every path is known to exist (and to lie inside it)."""
    paths = [(options.cwd / p).absolute() for p in options.paths]
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
    root = (options.project_root or find_project_root(paths)).absolute()
    for path in paths:
        if options.project_root is not None and not path.is_relative_to(root):
            raise UsageError(f"{path} is outside the project root {root}")
    return root


def _settle(
    ctx: _Context, states: list[_FileState], project: list[Path], targets: list[Path]
) -> tuple[list[FileOutcome], list[str]] | RunResult:
    """Every file's final content: ruff's fixes, minus what consumers need; checked, and
    verified if asked. For `safefix check`, the contracts found instead."""
    _keep_load_bearing(ctx, states, project)
    _check_edits([state for state in states if state.protections and not state.error])
    outcomes = [_outcome(state) for state in states]
    if ctx.options.mode is Mode.CHECK:
        return RunResult(
            outcomes=(),
            remaining=(),
            ruff_version=ruff.version(ctx.binary),
            root=ctx.root,
            mode=ctx.options.mode,
            findings=tuple(_contracts(ctx, outcomes, [*project, *targets])),
        )
    verified: list[str] = []
    if ctx.options.verify or ctx.options.verify_cmd:
        outcomes, verified = _verify(ctx, outcomes, [*project, *targets])
    _recheck_unchanged(ctx, [o for o in outcomes if o.error])
    return outcomes, verified


@contextmanager
def _cancelled_on_error(
    *running: ruff.Lint | ruff.FileListing | ruff.StdinFixes | None,
) -> Iterator[None]:
    """Stop the ruff processes under way if the block fails (or is interrupted)."""
    try:
        yield
    except BaseException:
        for process in running:
            if process is not None:
                process.cancel()
        raise


def _start_lint(
    binary: str, options: Options, flags: list[str], listing: ruff.FileListing | None
) -> ruff.Lint:
    """ruff's lint of the user's tree, in place and with ruff's cache (unless `--no-cache`)."""
    cache = ["--no-cache"] if options.no_cache else []
    with _cancelled_on_error(listing):
        return ruff.Lint(binary, [str(p) for p in options.paths], [*cache, *flags], options.cwd)


def _finish_lint(lint: ruff.Lint, listing: ruff.FileListing | None) -> ruff.LintRun:
    with _cancelled_on_error(listing):
        return lint.result()


def _nothing_fixed(
    binary: str,
    options: Options,
    root: Path,
    remaining: dict[Path, list[Diagnostic]],
    warnings: Sequence[str],
) -> RunResult:
    return RunResult(
        outcomes=(),
        remaining=tuple(d for path in sorted(remaining) for d in remaining[path]),
        ruff_version=ruff.version(binary),
        root=root,
        mode=options.mode,
        notes=(*options.warnings, *warnings),
    )


#: Forces how ruff runs (`one-pass` or `lint-then-fix`): for tests and benchmarks of each.
FLOW_ENV = "SAFEFIX_FLOW"
#: Below this many files, the lint in place is quick whichever way ruff would fix, and the
#: sample's own run, beside the lint, would cost more than the one pass could save: on django
#: (2,800 files) it slowed every cold run by ~0.05 s of a 0.3 s lint, against the one pass's
#: 0.08 s gain in a first clean-up of a tenth of its files.
ONE_PASS_MIN_FILES = 5000
#: Files ruff lints to estimate how many it can fix, spread over the tree.
ONE_PASS_SAMPLE = 100
#: The share of fixable files above which fixing a full copy in one run is cheaper.
ONE_PASS_SHARE = 1 / 8


def _one_pass_pays(
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
    if forced := os.environ.get(FLOW_ENV):
        return forced == "one-pass"
    files = [p for p in listing.files() if p.suffix in FIXED_SUFFIXES]
    if len(files) < ONE_PASS_MIN_FILES:
        return False
    sample = files[:: len(files) // ONE_PASS_SAMPLE][:ONE_PASS_SAMPLE]
    found = ruff.lint(binary, [str(p) for p in sample], ["--no-cache", *flags], options.cwd)
    return len(found.fixable) >= ONE_PASS_SHARE * len(sample)


def _lint_is_cold(options: Options, root: Path) -> bool:
    """Whether ruff's lint will check every file from scratch (no cache to use): then it takes
    long enough that listing the files beside it costs nothing; on a warm, clean tree the
    listing would only be wasted work."""
    return options.no_cache or not any(
        (directory / ".ruff_cache").is_dir() for directory in (root, options.cwd)
    )


def _contracts(
    ctx: _Context, outcomes: Sequence[FileOutcome], files: Sequence[Path]
) -> list[Finding]:
    """Unprotected load-bearing imports, partial fallbacks, and names imported from nowhere."""
    from safefix import bindings, contracts
    from safefix.consumers import build_full_index
    from safefix.modules import PY_SUFFIXES

    kept = [(o.path, d) for o in outcomes for d in o.kept]
    found = contracts.unprotected(kept)
    python = [p for p in dict.fromkeys(files) if p.suffix in PY_SUFFIXES]
    cache = _cache(ctx)
    index = build_full_index(python, ctx.modules, ctx.text_files, cache)
    if cache is not None:
        cache.save()
    for path, source in index.sources.items():
        if b"ImportError" in source and path not in index.unparsed:
            tree = bindings.parse(source, str(path))
            found += contracts.fallbacks(path, tree, ctx.modules.display_name(path), index)
    found += contracts.missing(index, ctx.modules, {})
    return sorted(found, key=lambda f: (str(f.path), f.line, f.code))


def _recheck_unchanged(ctx: _Context, outcomes: Sequence[FileOutcome]) -> None:
    """Files safefix left as they were: report ruff's violations in what stays on disk."""
    if not outcomes:
        return
    for outcome in outcomes:
        ctx.scratch.write(outcome.path, outcome.before)
    files = [o.path for o in outcomes]
    result = _fix_copies(ctx.binary, ctx.options, ctx.scratch, files, apply=False)
    by_file = _by_file(result.remaining)
    for outcome in outcomes:
        ctx.remaining[outcome.path] = by_file.get(outcome.path, [])


def _verify(
    ctx: _Context, outcomes: list[FileOutcome], files: Sequence[Path]
) -> tuple[list[FileOutcome], list[str]]:
    """Import (and run the user's command on) the fixed project; take back what breaks it."""
    from safefix import verify

    fixed = {o.path: o for o in outcomes if o.changed and not o.error and o.path.suffix == ".py"}
    if not fixed:
        return outcomes, []
    for outcome in fixed.values():
        ctx.scratch.write(outcome.path, outcome.after)
    reverted: dict[Path, str] = {}
    notes: list[str] = []
    if ctx.options.verify:
        _say(ctx.options, "importing every module, before and after")
        verdict = verify.verify_imports(
            verify.project_python(ctx.root),
            ctx.root,
            verify.importable(ctx.modules, list(dict.fromkeys(files))),
            {path: ctx.scratch.mirror(path) for path in fixed},
        )
        reverted.update(verdict.reverted)
        notes += verdict.notes
    if ctx.options.verify_cmd:
        remaining = {p: o.after for p, o in fixed.items() if p not in reverted}
        verdict = verify.verify_command(ctx.options.verify_cmd, ctx.root, remaining)
        reverted.update(verdict.reverted)
        notes += verdict.notes
    return [
        replace(o, after=o.before, error=reverted[o.path], decisions=())
        if o.path in reverted
        else o
        for o in outcomes
    ], notes


def explain(
    target: str, cwd: Path, project_root: Path | None, ruff_options: RuffOptions
) -> Explanation:
    """Every consumer the index knows for `MODULE:NAME` (or `MODULE.NAME`), for `safefix why`."""
    from safefix.consumers import build_index
    from safefix.modules import build_module_map
    from safefix.sources import text_files

    module, sep, name = target.partition(":")
    if not sep:
        module, _, name = target.rpartition(".")
    if not module or not name.isidentifier():
        raise UsageError(f"{target}: expected MODULE:NAME, e.g. app.main:KEEPALIVE")
    binary = ruff.locate()
    root = (project_root or find_project_root([cwd])).absolute()
    flags = ruff.flag_args(ruff_options, lambda value: value)
    project = ruff.show_files(binary, [str(root)], flags, cwd)
    modules = build_module_map(project, root)
    files = modules.files(module)
    if not files:
        raise UsageError(f"{module}: no such module in the project at {root}")
    index = build_index(project, {}, {name: [module]}, modules, text_files(root))
    consumers = sorted(
        {c for path in files for c in index.consumers_of(path, name)},
        key=lambda c: (str(c.path), c.line, c.kind.value),
    )
    return Explanation(module=module, name=name, files=files, consumers=tuple(consumers))


def _project_files(
    binary: str, options: Options, root: Path, targets: list[Path], flags: list[str]
) -> list[Path]:
    """The files consumers are searched in: what ruff checks under the root and extra roots."""
    roots = [root, *options.consumer_roots]
    found = (
        targets if roots == [root] and [options.cwd / p for p in options.paths] == [root] else []
    )
    if not found:
        found = ruff.show_files(binary, [str(r) for r in roots], flags, options.cwd)
    if options.exclude:
        found = [p for p in found if not _excluded(p, root, options.exclude)]
    return found


def _excluded(path: Path, root: Path, patterns: Sequence[str]) -> bool:
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = path.as_posix()
    return any(fnmatch.fnmatch(rel, pattern) for pattern in patterns)


@dataclass
class _Under:
    """How ruff's work stands when the scratch is made."""

    one_pass: bool
    #: The lint in place, under way (cancelled if `one_pass`), or done.
    lint: ruff.Lint
    linted: ruff.LintRun | None
    listing: ruff.FileListing
    #: ruff's flags as the user gave them.
    flags: list[str]
    #: ruff's fixes of a few files from stdin, under way (instead of a fix in the scratch).
    stdin: ruff.StdinFixes | None = None


def _first_pass(
    binary: str,
    options: Options,
    scratch: workspace.Scratch,
    under: _Under,
    targets: Sequence[Path],
    ahead: _Ahead,
) -> _FirstPass:
    """ruff's fixes, in the scratch: of a full copy in one run, or of the files the lint in
    place finds fixable (with the scratch made ready while that lint runs).

    What only the file list decides (module names, documentation files) is worked out while
    ruff fixes, or when first needed, not while it lints: the lint keeps every core busy, and
    on a tree with nothing to fix (or no name removed) most of it is never needed.
    """
    lint, linted = under.lint, under.linted
    if under.one_pass:
        first = _fix_mirror(binary, options, scratch, targets, ahead.prepare)
        if first is not None:
            return first
        lint = _start_lint(binary, options, under.flags, None)  # a file could not be copied
    if linted is None:  # the lint is under way: this process would only wait for it
        with _cancelled_on_error(lint):
            scratch.stand_in(targets)
        linted = _finish_lint(lint, under.listing)
    if under.stdin is not None:
        return _fix_by_stdin(options, scratch, linted, under.stdin, targets)
    return _fix_linted(binary, options, scratch, linted, targets, ahead.prepare_while)


#: Most files ruff fixes from stdin, one process each, rather than in the scratch. Above a
#: few, the processes' start-up costs more than a scratch mirror of a big tree.
STDIN_MAX_FILES = 4


def _start_stdin_fixes(
    binary: str, options: Options, linted: ruff.LintRun, flags: list[str]
) -> ruff.StdinFixes | None:
    """ruff's fixes of the fixable files from stdin, in the user's tree, where there are only a
    few (a day's edits, a commit's files) and its lint was warm: the scratch's stand-ins, one
    per file of the tree, would be made and removed for them after the lint, while ruff's
    cache makes the lint itself quick. (A cold lint leaves time to make them beside it.)"""
    from safefix.modules import PY_SUFFIXES

    fixable = _fixable(linted)
    if (
        not fixable
        or len(fixable) > STDIN_MAX_FILES
        or any(p.suffix not in PY_SUFFIXES for p in fixable)
        or os.environ.get(FLOW_ENV) in ("one-pass", "lint-then-fix")
    ):
        return None
    return ruff.StdinFixes(binary, fixable, flags, options.cwd)


def _fix_by_stdin(
    options: Options,
    scratch: workspace.Scratch,
    linted: ruff.LintRun,
    stdin: ruff.StdinFixes,
    targets: Sequence[Path],
) -> _FirstPass:
    """The first pass from ruff's fixes on stdin. The scratch is made ready (the fixed files,
    their configs, the stand-ins) only if a later ruff run needs it: a name to keep, say."""
    with _cancelled_on_error(stdin):
        after, result = stdin.result()
    states = [
        _FileState(path=path, before=before, after=after[path], fixes=result.fixed.get(path, {}))
        for path, before in stdin.before.items()
        if after[path] != before
    ]
    remaining = _by_file(linted.diagnostics)
    fixed_remaining = _by_file(result.remaining)
    for path in stdin.before:
        remaining[path] = fixed_remaining.get(path, [])

    def ready() -> None:
        for path, text in after.items():
            scratch.write(path, text)
        _copy_configs(options, scratch, list(after), after)
        scratch.stand_in(targets)

    return _FirstPass(states, remaining, linted.warnings, ready)


@dataclass
class _FirstPass:
    states: list[_FileState]
    #: What ruff reports for every file it checked, as the first pass leaves it.
    remaining: dict[Path, list[Diagnostic]]
    warnings: tuple[str, ...]
    #: What makes the scratch ready for later ruff runs, if the first pass did not need it.
    unready: Callable[[], None] | None = None


def _fix_mirror(
    binary: str,
    options: Options,
    scratch: workspace.Scratch,
    targets: Sequence[Path],
    meanwhile: Callable[[Callable[[], bool]], object],
) -> _FirstPass | None:
    """Let ruff fix a full copy of every file it checks, in one run (None: a file cannot be
    read, which only ruff's lint in place reports as ruff would); `meanwhile` runs here while
    ruff does."""
    from safefix import workspace

    digests = scratch.copy_all(targets)
    if digests is None:
        return None
    _copy_configs(options, scratch, targets, digests)
    _say(options, f"ruff is fixing a copy of {len(targets)} files")
    result = _fix_copies(binary, options, scratch, targets, meanwhile=meanwhile)
    states = []
    for path, fixes in result.fixed.items():
        after = scratch.read(path)
        try:
            before = workspace.read_whole(path)
        except OSError:
            before = b""
        if workspace.digest(before) != digests.get(path):
            # the copy ruff fixed is not what the file holds now: keep what it holds
            message = f"{path} changed on disk while safefix ran; left it alone"
            states.append(_FileState(path, before, before, {}, error=message))
        elif after != before:
            states.append(_FileState(path, before, after, fixes))
    warnings = tuple(scratch.unmirror_text(w) for w in result.warnings)
    return _FirstPass(states, _by_file(result.remaining), warnings)


def _fix_linted(
    binary: str,
    options: Options,
    scratch: workspace.Scratch,
    linted: ruff.LintRun,
    targets: Sequence[Path],
    meanwhile: Callable[[Callable[[], bool]], object],
) -> _FirstPass:
    """Let ruff fix, in the scratch mirror, exactly the files its lint said it can fix
    (`meanwhile` runs here while it does).

    Only those files (and the configs that govern them) are copied. The rest of the tree is
    stood in for by empty files, so that ruff's import sorting still tells first-party from
    third-party exactly as it would in the real tree.
    """
    fixable = _fixable(linted)
    originals = {path: scratch.copy_in(path) for path in fixable}
    _copy_configs(options, scratch, fixable, originals)
    scratch.stand_in(targets)
    _say(options, f"ruff is fixing {len(fixable)} files")
    result = _fix_copies(binary, options, scratch, fixable, meanwhile=meanwhile)
    states = []
    for path, before in originals.items():
        after = scratch.read(path)
        if after != before:
            fixes = result.fixed.get(path, {})
            states.append(_FileState(path=path, before=before, after=after, fixes=fixes))
    remaining = _by_file(linted.diagnostics)
    fixed_remaining = _by_file(result.remaining)
    for path in fixable:
        remaining[path] = fixed_remaining.get(path, [])
    return _FirstPass(states, remaining, linted.warnings)


def _fixable(linted: ruff.LintRun) -> list[Path]:
    return sorted(p for p in linted.fixable if p.suffix in FIXED_SUFFIXES)


def _copy_configs(
    options: Options, scratch: workspace.Scratch, files: Sequence[Path], copied: Iterable[Path]
) -> None:
    """Copy the ruff configs that govern `files` (and `--config` files) beside them."""
    from safefix import workspace

    explicit = [p for value in options.ruff.config if (p := (options.cwd / value)).is_file()]
    done = set(copied)
    for config in workspace.config_files(files, explicit):
        if config not in done:
            scratch.copy_in(config)
    scratch.mirror(options.cwd).mkdir(parents=True, exist_ok=True)


def _fix_copies(
    binary: str,
    options: Options,
    scratch: workspace.Scratch,
    files: Sequence[Path],
    *,
    apply: bool = True,
    meanwhile: Callable[[Callable[[], bool]], object] | None = None,
) -> ruff.FixRun:
    """`ruff check --fix` (or, not `apply`ing, only the report) of the mirrored `files`, from
    the mirrored working directory, with the user's flags and config files mirrored."""
    cwd = options.cwd
    flags = _mirrored_flags(options, scratch)
    inside = str(scratch.mirror(cwd)) + os.sep
    mirrored = [str(scratch.mirror(path)) for path in files]
    # relative to where ruff runs: shorter command lines (a big tree's every file is on one)
    relative = [m.removeprefix(inside) for m in mirrored]
    return ruff.fix(
        binary,
        relative,
        flags,
        scratch.mirror(cwd),
        apply=apply,
        locate=scratch.original,
        meanwhile=meanwhile,
    )


def _by_file(diagnostics: Iterable[Diagnostic]) -> dict[Path, list[Diagnostic]]:
    by_file: dict[Path, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        by_file.setdefault(diagnostic.path, []).append(diagnostic)
    return by_file


def _mirrored_flags(options: Options, scratch: workspace.Scratch) -> list[str]:
    """The user's ruff flags, with the config files they name mirrored into the scratch."""
    return ruff.flag_args(options.ruff, lambda v: _mirror_config(v, options.cwd, scratch))


def _mirror_config(value: str, cwd: Path, scratch: workspace.Scratch) -> str:
    candidate = (cwd / value).absolute()
    return str(scratch.mirror(candidate)) if candidate.is_file() else value


def _keep_load_bearing(ctx: _Context, states: list[_FileState], project: Sequence[Path]) -> None:
    """Decide every removal, and protect-and-refix until every consumed name is bound again."""
    from safefix.modules import PY_SUFFIXES
    from safefix.parallel import parallel_map

    python = [s for s in states if s.path.suffix in PY_SUFFIXES]
    # while workers find the removals, this process readies what looking for their consumers
    # needs (on a big tree, a tenth of a second or two that would otherwise follow them)
    found = parallel_map(
        _removals_and_exports,
        [(s.path, s.before, s.after) for s in python],
        meanwhile=None if ctx.ahead.finished else ctx.ahead.finish,
    )
    exports: dict[Path, set[str]] = {}
    for state, (result, exported) in zip(python, found, strict=True):
        _record_removals(ctx, state, result)
        exports[state.path] = exported
    targets: dict[str, set[str]] = {}
    star_targets: dict[str, set[str]] = {}
    for state in python:
        if not state.removals:
            continue
        names = ctx.modules.names.get(state.path, ())
        exported = exports[state.path]
        for removal in state.removals:
            targets.setdefault(removal.name, set()).update(names)
            if removal.name in exported:
                star_targets.setdefault(removal.name, set()).update(names)
    if not targets:
        return
    from safefix.consumers import build_index  # the index's modules are only needed from here

    contents = {s.path: s.after for s in python}
    everything = dict.fromkeys([*project, *contents])
    _say(ctx.options, f"looking for consumers of {len(targets)} names in {len(everything)} files")
    own = {s.path: [r.name for r in s.removals] for s in python if s.removals}
    cache = _cache(ctx)
    index = build_index(
        everything, contents, targets, ctx.modules, ctx.text_files, star_targets, own, cache
    )
    if cache is not None:
        cache.save()
    for _ in range(MAX_ROUNDS):
        pending = [s for s in python if _decide(ctx, s, index)]
        if not pending:
            return
        _protect(ctx, pending)
        ctx.refix(pending)
        for state in pending:
            _find_removals(ctx, state)
            index.set_file(state.path, state.after)
    for state in python:
        if _decide(ctx, state, index):
            names_left = ", ".join(sorted({d.removal.name for d in _unkept(state)}))
            state.error = f"could not keep {names_left} safely; left the file unchanged"
            state.after = state.before


def _cache(ctx: _Context) -> IndexCache | None:
    """The project's index cache, unless the user said `--no-cache`."""
    from safefix.cache import open_cache

    return None if ctx.options.no_cache else open_cache(ctx.root, ctx.modules)


def _removals_and_exports(
    item: tuple[Path, bytes, bytes],
) -> tuple[list[Removal] | str, set[str]]:
    """A file's removals (or why its fix does not parse), and which of the removed names it
    would hand to `import *`: both on a worker's core (the `__all__` takes a parse)."""
    from safefix import bindings
    from safefix import removals as removals_mod
    from safefix.kinds import star_exports

    found = removals_mod.removals_or_error(item)
    if isinstance(found, str) or not found:
        return found, set()
    names = [removal.name for removal in found]
    after = item[2]
    if b"__all__" not in after:
        return found, {name for name in names if not name.startswith("_")}
    return found, star_exports(bindings.parse(after), names)


def _find_removals(ctx: _Context, state: _FileState) -> None:
    from safefix import removals as removals_mod

    _record_removals(
        ctx, state, removals_mod.removals_or_error((state.path, state.before, state.after))
    )


def _record_removals(ctx: _Context, state: _FileState, found: list[Removal] | str) -> None:
    if isinstance(found, str):
        state.error = f"ruff's fix does not parse ({found}); left the file unchanged"
        state.after = state.before
        state.removals = []
        return
    if found:  # naming the module needs the module map: only build it when it is needed
        module = ctx.modules.display_name(state.path)
        found = [replace(removal, module=module) for removal in found]
    state.removals = found


def _decide(ctx: _Context, state: _FileState, index: ConsumerIndex) -> bool:
    """Record decisions; True while some consumed removal is not protected successfully."""
    from safefix.policy import decide

    if state.error:
        return False
    state.decisions = decide(state.removals, index.consumers_of, ctx.options.keep)
    return bool(_unkept(state))


def _unkept(state: _FileState) -> list[Decision]:
    return [d for d in state.decisions if d.verdict is Verdict.KEEP]


def _protect(ctx: _Context, states: Sequence[_FileState]) -> None:
    """Protect every consumed removal in the original text, learning `noqa` codes from ruff."""
    from safefix import (
        bindings,
        restore,  # libcst costs start-up time; only runs that keep need it
    )
    from safefix.policy import restore_via_all

    for state in states:
        has_all = bindings.has_literal_all(bindings.parse(state.before))
        for decision in _unkept(state):
            removal = decision.removal
            key = (removal.line, removal.col, removal.name)
            known = state.protections.get(key)
            state.kept.setdefault(key, decision)
            state.protections[key] = Protection(
                line=removal.line,
                col=removal.col,
                name=removal.name,
                codes=known.codes if known else frozenset(),
                # a second round means the first protection was not enough: `noqa` it
                via_all=known is None
                and restore_via_all(removal.name, has_all, ctx.options.restore_with),
            )
        ctx.scratch.write(
            state.path, restore.protect(state.before, list(state.protections.values()))
        )
    noqa_states = [s for s in states if any(not p.via_all for p in s.protections.values())]
    if not noqa_states:
        return
    mirrored = [ctx.scratch.mirror(s.path) for s in noqa_states]
    flags = _mirrored_flags(ctx.options, ctx.scratch)
    found = ruff.diagnose(ctx.binary, mirrored, flags, ctx.scratch_cwd)
    for state, mirror in zip(noqa_states, mirrored, strict=True):
        _learn_codes(state, ctx.scratch.read(state.path), [d for d in found if d.path == mirror])
        ctx.scratch.write(
            state.path, restore.protect(state.before, list(state.protections.values()))
        )


def _learn_codes(
    state: _FileState, protected: bytes, diagnostics: Sequence[ruff.JsonDiagnostic]
) -> None:
    """Give each noqa protection the codes of the violations whose fix would edit its line."""
    from safefix import bindings

    tree = bindings.parse(protected)
    for key, protection in state.protections.items():
        if protection.via_all:
            continue
        rows = bindings.import_lines(tree, protection.name)
        # only rules whose fix would edit the protected statement itself: F811 reported here
        # but deleting an earlier import, or I001 re-sorting a whole block, are left alone
        codes = {
            d.code
            for d in diagnostics
            if d.noqa_row in rows and d.edits_row(d.noqa_row) and d.code not in BLOCK_RULES
        }
        state.protections[key] = replace(protection, codes=protection.codes | codes)


def _check_edits(states: Sequence[_FileState]) -> None:
    """Parse every file safefix itself edited once more, before anything is written.

    What is written is ruff's fix of safefix's protected text; if that does not parse, the
    file is left as it was. (Files written exactly as ruff fixed them were parsed when their
    removals were found.)
    """
    from safefix import bindings

    for state in states:
        try:
            bindings.parse(state.after, str(state.path))
        except SyntaxError:
            state.error = "the edited file does not parse; left the file unchanged"
            state.after = state.before


def _outcome(state: _FileState) -> FileOutcome:
    import ast

    from safefix import bindings

    decisions: list[Decision] = []
    if not state.error:
        tree = bindings.parse(state.after) if state.kept else ast.Module(body=[], type_ignores=[])
        final = bindings.module_bindings(tree)
        for key, decision in state.kept.items():
            protection = state.protections[key]
            how = (
                "__all__" if protection.via_all else f"noqa: {', '.join(sorted(protection.codes))}"
            )
            decisions.append(
                replace(
                    decision, restored_with=how, kept_line=_kept_line(decision.removal, final, tree)
                )
            )
        decisions += [d for d in state.decisions if d.verdict is Verdict.REMOVE]
    return FileOutcome(
        path=state.path,
        before=state.before,
        after=state.after,
        decisions=tuple(decisions),
        fixes=tuple(sorted(state.fixes.items())) if state.after != state.before else (),
        error=state.error,
    )


def _kept_line(removal: Removal, final: Sequence[Binding], tree: ast.Module) -> int:
    """The line of the import that keeps the name in the written file."""
    from safefix import bindings

    same_branch = [
        b.line
        for b in final
        if b.name == removal.name and b.kind == "import" and b.branch == removal.branch
    ]
    if same_branch and not removal.effect:
        return same_branch[-1]
    lines = bindings.import_lines(tree, removal.name)
    return min(lines, key=lambda line: abs(line - removal.line), default=removal.line)


def _write_all(outcomes: Sequence[FileOutcome], root: Path) -> list[FileOutcome]:
    """Write every changed file once, even when links make ruff see it under several names."""
    first: dict[str, int] = {}
    reals = []
    identity = _Identities()
    for index, outcome in enumerate(outcomes):
        real = identity(outcome.path)
        first.setdefault(real, index)
        reals.append(real)
    written = dict(
        zip(first, _write_each([outcomes[i] for i in first.values()], root), strict=True)
    )
    result = []
    for outcome, real in zip(outcomes, reals, strict=True):
        done = written[real]
        if done.path == outcome.path:
            result.append(done)
        elif outcome.changed and not outcome.error:
            same = done.after == outcome.after and done.written
            error = (
                None if same else f"is also checked as {done.path}, with other fixes; left alone"
            )
            result.append(replace(outcome, written=same, error=error))
        else:
            result.append(outcome)
    return result


class _Identities:
    """The file behind a path, however symbolic links reach it (`os.path.realpath`), with each
    directory resolved once: realpath looks at every component of every path, thousands of
    times the same ones. Not the inode: hard links are names of their own, and a rename over
    one leaves the others holding the old text."""

    def __init__(self) -> None:
        self._directories: dict[str, str] = {}

    def __call__(self, path: Path) -> str:
        text = str(path)
        if os.path.islink(text):
            return os.path.realpath(text)
        directory, name = os.path.split(text)
        return os.path.join(self._directory(directory), name)

    def _directory(self, directory: str) -> str:
        known = self._directories.get(directory)
        if known is None:
            parent, name = os.path.split(directory)
            if parent == directory or name in ("", ".", "..") or os.path.islink(directory):
                known = os.path.realpath(directory)
            else:
                known = os.path.join(self._directory(parent), name)
            self._directories[directory] = known
        return known


def _write_each(outcomes: Sequence[FileOutcome], root: Path) -> list[FileOutcome]:
    """`_write_back` each, several at a time. On Ctrl-C, writes not yet started are dropped and
    those under way finish (each is one rename: a file is either old or new, never half)."""
    from concurrent.futures import ThreadPoolExecutor

    pending = [o for o in outcomes if o.changed and not o.error]
    if len(pending) < 2:
        return [_write_back(o, root) for o in outcomes]
    from safefix.parallel import workers

    # a thread a core: creating and renaming files is kernel work that threads overlap, but
    # more threads than cores mostly wait for each other (measured: 2 on 2 cores beat 8)
    pool = ThreadPoolExecutor(max_workers=min(max(2, workers()), len(pending)))
    try:
        results = list(pool.map(lambda o: _write_back(o, root), outcomes))
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return results


def _write_back(outcome: FileOutcome, root: Path) -> FileOutcome:
    from safefix import workspace

    if not outcome.changed or outcome.error:
        return outcome
    target = outcome.path
    if target.is_symlink():
        # ruff writes through a link; so does safefix, but never to outside the project
        target = target.resolve()
        if not target.is_relative_to(root.resolve()):
            return replace(outcome, error=f"is a link to {target}, outside the project; left alone")
    try:
        workspace.write_atomic(target, outcome.after, expected=outcome.before)
    except workspace.FileChangedError as exc:
        return replace(outcome, error=str(exc))
    except OSError as exc:
        return replace(outcome, error=f"cannot write {outcome.path}: {exc.strerror or exc}")
    return replace(outcome, written=True)
