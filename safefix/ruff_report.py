"""What remains after a fix run, rendered by ruff itself, in the format the user chose.

safefix does not re-implement ruff's renderers (code frames, `help:` lines, JUnit, GitLab, ...):
once the tree on disk holds what safefix wrote, ruff lints it once more (`--no-fix`, nothing
written) with the user's `--output-format` and environment, and its output is passed through.
safefix's own notes (imports kept, the summary) are added in a form each format can carry:
text lines after ruff's diagnostics for the human formats, `::notice` lines for `github`, a
second run for `sarif`, and stderr for the machine formats whose stdout must stay parseable.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from safefix.types import Mode, Options, OutputFormat

#: Formats ruff renders; safefix adds its notes to what it prints.
RUFF_FORMATS = frozenset(
    {
        OutputFormat.FULL,
        OutputFormat.CONCISE,
        OutputFormat.GROUPED,
        OutputFormat.JSON,
        OutputFormat.JSON_LINES,
        OutputFormat.JUNIT,
        OutputFormat.GITLAB,
        OutputFormat.PYLINT,
        OutputFormat.RDJSON,
        OutputFormat.AZURE,
        OutputFormat.GITHUB,
        OutputFormat.SARIF,
    }
)
#: Formats for people, which ruff ends with a summary ("Found 3 errors.", hints).
HUMAN = frozenset({OutputFormat.FULL, OutputFormat.CONCISE, OutputFormat.GROUPED})
#: What ruff prints for these when nothing remains (human formats: before the summary); a
#: run with nothing left skips the rendering process (tests check this against ruff).
EMPTY_WHEN_CLEAN = frozenset(
    {
        *HUMAN,
        OutputFormat.PYLINT,
        OutputFormat.GITHUB,
        OutputFormat.AZURE,
        OutputFormat.JSON_LINES,
    }
)
#: ruff's default when neither a flag, `RUFF_OUTPUT_FORMAT` nor a config chooses one.
DEFAULT = OutputFormat.FULL

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_SUMMARY = re.compile(r"^(?:Found \d+ errors?\b|All checks passed!$)")
_CONFIG_NAMES = ("pyproject.toml", "ruff.toml", ".ruff.toml")


@dataclass(frozen=True)
class Rendered:
    """ruff's output of the tree on disk: its diagnostics, and its summary's hint lines
    (`[*] 2 fixable with ...`, `N unsafe fixes available ...`) for the human formats."""

    body: str
    hints: tuple[str, ...] = ()
    #: ruff's summary line (`Found 3 errors.`, `All checks passed!`), human formats only.
    found: str = ""
    #: Whether ruff reported violations (its exit code 1).
    violations: bool = False


def colour_wanted(env: Mapping[str, str], tty: bool) -> bool:
    """Whether ruff colours its output here: NO_COLOR wins, then FORCE_COLOR and
    CLICOLOR_FORCE, then a terminal unless CLICOLOR=0 (checked against the real ruff)."""
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR") or env.get("CLICOLOR_FORCE"):
        return True
    return tty and env.get("CLICOLOR") != "0"


def ruff_env(env: Mapping[str, str], tty: bool) -> dict[str, str]:
    """The user's environment for the rendering run (RUFF_* and colour variables included);
    ruff writes into a pipe, so a terminal safefix writes to is forced on it."""
    found = dict(env)
    if tty and colour_wanted(env, tty):
        found["CLICOLOR_FORCE"] = "1"
    return found


@dataclass(frozen=True)
class Settings:
    """The settings of ruff's that shape its report, as ruff resolves them."""

    output_format: OutputFormat = DEFAULT
    show_fixes: bool = False


def chosen(binary: str, options: Options, env: Mapping[str, str]) -> Settings:
    """`output-format` and `show-fixes` as ruff would use them (`RUFF_OUTPUT_FORMAT` first).

    Asking ruff (`--show-settings`) costs a process, so it is asked only when a config file
    it could read mentions either setting or extends another file (a byte screen)."""
    from safefix import ruff

    by_env = env.get("RUFF_OUTPUT_FORMAT")
    found = Settings(OutputFormat(by_env.lower()) if by_env else DEFAULT)
    if not _config_may_choose(options):
        return found
    flags = ruff.flag_args(options.ruff, lambda value: value)
    args = ["check", "--show-settings", *flags, "--", str(options.paths[0])]
    proc = ruff.run_plain(binary, args, options.cwd, dict(env))
    values = dict(line.partition(" = ")[::2] for line in proc.stdout.splitlines()[:40])
    return Settings(
        found.output_format if by_env else OutputFormat(values.get("output_format", DEFAULT)),
        values.get("show_fixes") == "true",
    )


def _config_may_choose(options: Options) -> bool:
    """Whether any config ruff reads for the command line might set `output-format`."""
    if any(_mentions(value.encode()) for value in options.ruff.config):
        return True
    if options.ruff.isolated:
        return False
    candidates = [[options.cwd / value for value in options.ruff.config if "=" not in value]]
    directory = options.cwd.absolute()
    for folder in (directory, *directory.parents):
        candidates.append([folder / name for name in _CONFIG_NAMES])
    home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    candidates.append([Path(home) / "ruff" / name for name in _CONFIG_NAMES[1:]])
    for path in (p for group in candidates for p in group):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if _mentions(data):
            return True
    return False


def _mentions(data: bytes) -> bool:
    return any(word in data for word in (b"output-format", b"show-fixes", b"extend"))


def render(
    binary: str,
    options: Options,
    output_format: OutputFormat,
    env: Mapping[str, str],
    remaining: bool = True,
    given: bytes | None = None,
) -> Rendered:
    """ruff's report of `options.paths` as they are on disk now, in `output_format`;
    `remaining=False` when safefix's own run left no violation; `given`: the text of an
    editor's file (`--stdin-filename`), as safefix returns it."""
    from safefix import ruff

    clean = not remaining and options.mode is Mode.FIX and not options.statistics
    if clean and output_format in EMPTY_WHEN_CLEAN:
        return Rendered("")

    args = ["check", "--no-fix", "--no-fix-only", "--output-format", output_format.value]
    if options.no_cache:
        args.append("--no-cache")
    if options.quiet:
        args.append("--quiet")
    if options.statistics:
        args.append("--statistics")
    flags = ruff.flag_args(options.ruff, lambda value: value)
    paths = [str(p) for p in options.paths]
    text = None
    if given is not None:
        args += ["--stdin-filename", paths[0]]
        paths, text = ["-"], given.decode("utf-8", errors="replace")
    proc = ruff.run_plain(binary, [*args, *flags, "--", *paths], options.cwd, dict(env), text)
    violations = proc.returncode == 1
    if output_format not in HUMAN or options.quiet:
        return Rendered(proc.stdout, violations=violations)
    return replace(split_summary(proc.stdout), violations=violations)


def split_summary(text: str) -> Rendered:
    """ruff's human output cut before its summary; the summary's lines after `Found ...`."""
    lines = text.splitlines(keepends=True)
    for at in range(len(lines) - 1, -1, -1):
        if _SUMMARY.match(_ANSI.sub("", lines[at])):
            hints = tuple(line.rstrip("\n") for line in lines[at + 1 :])
            return Rendered("".join(lines[:at]), hints, lines[at].rstrip("\n"))
    return Rendered(text)


def with_safefix_run(ruff_sarif: str, safefix_sarif: str) -> str:
    """ruff's SARIF log with safefix's run (imports kept, no violations) as a second run."""
    log = json.loads(ruff_sarif)
    log.setdefault("runs", []).extend(json.loads(safefix_sarif)["runs"])
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
