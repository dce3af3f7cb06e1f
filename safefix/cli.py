"""`safefix [PATHS]...`: options in, pipeline.run, report out. No logic lives here.

argparse, not a CLI framework: safefix runs on every commit, and its start-up is part of the
cost people compare with ruff's.
"""

from __future__ import annotations

import argparse
import gc
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from safefix import __version__, ruff_flags
from safefix.interrupts import Interrupted, interrupt, stop_children
from safefix.types import ExitCode, Mode, Options, OutputFormat, RestoreWith, RuffOptions

HELP = """Run `ruff check --fix` on PATHS, but keep every import another module of the project needs.

`safefix check [PATHS]` fixes nothing and reports the import contracts nothing protects
(exit 1 on findings); `safefix why MODULE:NAME` lists every consumer of a name.

ruff's flags mean what they mean for ruff, before or after `--` (for example
`safefix src -- --line-length 100`); one that would make ruff write, watch or print
differently (`--add-noqa`, `--watch`, `--statistics`, ...) is refused with exit 2.
"""

EPILOG = """Exit codes:
  0 = no violations remain (with --diff: nothing to change)
  1 = violations remain (with --diff: there are changes)
  2 = usage, configuration or internal error (bad path or flag, ruff failed), tree untouched
  3 = some files were left unchanged (edited while safefix ran, not fixable safely, or an
      internal error while handling them; exit 2 if that left every file unchanged)
  130 = interrupted (Ctrl-C or SIGTERM): each file is either unchanged or fully written
"""

WHY_HELP = (
    "List every consumer safefix knows for MODULE:NAME (e.g. app.main:KEEPALIVE), "
    "and of which kind, across the whole project."
)

#: After an internal error's one line: where its traceback is.
INTERNAL_HINT = " (run with -v for the traceback)"
INTERRUPTED = "error: interrupted; every file is either unchanged or completely written\n"
EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line and exit 2, the way ruff reports them."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"error: {message}\n\nFor more information, try '{self.prog} --help'.\n")
        sys.exit(int(ExitCode.ERROR))


def _choice(enum: type[RestoreWith | OutputFormat]) -> dict[str, object]:
    """Case-insensitive choice of an enum's values."""
    return {"type": str.lower, "choices": [member.value for member in enum]}


def _switch(parser: argparse._ActionsContainer, name: str, help: str) -> None:
    """`--NAME/--no-NAME`; unset stays None so the config file can decide."""
    dest = name.replace("-", "_")
    group = parser.add_mutually_exclusive_group()
    group.add_argument(f"--{name}", dest=dest, action="store_const", const=True, help=help)
    group.add_argument(f"--no-{name}", dest=dest, action="store_const", const=False)


