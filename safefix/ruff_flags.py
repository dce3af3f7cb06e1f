"""Which of `ruff check`'s flags may reach ruff through `--`, and which safefix must read itself.

Everything after `--` used to go to every ruff run verbatim, including the lint that runs in
the user's tree: `safefix . -- --fix` made that lint fix files in place, load-bearing imports
and all. So each flag of `ruff check` is in exactly one of three sets: flags that only shape
ruff's settings (passed on), flags that safefix's own parser understands (read by safefix,
with ruff's meaning, wherever they stand), and flags that change what ruff does or prints
(refused with one line until safefix supports them). A flag in none of them is refused too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: Settings-only flags that take a value; passed to every ruff run as given.
PASSED_WITH_VALUE = frozenset(
    {
        "--line-length",
        "--dummy-variable-rgx",
        "--per-file-ignores",
        "--extend-per-file-ignores",
        "--exclude",
        "--extend-exclude",
        "--extension",
        "--cache-dir",
        "--color",
    }
)
#: Settings-only switches; passed to every ruff run.
PASSED_SWITCHES = frozenset(
    {
        "--respect-gitignore",
        "--no-respect-gitignore",
        "--no-force-exclude",
        "--no-fix-only",
    }
)
#: ruff's flags that safefix's parser reads itself, with ruff's meaning.
UNDERSTOOD = frozenset(
    {
        "--fix",
        "--diff",
        "--unsafe-fixes",
        "--no-unsafe-fixes",
        "--preview",
        "--no-preview",
        "--isolated",
        "--force-exclude",
        "--no-cache",
        "-n",
        "--exit-zero",
        "-e",
        "--exit-non-zero-on-fix",
        "--quiet",
        "-q",
        "--silent",
        "-s",
        "--verbose",
        "-v",
        "--select",
        "--extend-select",
        "--ignore",
        "--extend-ignore",
        "--fixable",
        "--extend-fixable",
        "--unfixable",
        "--config",
        "--target-version",
        "--output-format",
        "--stdin-filename",
        "--fix-only",
        "--show-fixes",
        "--no-show-fixes",
        "--statistics",
        "--show-files",
        "--show-settings",
        "--watch",
        "-w",
        "--no-fix",
    }
)
#: Flags that change what ruff does or prints; safefix does not support them yet.
REFUSED = {
    "--add-noqa": "it writes into the tree; run `ruff check --add-noqa` itself",
    "--add-ignore": "it writes into the tree; run `ruff check --add-ignore` itself",
    "--ignore-noqa": "safefix keeps imports with `# noqa`, which this would ignore",
    "--help": "see `safefix --help`",
    "-h": "see `safefix --help`",
}


class FlagError(ValueError):
    """A flag that safefix will not pass to ruff: one line for the user."""


@dataclass(frozen=True)
class Split:
    """A command line sorted: safefix's flags (with their values) and paths, for its parser;
    and the flags for every ruff run."""

    own: tuple[str, ...]
    ruff: tuple[str, ...]
    paths: tuple[str, ...] = ()


def split(words: Sequence[str], own: Mapping[str, bool]) -> Split:
    """Sort `words` (before or after `--`): `own` maps safefix's option strings to whether
    they take a value; paths stay with safefix. Raises FlagError for a flag that must not
    reach ruff."""
    mine: list[str] = []
    passed: list[str] = []
    paths: list[str] = []
    rest = list(words)
    while rest:
        word = rest.pop(0)
        if not word.startswith("-") or word == "-":
            paths.append(word)
            continue
        flag, equals, _ = word.partition("=")
        needs = own[flag] if flag in own else _passed_takes_value(flag)
        target = mine if flag in own else passed
        target.append(word)
        if needs and not equals:
            if not rest:
                raise FlagError(f"a value is required for '{flag}' but none was supplied")
            target.append(rest.pop(0))
    return Split(tuple(mine), tuple(passed), tuple(paths))


def check_passed(words: Sequence[str]) -> None:
    """Refuse, in a list meant for ruff verbatim (the library's `ruff_args`), anything but the
    settings-only flags."""
    found = split(words, {})
    for word in (*found.own, *found.paths):
        raise FlagError(f"'{word}' cannot be passed to ruff verbatim; use safefix's own option")


def _passed_takes_value(flag: str) -> bool:
    """Whether a flag safefix passes on takes a value; FlagError when it is not passed on."""
    if flag in PASSED_WITH_VALUE:
        return True
    if flag in PASSED_SWITCHES:
        return False
    if flag in UNDERSTOOD:
        raise FlagError(f"'{flag}' cannot be passed to ruff verbatim; use safefix's own option")
    if flag in REFUSED:
        raise FlagError(f"ruff's '{flag}' is not supported by safefix: {REFUSED[flag]}")
    raise FlagError(f"unexpected argument '{flag}' (not a `ruff check` flag safefix can pass on)")
