"""What a fix run prints: ruff's report of the tree as written (in the user's format) with
safefix's notes, an editor's text back on stdout, or ruff's own answer to a question.

The CLI decides what to run; this module decides what the user reads.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace

from safefix import ruff, ruff_report
from safefix.formats import render
from safefix.report import Report
from safefix.types import ExitCode, Mode, Options, OutputFormat


def output(report: Report, options: Options, to_file: bool = False) -> tuple[Report, str, str]:
    """The report (with what ruff's lint found, in `check`), stdout and stderr: in fix mode
    and in `check`, in a format of ruff's, ruff renders the tree on disk (in the format ruff
    would choose) and safefix's notes are added. A report `to_file` has no colours."""
    env, tty = os.environ, sys.stdout.isatty() and not to_file
    colour = ruff_report.colour_wanted(env, tty)
    chosen = options.output_format
    if not _ruff_renders(options) or chosen not in (*ruff_report.RUFF_FORMATS, None):
        return (report, *render(report, chosen or OutputFormat.TEXT, colour))
    try:
        binary = ruff.locate()
        settings = ruff_report.chosen(binary, options, env)
        chosen = chosen or settings.output_format
        if options.show_fixes is None and options.mode is Mode.FIX:
            options = replace(options, show_fixes=settings.show_fixes)
            report = replace(report, options=options)
        names = ruff.rule_names(binary) if options.show_fixes and report.fixed else {}
        if options.fix_only:
            return (report, *render(report, chosen, colour, ruff_report.Rendered(""), names))
        wanted = ruff_report.ruff_env(env, tty)
        given = editor_text(report, options.stdin) if options.stdin is not None else None
        remaining = bool(report.result.remaining)
        ruffs = ruff_report.render(binary, options, chosen, wanted, remaining, given)
    except (ruff.RuffError, ValueError) as exc:  # the tree is written: report it all the same
        out, err = render(report, OutputFormat.TEXT, colour)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return report, out, f"warning: cannot show ruff's report: {reason}\n{err}"
    report = replace(report, ruff_violations=ruffs.violations)
    return (report, *render(report, chosen, colour, ruffs, names))


def _ruff_renders(options: Options) -> bool:
    """Whether ruff's own report is part of the output: in fix mode, and in `check` unless
    only the import contracts are asked for (`--diff` prints a diff, `-s` nothing)."""
    if options.silent and options.mode is Mode.FIX:  # check's exit code needs ruff's verdict
        return False
    # in check, safefix's own formats (text, safefix-json, markdown) show the contracts alone
    return options.mode is Mode.FIX or (options.mode is Mode.CHECK and not options.contracts_only)


def editor_text(report: Report, given: bytes) -> bytes:
    """The editor's text with safefix's fixes (as given where nothing changed)."""
    changed = [o.after for o in report.result.outcomes if o.changed and not o.error]
    return changed[0] if changed else given


def ruff_shows(options: Options, flag: str) -> int:
    """`--show-files`, `--show-settings`: ruff's own answer, read-only; nothing is fixed."""
    flags = ruff.flag_args(options.ruff, lambda value: value)
    args = ["check", flag, *flags, "--", *(str(p) for p in options.paths)]
    try:
        proc = ruff.run_plain(ruff.locate(), args, options.cwd, dict(os.environ))
    except ruff.RuffError as exc:
        sys.stderr.write(exc.stderr or f"error: {exc}\n")
        return int(ExitCode.ERROR)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    return proc.returncode
