"""safefix's command-line parsers: the fix command's, `safefix check`'s and `safefix why`'s.

argparse, not a CLI framework: safefix runs on every commit, and its start-up is part of the
cost people compare with ruff's.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from safefix import __version__
from safefix.types import ExitCode, OutputFormat, RestoreWith

HELP = """Run `ruff check --fix` on PATHS, but keep every import another module of the project needs.

`safefix check [PATHS]` (or `--no-fix`) lints as `ruff check` does, fixing nothing, and adds
the import contracts nothing protects (SF001-SF003); `safefix why MODULE:NAME` lists every
consumer of a name; `safefix version`; `safefix help [COMMAND]`. A path named like one of
them is a path after `--` (`safefix -- check`).

ruff's flags mean what they mean for ruff, before or after `--` (for example
`safefix src -- --line-length 100`); one that would make ruff write, watch or print
differently (`--add-noqa`, `--add-ignore`, `--ignore-noqa`) is refused with exit 2.
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

CHECK_HELP = """Lint PATHS as `ruff check` does (nothing is fixed or written), and report
the import contracts nothing protects as findings of their own:

  SF001  a load-bearing import is unprotected: the next `ruff check --fix` deletes it
  SF002  a try/except ImportError fallback binds different public names per branch
  SF003  a name is imported from a project module that does not define it

`--contracts-only` reports the findings alone.
"""

CHECK_EPILOG = """Exit codes:
  0 = ruff's lint passes and every import contract is protected
  1 = ruff found violations, or safefix found SF00x findings
  2 = usage, configuration or internal error
"""

PROJECT_ROOT_HELP = "Where consumers are searched [default: nearest pyproject.toml/.git]."

#: What the fix command's own flags mean in `safefix check`, which does not take them.
FIX_ONLY_DEFAULTS: dict[str, object] = {
    "fix": False,
    "no_fix": False,
    "diff": False,
    "fix_only": False,
    "watch": False,
    "show_files": False,
    "show_settings": False,
    "stdin_filename": None,
    "restore_with": None,
    "verify": None,
    "verify_cmd": None,
    "trust_config": False,
    "verify_timeout": None,
    "import_timeout": None,
    "show_fixes": None,
    "exit_non_zero_on_fix": False,
}


class Parser(argparse.ArgumentParser):
    """Usage errors as one line and exit 2, the way ruff reports them."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"error: {message}\n\nFor more information, try '{self.prog} --help'.\n")
        sys.exit(int(ExitCode.ERROR))


def _choice(enum: type[RestoreWith | OutputFormat]) -> dict[str, object]:
    """Case-insensitive choice of an enum's values."""
    return {"type": str.lower, "choices": [member.value for member in enum]}


def _env_path(name: str) -> Path | None:
    """A path from the environment, as ruff reads its `[env: ...]` flags (empty is unset)."""
    import os

    value = os.environ.get(name)
    return Path(value) if value else None


def _seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise ValueError(text)
    return value


def _switch(parser: argparse._ActionsContainer, name: str, help: str) -> None:
    """`--NAME/--no-NAME`; unset stays None so the config file can decide."""
    dest = name.replace("-", "_")
    group = parser.add_mutually_exclusive_group()
    group.add_argument(f"--{name}", dest=dest, action="store_const", const=True, help=help)
    group.add_argument(f"--no-{name}", dest=dest, action="store_const", const=False)


def fix_parser(prog: str, check: bool = False) -> argparse.ArgumentParser:
    """The fix command's parser, or `safefix check`'s (the fix-only flags left out)."""
    parser = Parser(
        prog=prog,
        allow_abbrev=False,  # `--fix` must never be read as `--fixable`
        description=CHECK_HELP if check else HELP,
        epilog=CHECK_EPILOG if check else EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", type=Path, help="Files or directories [default: .]")
    _rule_options(parser)
    if check:
        parser.add_argument(
            "--contracts-only",
            action="store_true",
            help="Only the import contracts, as SF00x findings; not ruff's lint.",
        )
        parser.add_argument("--project-root", type=Path, help=PROJECT_ROOT_HELP)
        parser.set_defaults(**FIX_ONLY_DEFAULTS)
    else:
        _fix_flags(parser)
        parser.set_defaults(contracts_only=False)
    _output_options(parser, check)
    return parser


def _rule_options(parser: argparse.ArgumentParser) -> None:
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


def _fix_flags(parser: argparse.ArgumentParser) -> None:
    safe = parser.add_argument_group("safefix")
    safe.add_argument(
        "--fix", action="store_true", help="Accepted as in ruff: fixing is safefix's default."
    )
    safe.add_argument(
        "--no-fix", action="store_true", help="Fix nothing: as `safefix check` (as ruff)."
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
    safe.add_argument("--project-root", type=Path, help=PROJECT_ROOT_HELP)
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
    safe.add_argument(
        "--trust-config",
        action="store_true",
        help="Run `verify`/`verify-cmd` from [tool.safefix] (they run the repository's code); "
        "also SAFEFIX_TRUST_CONFIG=1. Without it they are skipped with a notice.",
    )
    safe.add_argument(
        "--verify-timeout",
        type=_seconds,
        metavar="SECONDS",
        help="Time limit of each run of --verify-cmd [default: 600].",
    )
    safe.add_argument(
        "--import-timeout",
        type=_seconds,
        metavar="SECONDS",
        help="Time limit of each module's import under --verify [default: 20].",
    )


def _output_options(parser: argparse.ArgumentParser, check: bool) -> None:
    out = parser.add_argument_group("output and exit code")
    out.add_argument(
        "--output-format",
        **_choice(OutputFormat),  # type: ignore[arg-type]
        help="ruff's formats, rendered by ruff with safefix's notes added (see the README); "
        "safefix's own: text, safefix-json, markdown [default: as ruff's output-format]",
    )
    out.add_argument(
        "-o",
        "--output-file",
        type=Path,
        metavar="PATH",
        default=_env_path("RUFF_OUTPUT_FILE"),
        help="Write the report to PATH instead of stdout, as ruff does [env: RUFF_OUTPUT_FILE].",
    )
    if not check:
        _switch(out, "show-fixes", "After the diagnostics, the fixes made per file (as ruff).")
    out.add_argument(
        "--statistics",
        action="store_true",
        help="ruff's counts per rule of what remains, instead of each violation.",
    )
    out.add_argument(
        "-e", "--exit-zero", action="store_true", help="Exit 0 even if violations remain."
    )
    if not check:
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


def why_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="safefix why", description=WHY_HELP, allow_abbrev=False)
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
