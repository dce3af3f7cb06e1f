"""`safefix.run()`: the library entry point for tools that embed safefix.

Its keywords are the option table's (`options.py`), the same the command line's flags fill;
tests/test_options.py checks that the signature written here lists each of them once.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from safefix import config as config_file
from safefix import pipeline, ruff_flags
from safefix.options import build
from safefix.report import Report
from safefix.types import OutputFormat, RestoreWith

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
    trust_config: bool = False,
    verify_timeout: float | None = None,
    import_timeout: float | None = None,
    project_root: str | Path | None = None,
    select: Sequence[str] = (),
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    extend_ignore: Sequence[str] = (),
    fixable: Sequence[str] = (),
    extend_fixable: Sequence[str] = (),
    unfixable: Sequence[str] = (),
    unsafe_fixes: bool | None = None,
    preview: bool | None = None,
    config: Sequence[str] = (),
    isolated: bool = False,
    target_version: str | None = None,
    force_exclude: bool = False,
    no_cache: bool = False,
    exit_zero: bool = False,
    exit_non_zero_on_fix: bool = False,
    fix_only: bool = False,
    contracts_only: bool = False,
    show_fixes: bool | None = None,
    statistics: bool = False,
    output_format: OutputFormat | str | None = OutputFormat.SAFEFIX_JSON,
    quiet: bool = False,
    silent: bool = False,
    verbose: bool = False,
    ruff_args: Sequence[str] = (),
) -> Result:
    """Run safefix like the CLI does, and return its report instead of printing it.

    `diff=True` writes nothing (like `--diff`); `check=True` runs `safefix check`. The other
    keywords are the CLI's flags (`--extend-select` is `extend_select`); `[tool.safefix]`
    still applies where they are not given (its `verify`/`verify-cmd` only with
    `trust_config=True`, as `--trust-config`). `paths` is one path or a list of them. Raises
    `safefix.UsageError`, `safefix.RuffError` or `safefix.ConfigError` on bad input, with the
    tree untouched; `ruff_args` may hold only ruff's settings-only flags (a flag that would
    make ruff write or print differently is a `UsageError`).
    """
    base = Path(cwd).absolute() if cwd is not None else Path.cwd()
    if isinstance(paths, (str, Path)):
        paths = (paths,)  # one path, not its letters
    try:
        ruff_flags.check_passed(ruff_args)
    except ruff_flags.FlagError as exc:
        raise pipeline.UsageError(str(exc)) from None
    values = dict(locals())
    built = build(values, paths=list(paths), cwd=base, extra=ruff_args)
    choices = built.choices()
    found = config_file.find([base / p for p in built.options.paths])
    options = config_file.apply(built.options, config_file.load(found), choices)
    return Report(pipeline.run(options), options)
