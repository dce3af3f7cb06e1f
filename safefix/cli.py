"""`safefix [PATHS]...`: options in, pipeline.run, report out. No logic lives here.

argparse, not a CLI framework: safefix runs on every commit, and its start-up is part of the
cost people compare with ruff's.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

from safefix import EXIT_INTERRUPTED, INTERRUPTED, ruff_flags
from safefix.cli_parser import Parser as _Parser
from safefix.cli_parser import fix_parser, why_parser
from safefix.interrupts import Interrupted, interrupt, stop_children
from safefix.options import Built, build
from safefix.types import ExitCode, Mode, Options, OutputFormat

#: After an internal error's one line: where its traceback is.
INTERNAL_HINT = " (run with -v for the traceback)"


def fix_options(ns: argparse.Namespace, check: bool, extra: Sequence[str]) -> Built:
    """The parsed flags as the pipeline's Options (before [tool.safefix] is applied), built
    from the one option table the library's `run()` uses too."""
    quiet = ns.quiet or ns.silent
    values = {**vars(ns), "check": check}
    progress = _progress if sys.stderr.isatty() and not quiet else None
    return build(values, paths=ns.paths, cwd=_cwd(), extra=extra, progress=progress)


def _cwd() -> Path:
    try:
        return Path.cwd()
    except FileNotFoundError:
        raise FileNotFoundError("the working directory no longer exists") from None


def fix(args: list[str], mode: Mode | None, prog: str) -> int:
    parser = fix_parser(prog, check=mode is Mode.CHECK)
    ns, extra = _parse(parser, args)
    if ns.no_fix:  # ruff's `check --no-fix`: lint only, as `safefix check`
        if ns.diff or ns.fix or ns.fix_only:
            parser.error("--no-fix cannot be used with --fix, --fix-only or --diff")
        mode = Mode.CHECK
    built = fix_options(ns, mode is Mode.CHECK, extra)
    options = built.options
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
        return watch(lambda: _fix_once(built, options), paths, sys.stdout)  # stdout, as ruff
    return _fix_once(built, options, ns.output_file)


def _fix_once(built: Built, options: Options, output_file: Path | None = None) -> int:
    """One run: configuration, pipeline, report (on stdout, or in `output_file`)."""
    from safefix import config as config_file
    from safefix import pipeline, printed, ruff
    from safefix.report import Report

    try:
        found = config_file.find([options.cwd / p for p in options.paths])
        choices = built.choices()
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
    report, out, err = printed.output(report, options, to_file=output_file is not None)
    try:
        if options.stdin is not None and options.mode is Mode.FIX:  # the text back to the editor
            sys.stdout.buffer.write(printed.editor_text(report, options.stdin))
            sys.stdout.flush()
            if output_file is None:
                out, err = "", out + err
        if output_file is not None:
            _write_report(options.cwd / output_file, "" if options.silent else out)
        elif not options.silent:
            sys.stdout.write(out)
            sys.stdout.flush()  # a full device says so now, not in a traceback at exit
        sys.stderr.write(err)
    except OSError as exc:
        written = [o.path for o in report.result.outcomes if o.written]
        return _output_failed(exc, written, options.cwd)
    return int(report.exit_code())


def _write_report(path: Path, text: str) -> None:
    """`--output-file`: the report in `path`, its directories made, as ruff does."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _output_failed(exc: OSError, written: Sequence[Path], cwd: Path) -> int:
    """The report could not be printed (stdout on a full device, a closed pipe): the files
    already written, then one line, exit 2."""
    _silence_stdout()
    for path in written:
        shown = path.relative_to(cwd) if path.is_relative_to(cwd) else path
        sys.stderr.write(f"{shown}: written\n")
    sys.stderr.write(f"error: could not print the report: {_first_line(exc)}\n")
    return int(ExitCode.ERROR)


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


def _silence_stdout() -> None:
    """Send stdout nowhere from now on: what it still buffers would fail again in Python's
    flush at exit, with a traceback of its own."""
    with suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def why(args: list[str]) -> int:
    import json

    from safefix import check, pipeline, ruff
    from safefix.report import consumer_json, consumer_line

    ns = why_parser().parse_args(args)
    cwd = _cwd()
    try:  # every file that can name code is searched, whatever ruff's configuration
        found = check.explain(ns.target, cwd, ns.project_root)
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


def _subcommand(args: list[str]) -> int:
    """`why`, `check`, `version`, `help [COMMAND]`, else a fix run. A path named like a
    subcommand is a path after `--` (`safefix -- check`), as for ruff."""
    if args[:1] == ["why"]:
        return why(args[1:])
    if args[:1] == ["check"]:
        return fix(args[1:], Mode.CHECK, "safefix check")
    if args[:1] == ["version"]:
        from safefix import __version__

        version = _Parser(prog="safefix version", description="Print safefix's version.")
        version.parse_args(args[1:])
        sys.stdout.write(f"safefix {__version__}\n")
        return 0
    if args[:1] == ["help"]:
        helper = _Parser(prog="safefix help", description="Print a command's help.")
        helper.add_argument("command", nargs="?", choices=["check", "why", "version", "help"])
        asked = helper.parse_args(args[1:]).command
        return _subcommand([asked, "--help"] if asked else ["--help"])
    return fix(args, None, "safefix")


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
        code = _subcommand(args)
    except Interrupted:
        from safefix import workspace

        stop_children()
        workspace.remove_leftovers()
        sys.stderr.write(INTERRUPTED)
        code = EXIT_INTERRUPTED
    except OSError as exc:  # the working directory gone, stdout unwritable: nothing written
        _silence_stdout()
        sys.stderr.write(f"error: {_first_line(exc)}\n")
        code = int(ExitCode.ERROR)
    sys.exit(code)