def fix_parser(prog: str) -> argparse.ArgumentParser:
    parser = _Parser(
        prog=prog,
        allow_abbrev=False,  # `--fix` must never be read as `--fixable`
        description=HELP,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", type=Path, help="Files or directories [default: .]")
    rules = parser.add_argument_group("rule selection (as for ruff)")
    for name in ("select", "extend-select", "ignore", "fixable", "extend-fixable", "unfixable"):
        rules.add_argument(f"--{name}", action="append", metavar="RULE_CODE")
    rules.add_argument("--extend-ignore", action="append", help=argparse.SUPPRESS)
    _switch(rules, "unsafe-fixes", "As for ruff.")
    _switch(rules, "preview", "As for ruff.")
    rules.add_argument(
        "--config",
        action="append",
        metavar="CONFIG_OPTION",
        help="A ruff config file, or an inline KEY = VALUE.",
    )
    rules.add_argument(
        "--isolated", action="store_true", help="Ignore all configuration files (as ruff)."
    )
    rules.add_argument("--target-version", help="As for ruff, e.g. py310.")
    rules.add_argument(
        "--force-exclude",
        action="store_true",
        help="Apply ruff's excludes to paths given explicitly.",
    )
    rules.add_argument(
        "-n",
        "--no-cache",
        action="store_true",
        help="Read and write no cache (ruff's or safefix's).",
    )
    safe = parser.add_argument_group("safefix")
    safe.add_argument(
        "--fix", action="store_true", help="Accepted as in ruff: fixing is safefix's default."
    )
    safe.add_argument(
        "--diff", action="store_true", help="Write nothing; print the diff safefix would apply."
    )
    safe.add_argument(
        "--fix-only",
        action="store_true",
        help="As for ruff: fix, but neither report nor exit 1 for what remains.",
    )
    safe.add_argument(
        "-w",
        "--watch",
        action="store_true",
        help="Run again whenever a Python file or config under PATHS changes (as ruff).",
    )
    safe.add_argument(
        "--show-files", action="store_true", help="ruff's list of the files it checks; no fix."
    )
    safe.add_argument(
        "--show-settings", action="store_true", help="ruff's settings for a file; no fix."
    )
    safe.add_argument(
        "--stdin-filename",
        type=Path,
        metavar="PATH",
        help="Read the file's text from stdin (PATHS empty or `-`), fix it with the whole "
        "project's consumers, print the result (the report on stderr), as ruff does for editors.",
    )
    safe.add_argument(
        "--restore-with",
        **_choice(RestoreWith),  # type: ignore[arg-type]
        help="Keep needed imports with `# noqa` or by listing them in `__all__`; "
        "auto (default) uses `__all__` only for a name a `from M import *` user needs.",
    )
    safe.add_argument(
        "--project-root",
        type=Path,
        help="Where consumers are searched [default: nearest pyproject.toml/.git].",
    )
    _switch(
        safe,
        "verify",
        "Before writing, import every module in fresh interpreters, before and after; "
        "leave unchanged the files whose fixes break an import.",
    )
    safe.add_argument(
        "--verify-cmd",
        metavar="COMMAND",
        help="Run COMMAND (e.g. 'pytest -x -q') on a copy before and after; leave unchanged "
        "the files whose fixes make it fail.",
    )
    out = parser.add_argument_group("output and exit code")
    out.add_argument(
        "--output-format",
        **_choice(OutputFormat),  # type: ignore[arg-type]
        help="ruff's formats, rendered by ruff with safefix's notes added (see the README); "
        "safefix's own: text, safefix-json, markdown [default: as ruff's output-format]",
    )
    _switch(out, "show-fixes", "After the diagnostics, the fixes made per file (as ruff).")
    out.add_argument(
        "--statistics",
        action="store_true",
        help="ruff's counts per rule of what remains, instead of each violation.",
    )
    out.add_argument(
        "-e", "--exit-zero", action="store_true", help="Exit 0 even if violations remain."
    )
    out.add_argument(
        "--exit-non-zero-on-fix",
        action="store_true",
        help="Exit 1 if any fix was applied, even if nothing remains.",
    )
    out.add_argument(
        "-q", "--quiet", action="store_true", help="Print diagnostics and errors only."
    )
    out.add_argument(
        "-s", "--silent", action="store_true", help="Print errors only (exit code as usual)."
    )
    out.add_argument(
        "-v", "--verbose", action="store_true", help="Every consumer, and every removal with why."
    )
    out.add_argument("--version", action="version", version=f"safefix {__version__}")
    return parser


def why_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="safefix why", description=WHY_HELP, allow_abbrev=False)
    parser.add_argument("target", metavar="MODULE:NAME")
    parser.add_argument("--project-root", type=Path, help="Where consumers are searched.")
    parser.add_argument("--config", action="append", metavar="CONFIG_OPTION")
    parser.add_argument("--isolated", action="store_true")
    parser.add_argument(
        "--output-format",
        default=OutputFormat.TEXT.value,
        type=str.lower,
        choices=[OutputFormat.TEXT.value, OutputFormat.JSON.value],
    )
    return parser


