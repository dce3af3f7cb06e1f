"""`safefix [PATHS]...`: options in, pipeline.run, report out. No logic lives here."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

from safefix.types import ExitCode, Mode, Options, OutputFormat, RestoreWith, RuffOptions

HELP = """Run `ruff check --fix` on PATHS, but keep every import another module of the project needs.

`safefix check [PATHS]` fixes nothing and reports the import contracts nothing protects
(exit 1 on findings); `safefix why MODULE:NAME` lists every consumer of a name.

ruff's selection and configuration flags mean what they mean for ruff; anything after `--` is
passed to ruff verbatim (for example `safefix src -- --line-length 100`).
"""

EPILOG = (
    "Exit codes: "
    "0 = no violations remain (with --diff: nothing to change); "
    "1 = violations remain (with --diff: there are changes); "
    "2 = usage, configuration or internal error (bad path or flag, ruff failed), tree untouched; "
    "3 = some files were left unchanged (edited while safefix ran, or not fixable safely); "
    "130 = interrupted (Ctrl-C or SIGTERM): each file is either unchanged or fully written."
)

INTERRUPTED = "error: interrupted; every file is either unchanged or completely written\n"
EXIT_INTERRUPTED = 130

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)

RuleList = Annotated[list[str] | None, typer.Option(metavar="RULE_CODE")]


@app.command(
    help=HELP,
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=False,
)
def check(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or directories [default: .]")
    ] = None,
    select: RuleList = None,
    extend_select: RuleList = None,
    ignore: RuleList = None,
    extend_ignore: Annotated[list[str] | None, typer.Option(hidden=True)] = None,
    fixable: RuleList = None,
    extend_fixable: RuleList = None,
    unfixable: RuleList = None,
    unsafe_fixes: Annotated[
        bool | None, typer.Option("--unsafe-fixes/--no-unsafe-fixes", help="As for ruff.")
    ] = None,
    preview: Annotated[
        bool | None, typer.Option("--preview/--no-preview", help="As for ruff.")
    ] = None,
    config: Annotated[
        list[str] | None,
        typer.Option(metavar="CONFIG_OPTION", help="A ruff config file, or an inline KEY = VALUE."),
    ] = None,
    isolated: Annotated[
        bool, typer.Option(help="Ignore all configuration files (as ruff).")
    ] = False,
    target_version: Annotated[str | None, typer.Option(help="As for ruff, e.g. py310.")] = None,
    diff: Annotated[
        bool, typer.Option("--diff", help="Write nothing; print the diff safefix would apply.")
    ] = False,
    restore_with: Annotated[
        RestoreWith | None,
        typer.Option(
            case_sensitive=False,
            help="Keep needed imports with `# noqa` or by listing them in `__all__`; "
            "auto (default) uses `__all__` where the module has a literal one.",
        ),
    ] = None,
    project_root: Annotated[
        Path | None,
        typer.Option(help="Where consumers are searched [default: nearest pyproject.toml/.git]."),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option(case_sensitive=False, help="Report format.")
    ] = OutputFormat.TEXT,
    verify: Annotated[
        bool | None,
        typer.Option(
            "--verify/--no-verify",
            help="Before writing, import every module in fresh interpreters, before and after; "
            "leave unchanged the files whose fixes break an import.",
        ),
    ] = None,
    verify_cmd: Annotated[
        str | None,
        typer.Option(
            metavar="COMMAND",
            help="Run COMMAND (e.g. 'pytest -x -q') on a copy before and after; leave unchanged "
            "the files whose fixes make it fail.",
        ),
    ] = None,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even if violations remain.")
    ] = False,
    exit_non_zero_on_fix: Annotated[
        bool,
        typer.Option(
            "--exit-non-zero-on-fix", help="Exit 1 if any fix was applied, even if nothing remains."
        ),
    ] = False,
    force_exclude: Annotated[
        bool,
        typer.Option("--force-exclude", help="Apply ruff's excludes to paths given explicitly."),
    ] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not read or write ruff's cache (as ruff).")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Every consumer, and every removal with why.")
    ] = False,
) -> None:
    from safefix import config as config_file
    from safefix import pipeline, ruff
    from safefix.formats import render
    from safefix.report import Report, failure_json

    context = ctx.obj or {}
    mode = context.get("mode") or (Mode.DIFF if diff else Mode.FIX)
    options = Options(
        paths=tuple(paths or [Path(".")]),
        cwd=Path.cwd(),
        ruff=RuffOptions(
            select=tuple(select or ()),
            extend_select=tuple(extend_select or ()),
            ignore=tuple(ignore or ()),
            extend_ignore=tuple(extend_ignore or ()),
            fixable=tuple(fixable or ()),
            extend_fixable=tuple(extend_fixable or ()),
            unfixable=tuple(unfixable or ()),
            unsafe_fixes=unsafe_fixes,
            preview=preview,
            config=tuple(config or ()),
            isolated=isolated,
            target_version=target_version,
            force_exclude=force_exclude,
            extra=tuple(context.get("extra", ())),
        ),
        mode=mode,
        project_root=project_root.absolute() if project_root else None,
        output_format=output_format,
        exit_zero=exit_zero,
        exit_non_zero_on_fix=exit_non_zero_on_fix,
        no_cache=no_cache,
        quiet=quiet,
        verbose=verbose,
        progress=_progress if sys.stderr.isatty() and not quiet else None,
    )
    try:
        found = config_file.find([options.cwd / p for p in options.paths])
        choices = config_file.CliChoices(restore_with, verify, verify_cmd)
        options = config_file.apply(options, config_file.load(found), choices)
        try:
            result = pipeline.run(options)
        finally:
            if options.progress:
                sys.stderr.write("\r\x1b[K")
    except (pipeline.UsageError, ruff.RuffError, config_file.ConfigError, OSError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if output_format is OutputFormat.JSON:
            sys.stdout.write(failure_json(message, mode))
        typer.echo(f"error: {message}", err=True)
        raise typer.Exit(int(ExitCode.ERROR)) from None
    report = Report(result, options)
    out, err = render(report, output_format, colour=_colour())
    sys.stdout.write(out)
    sys.stderr.write(err)
    raise typer.Exit(int(report.exit_code()))


def _colour() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _progress(message: str) -> None:
    sys.stderr.write(f"\r\x1b[Ksafefix: {message}")
    sys.stderr.flush()


why_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)


@why_app.command(
    help="List every consumer safefix knows for MODULE:NAME (e.g. app.main:KEEPALIVE), "
    "and of which kind, across the whole project.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
def why(
    target: Annotated[str, typer.Argument(metavar="MODULE:NAME")],
    project_root: Annotated[Path | None, typer.Option(help="Where consumers are searched.")] = None,
    config: Annotated[list[str] | None, typer.Option(metavar="CONFIG_OPTION")] = None,
    isolated: Annotated[bool, typer.Option("--isolated")] = False,
    output_format: Annotated[OutputFormat, typer.Option(case_sensitive=False)] = OutputFormat.TEXT,
) -> None:
    import json

    from safefix import pipeline, ruff
    from safefix.report import consumer_json, consumer_line

    cwd = Path.cwd()
    options = RuffOptions(config=tuple(config or ()), isolated=isolated)
    try:
        found = pipeline.explain(target, cwd, project_root, options)
    except (pipeline.UsageError, ruff.RuffError, OSError) as exc:
        typer.echo(f"error: {str(exc).splitlines()[0]}", err=True)
        raise typer.Exit(int(ExitCode.ERROR)) from None
    if output_format is OutputFormat.JSON:
        document = {
            "module": found.module,
            "name": found.name,
            "consumers": [consumer_json(c, cwd) for c in found.consumers],
        }
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        for consumer in found.consumers:
            sys.stdout.write(consumer_line(consumer, cwd) + "\n")
        count = len(found.consumers)
        sys.stdout.write(
            f"{found.module}:{found.name}: {count} consumer{'' if count == 1 else 's'}\n"
        )


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM. Not a KeyboardInterrupt, which the CLI framework would swallow: this
    one unwinds every `finally` (the scratch directory goes) up to `main`."""


def _interrupted(signum: int, frame: object) -> None:
    raise Interrupted


def main(argv: list[str] | None = None) -> None:
    """Console entry point: `safefix why ...`, or a fix run where `--` passes the rest to ruff.

    SIGTERM is handled like Ctrl-C, so that an interrupted run still removes its scratch
    directory; every file is then either as it was or completely written.
    """
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGINT, _interrupted)
    try:
        _main(list(sys.argv[1:] if argv is None else argv))
    except Interrupted:
        sys.stderr.write(INTERRUPTED)
        sys.exit(EXIT_INTERRUPTED)


def _main(args: list[str]) -> None:
    if args[:1] == ["why"]:
        typer.main.get_command(why_app).main(args=args[1:], prog_name="safefix why")
        return
    context: dict[str, object] = {"mode": None, "extra": []}
    name = "safefix"
    if args[:1] == ["check"]:
        args, context["mode"], name = args[1:], Mode.CHECK, "safefix check"
    if "--" in args:
        split = args.index("--")
        args, context["extra"] = args[:split], args[split + 1 :]
    command = typer.main.get_command(app)
    command.main(args=args, prog_name=name, obj=context)
