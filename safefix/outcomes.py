"""From the keep loop's states to what is written and reported: each file's edits parsed once
more, then its `FileOutcome` with every kept import's final line and protection."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import replace

from safefix import failures
from safefix.keep import FileState, contained
from safefix.types import Binding, Decision, FileOutcome, Removal, Verdict


def check_edits(states: Sequence[FileState]) -> None:
    """Parse every file safefix itself edited once more, before anything is written.

    What is written is ruff's fix of safefix's protected text; if that does not parse, the
    file is left as it was. (Files written exactly as ruff fixed them were parsed when their
    removals were found.)
    """
    from safefix import bindings

    for state in states:
        if not (state.protections or state.splits) or state.error:
            continue
        with contained(state):
            try:
                bindings.parse(state.after, str(state.path))
            except SyntaxError:
                state.leave_unchanged("the edited file does not parse; left the file unchanged")


def outcome(state: FileState) -> FileOutcome:
    """The file's outcome; an exception while making it leaves the file unchanged."""
    try:
        return _outcome(state)
    except Exception as exc:  # noqa: BLE001 - contained: one file's bug is its own error
        return FileOutcome(
            path=state.path,
            before=state.before,
            after=state.before,
            error=failures.left_unchanged(exc),
            failed=True,
        )


def _outcome(state: FileState) -> FileOutcome:
    from safefix import bindings

    decisions: list[Decision] = []
    if not state.error:
        tree = _import_tree(state.after) if state.kept else ast.Module(body=[], type_ignores=[])
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
        failed=state.failed,
        orders=tuple(state.orders),
    )


def _import_tree(source: bytes) -> ast.Module:
    """The statements that can bind a module-level import, parsed: where the kept imports
    stand (the whole module where the section does not parse alone)."""
    from safefix import bindings
    from safefix.import_text import import_section

    try:
        return bindings.parse(import_section(source))
    except SyntaxError:
        return bindings.parse(source)


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
