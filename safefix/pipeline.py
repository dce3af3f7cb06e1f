"""Runs the stages in order: ruff's first fixes (`flows`), the keep loop (`keep`), checks and
`--verify` (`check`), then the write-back (`writeback`).

Nothing touches the user's tree until every file's final content is known; then only files
whose content differs are written, each atomically.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from safefix import flows, ruff
from safefix.project_root import find_project_root
from safefix.ruff_output import LintRun
from safefix.session import Session, UsageError, by_file, say
from safefix.types import Diagnostic, FileOutcome, Flow, Mode, Options, RunResult

# Everything past ruff's first lint is imported where it is first needed: a run on a tree
# with nothing to fix ends after that lint, and its start-up is most of its cost.

__all__ = ["UsageError", "find_project_root", "run"]


def run(options: Options) -> RunResult:
    """Fix `options.paths` with ruff, keeping every import another module needs."""
    binary = ruff.locate()
    root = _project_root(options)
    if options.verify_cmd is not None:  # a command that cannot run: say so before ruff runs
        from safefix.verify import command_words

        command_words(options.verify_cmd, root)
    say(options, "ruff is checking")
    chosen = (
        flows.from_editor(binary, options)
        if options.stdin is not None
        else flows.choose(binary, options, root)
    )
    if isinstance(chosen, LintRun):  # a warm lint found nothing to fix
        remaining = by_file(chosen.diagnostics)
        return _result(binary, options, root, None, remaining, notes=chosen.warnings)
    with ruff.cancelled_on_error(chosen):
        targets = chosen.listing.files()
        misnamed = chosen.listing.misnamed()
    unchecked = _misnamed_notes(misnamed, root)
    from safefix import workspace, writeback
    from safefix.ahead import Ahead

    ahead = Ahead(targets, root, options)
    removing: list[threading.Thread] = []
    try:
        with workspace.scratch(removing, partial(workspace.total_size, targets)) as scratch:
            session = Session(binary, options, root, ahead, scratch)
            first = chosen.first_pass(session, targets)
            session.remaining, session.unready = first.remaining, first.unready
            if not first.fixed and options.mode is not Mode.CHECK:
                notes = (*first.warnings, *unchecked)
                return _result(binary, options, root, first.flow, first.remaining, notes)
            if options.mode is Mode.CHECK:
                return _check(session, first, ahead.files)
            outcomes, verified = _settle(session, first, ahead.files)
        if options.mode is Mode.FIX and options.stdin is None:  # the scratch goes meanwhile
            from safefix.leftovers import remove_stale_temp_files

            # where a killed run was writing, its file is still to fix: its directory is here
            remove_stale_temp_files({str(o.path.parent) for o in outcomes if o.changed})
            outcomes = writeback.write_all(outcomes, root)
        else:  # --diff: the files a fix would leave alone are shown so
            outcomes = writeback.refuse_outside(outcomes, root)
    finally:
        workspace.join_removals(removing)
    notes = (*first.warnings, *unchecked, *session.notes, *verified)
    return _result(binary, options, root, first.flow, session.remaining, notes, outcomes)


def _project_root(options: Options) -> Path:
    """The project's root, once every path is known to exist (and to lie inside it)."""
    paths = [(options.cwd / p).absolute() for p in options.paths]
    for path in paths:
        if not path.exists() and not (options.stdin is not None and path.parent.is_dir()):
            raise UsageError(f"{path}: no such file or directory")
    root = (options.project_root or find_project_root(paths)).absolute()
    for path in paths:
        if options.project_root is not None and not path.is_relative_to(root):
            raise UsageError(f"{path} is outside the project root {root}")
    return root


def _misnamed_notes(misnamed: Sequence[Path], root: Path) -> tuple[str, ...]:
    """One line for each file whose name is not UTF-8: searched for consumers, not fixed."""
    from safefix.fsnames import readable_name

    return tuple(
        f"{readable_name(p.relative_to(root) if p.is_relative_to(root) else p)}: the file name is"
        " not UTF-8, which ruff cannot check: searched for consumers only, not fixed"
        for p in misnamed
    )


def _kept(session: Session, first: flows.FirstPass, files: Sequence[Path]) -> list[FileOutcome]:
    """Each fixed file's outcome: ruff's fixes, minus what consumers need, checked once more."""
    from safefix import keep, keep_order, outcomes

    states = [keep.FileState.of(fixed) for fixed in first.fixed]
    keep.keep_load_bearing(session, states, files)
    keep_order.keep_import_order(session, states)
    outcomes.check_edits(states)
    return [outcomes.outcome(state) for state in states]


def _settle(
    session: Session, first: flows.FirstPass, files: Sequence[Path]
) -> tuple[list[FileOutcome], list[str]]:
    """Every file's final content, verified if asked; with ruff's report of the files left as
    they were."""
    from safefix import check

    done = _kept(session, first, files)
    verified: list[str] = []
    if session.options.verify or session.options.verify_cmd:
        done, verified = check.verify(session, done, files)
    _recheck_unchanged(session, [o for o in done if o.error])
    return done, verified


def _check(session: Session, first: flows.FirstPass, files: Sequence[Path]) -> RunResult:
    """`safefix check`: the contracts nothing protects (what a run would keep among them)."""
    from safefix import check

    findings = check.contracts(session, _kept(session, first, files), files)
    return RunResult(
        outcomes=(),
        remaining=(),
        ruff_version=ruff.version(session.binary),
        root=session.root,
        mode=session.options.mode,
        flow=first.flow,
        findings=tuple(findings),
    )


def _recheck_unchanged(session: Session, outcomes: Sequence[FileOutcome]) -> None:
    """Files safefix left as they were: report ruff's violations in what stays on disk."""
    if not outcomes:
        return
    for outcome in outcomes:
        session.scratch.write(outcome.path, outcome.before)
    result = session.fix_copies([o.path for o in outcomes], apply=False)
    found = by_file(result.remaining)
    for outcome in outcomes:
        session.remaining[outcome.path] = found.get(outcome.path, [])


def _result(
    binary: str,
    options: Options,
    root: Path,
    flow: Flow | None,
    remaining: dict[Path, list[Diagnostic]],
    notes: Sequence[str] = (),
    outcomes: Sequence[FileOutcome] = (),
) -> RunResult:
    return RunResult(
        outcomes=tuple(outcomes),
        remaining=tuple(d for path in sorted(remaining) for d in remaining[path]),
        ruff_version=ruff.version(binary),
        root=root,
        mode=options.mode,
        flow=flow,
        notes=(*options.warnings, *notes),
    )
