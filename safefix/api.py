"""`safefix.run()`: the library entry point for tools that embed safefix."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from safefix import config as config_file
from safefix import pipeline, ruff_flags
from safefix.report import Report
from safefix.types import Mode, Options, OutputFormat, RestoreWith, RuffOptions

#: What `run()` returns: the run's data (`.result`), `.exit_code()`, `.text()`, `.to_json()`.
Result = Report


def run(
    paths: str | Path | Sequence[str | Path] = (".",),
    *,
    cwd: str | Path | None = None,
    diff: bool = False,
    check: bool = False,
    restore_with: RestoreWith | str | None = None,
    verify: bool | None = None,
    verify_cmd: str | None = None,
    project_root: str | Path | None = None,
    select: Sequence[str] = (),
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    fixable: Sequence[str] = (),
    unfixable: Sequence[str] = (),
    unsafe_fixes: bool | None = None,
    preview: bool | None = None,
    config: Sequence[str] = (),
    isolated: bool = False,
    target_version: str | None = None,
    ruff_args: Sequence[str] = (),
) -> Result:
    """Run safefix like the CLI does, and return its report instead of printing it.

    `diff=True` writes nothing (like `--diff`); `check=True` runs `safefix check`. Keyword
    arguments mirror the CLI flags; `[tool.safefix]` still applies where they are not given.
    Raises `pipeline.UsageError`, `ruff.RuffError` or `config.ConfigError` on bad input, with
    the tree untouched; `ruff_args` may hold only ruff's settings-only flags (a flag that
    would make ruff write or print differently is a `UsageError`).
    """
    base = Path(cwd).absolute() if cwd is not None else Path.cwd()
    if isinstance(paths, (str, Path)):
        paths = (paths,)  # one path, not its letters
    try:
        ruff_flags.check_passed(ruff_args)
    except ruff_flags.FlagError as exc:
        raise pipeline.UsageError(str(exc)) from None
    mode = Mode.CHECK if check else Mode.DIFF if diff else Mode.FIX
    options = Options(
        paths=tuple(Path(p) for p in paths),
        cwd=base,
        ruff=RuffOptions(
            select=tuple(select),
            extend_select=tuple(extend_select),
            ignore=tuple(ignore),
            fixable=tuple(fixable),
            unfixable=tuple(unfixable),
            unsafe_fixes=unsafe_fixes,
            preview=preview,
            config=tuple(config),
            isolated=isolated,
            target_version=target_version,
            extra=tuple(ruff_args),
        ),
        mode=mode,
        project_root=Path(project_root).absolute() if project_root is not None else None,
        output_format=OutputFormat.SAFEFIX_JSON,
    )
    choices = config_file.CliChoices(
        RestoreWith(restore_with) if restore_with is not None else None, verify, verify_cmd
    )
    found = config_file.find([base / p for p in options.paths])
    options = config_file.apply(options, config_file.load(found), choices)
    return Report(pipeline.run(options), options)