def fix_options(ns: argparse.Namespace, mode: Mode, extra: Sequence[str]) -> Options:
    """The parsed flags as the pipeline's Options (before [tool.safefix] is applied)."""
    return Options(
        paths=tuple(ns.paths or [Path(".")]),
        cwd=Path.cwd(),
        ruff=RuffOptions(
            select=tuple(ns.select or ()),
            extend_select=tuple(ns.extend_select or ()),
            ignore=tuple(ns.ignore or ()),
            extend_ignore=tuple(ns.extend_ignore or ()),
            fixable=tuple(ns.fixable or ()),
            extend_fixable=tuple(ns.extend_fixable or ()),
            unfixable=tuple(ns.unfixable or ()),
            unsafe_fixes=ns.unsafe_fixes,
            preview=ns.preview,
            config=tuple(ns.config or ()),
            isolated=ns.isolated,
            target_version=ns.target_version,
            force_exclude=ns.force_exclude,
            extra=tuple(extra),
        ),
        mode=mode,
        project_root=ns.project_root.absolute() if ns.project_root else None,
        output_format=OutputFormat(ns.output_format) if ns.output_format else None,
        exit_zero=ns.exit_zero,
        exit_non_zero_on_fix=ns.exit_non_zero_on_fix,
        no_cache=ns.no_cache,
        quiet=ns.quiet or ns.silent,
        silent=ns.silent,
        fix_only=ns.fix_only,
        show_fixes=ns.show_fixes,
        statistics=ns.statistics,
        verbose=ns.verbose,
        progress=_progress if sys.stderr.isatty() and not (ns.quiet or ns.silent) else None,
    )


def fix(args: list[str], mode: Mode | None, prog: str) -> int:
    parser = fix_parser(prog)
    ns, extra = _parse(parser, args)
    options = fix_options(ns, mode or (Mode.DIFF if ns.diff else Mode.FIX), extra)
    if ns.stdin_filename is not None:
        options = _from_stdin(parser, ns, options)
    if ns.show_files or ns.show_settings:
        from safefix import printed

        return printed.ruff_shows(options, "--show-files" if ns.show_files else "--show-settings")
    if ns.watch:
        from safefix.watch import watch

        if options.stdin is not None or options.mode is not Mode.FIX:
            parser.error("--watch re-runs a fix of files on disk: not with --diff, check or stdin")
        paths = [options.cwd / p for p in options.paths]
        return watch(lambda: _fix_once(ns, options), paths, sys.stdout)
    return _fix_once(ns, options)


def _fix_once(ns: argparse.Namespace, options: Options) -> int:
    """One run: configuration, pipeline, report."""
    from safefix import config as config_file
    from safefix import pipeline, printed, ruff
    from safefix.report import Report

    restore_with = RestoreWith(ns.restore_with) if ns.restore_with else None
    try:
        found = config_file.find([options.cwd / p for p in options.paths])
        choices = config_file.CliChoices(restore_with, ns.verify, ns.verify_cmd)
        options = config_file.apply(options, config_file.load(found), choices)
        try:
            result = pipeline.run(options)
        finally:
            if options.progress:
                sys.stderr.write("\r\x1b[K")
    except (pipeline.UsageError, ruff.RuffError, config_file.ConfigError, OSError) as exc:
        return _failed(_first_line(exc), options)
    except Exception as exc:  # noqa: BLE001 - a bug outside one file's work: nothing written
        if options.verbose:
            import traceback

            traceback.print_exc()
        message = f"internal error: {type(exc).__name__}: {_first_line(exc)}"
        return _failed(message, options, "" if options.verbose else INTERNAL_HINT)
    report = Report(result, options)
    out, err = printed.output(report, options)
    if options.stdin is not None and options.mode is Mode.FIX:  # the text back to the editor
        sys.stdout.buffer.write(printed.editor_text(report, options.stdin))
        sys.stdout.flush()
        out, err = "", out + err
    if not options.silent:
        sys.stdout.write(out)
    sys.stderr.write(err)
    return int(report.exit_code())


def _from_stdin(
    parser: argparse.ArgumentParser, ns: argparse.Namespace, options: Options
) -> Options:
    """`--stdin-filename PATH [-]`: the editor's text of PATH, from stdin."""
    from dataclasses import replace

    if [str(p) for p in ns.paths] not in ([], ["-"]):
        parser.error("--stdin-filename takes its text from stdin: give no PATHS, or `-`")
    if options.mode is Mode.CHECK or ns.verify or ns.verify_cmd:
        parser.error("--stdin-filename fixes one text from stdin: not with check or --verify")
    return replace(options, paths=(ns.stdin_filename,), stdin=sys.stdin.buffer.read())


def _parse(
    parser: argparse.ArgumentParser, args: list[str]
) -> tuple[argparse.Namespace, tuple[str, ...]]:
    """safefix's options, and the settings-only ruff flags for every ruff run.

    ruff's flags mean the same before and after `--`: those safefix reads are read by safefix
    wherever they stand (paths too), settings-only ones go to ruff, and any that would make a
    ruff run write, watch or print differently is refused with one line (`ruff_flags.py`).
    """
    at = args.index("--") if "--" in args else len(args)
    before, after = args[:at], args[at + 1 :]
    arity = {flag: a.nargs != 0 for a in parser._actions for flag in a.option_strings}
    try:
        words = [ruff_flags.split(part, arity) for part in (before, after)]
    except ruff_flags.FlagError as exc:
        parser.error(str(exc))
    # flags first, then paths: parse_args reads them in any order that way, and (unlike
    # parse_intermixed_args) lets an interrupt during parsing through as it is
    ns = parser.parse_args([*words[0].own, *words[1].own, *words[0].paths, *words[1].paths])
    return ns, words[0].ruff + words[1].ruff


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _failed(message: str, options: Options, hint: str = "") -> int:
    """A run that stopped before writing anything: one line (and the JSON document), exit 2."""
    from safefix.report import failure_json

    if options.output_format is OutputFormat.SAFEFIX_JSON:
        sys.stdout.write(failure_json(message, options.mode))
    sys.stderr.write(f"error: {message}{hint}\n")
    return int(ExitCode.ERROR)


def why(args: list[str]) -> int:
    import json

    from safefix import check, pipeline, ruff
    from safefix.report import consumer_json, consumer_line

    ns = why_parser().parse_args(args)
    cwd = Path.cwd()
    options = RuffOptions(config=tuple(ns.config or ()), isolated=ns.isolated)
    try:
        found = check.explain(ns.target, cwd, ns.project_root, options)
    except (pipeline.UsageError, ruff.RuffError, OSError) as exc:
        sys.stderr.write(f"error: {str(exc).splitlines()[0]}\n")
        return int(ExitCode.ERROR)
    if ns.output_format == OutputFormat.JSON.value:
        document = {
            "module": found.module,
            "name": found.name,
            "consumers": [consumer_json(c, cwd) for c in found.consumers],
        }
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return 0
    for consumer in found.consumers:
        sys.stdout.write(consumer_line(consumer, cwd) + "\n")
    count = len(found.consumers)
    sys.stdout.write(f"{found.module}:{found.name}: {count} consumer{'' if count == 1 else 's'}\n")
    return 0


def _progress(message: str) -> None:
    sys.stderr.write(f"\r\x1b[Ksafefix: {message}")
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> None:
    """Console entry point: `safefix why ...`, `safefix check ...`, or a fix run where `--`
    passes the rest to ruff.

    SIGTERM is handled like Ctrl-C, so that an interrupted run still removes its scratch
    directory; every file is then either as it was or completely written.
    """
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    # a run builds syntax trees by the hundred thousand nodes and frees them whole; the
    # default thresholds would scan them for cycles over and over (about 12% of a parse)
    gc.set_threshold(100_000, 50, 1000)
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args[:1] == ["why"]:
            code = why(args[1:])
        elif args[:1] == ["check"]:
            code = fix(args[1:], Mode.CHECK, "safefix check")
        else:
            code = fix(args, None, "safefix")
    except Interrupted:
        from safefix import workspace

        stop_children()
        workspace.remove_leftovers()
        sys.stderr.write(INTERRUPTED)
        code = EXIT_INTERRUPTED
    sys.exit(code)
