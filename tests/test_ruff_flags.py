"""ruff's command-line flags through safefix: read, passed on, or refused; never a bypass.

Each row is a `ruff check` command line a ruff user types; safefix runs it on the incident
scenario through the real CLI, and it must either work with the load-bearing imports kept
(writing the tree only in fix mode) or be refused with one line and exit 2, the tree as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import copy_project, ruff, safefix, snapshot

from safefix import ruff_flags
from safefix.cli_parser import fix_parser

KEPT = ("KEEPALIVE", "SEEN_TTL", "_db_pool")

#: (command line after `safefix`, whether it fixes the tree)
ACCEPTED = [
    pytest.param(["--fix", "."], True, id="fix-flag"),
    pytest.param([".", "--", "--fix"], True, id="fix-after-dashes"),
    pytest.param(["--diff", ".", "--", "--fix"], False, id="diff-with-fix-after-dashes"),
    pytest.param([".", "--", "--diff"], False, id="diff-after-dashes"),
    pytest.param([".", "--", "--line-length", "100"], True, id="line-length-after-dashes"),
    pytest.param(["--line-length=100", "."], True, id="line-length-before"),
    pytest.param([".", "--", "--extend-exclude", "nothing"], True, id="extend-exclude"),
    pytest.param(["-e", "-n", "."], True, id="short-exit-zero-no-cache"),
    pytest.param(["--", "-e", "--select", "F401", "."], True, id="own-flags-and-path-after"),
    pytest.param([".", "--", "--respect-gitignore"], True, id="respect-gitignore"),
    pytest.param(["app", "-n", "tests", "--", "--fix", "app"], True, id="paths-between-flags"),
    pytest.param([".", "--", "-s"], True, id="silent-after-dashes"),
    pytest.param(["--fix-only", "."], True, id="fix-only"),
    pytest.param([".", "--", "--fix-only"], True, id="fix-only-after-dashes"),
    pytest.param(["--diff", ".", "--", "--fix-only"], False, id="fix-only-under-diff"),
    pytest.param(["--show-fixes", "."], True, id="show-fixes"),
    pytest.param([".", "--", "--no-show-fixes"], True, id="no-show-fixes-after-dashes"),
    pytest.param([".", "--", "--statistics"], True, id="statistics-after-dashes"),
    pytest.param(["--statistics", "--output-format", "json", "."], True, id="statistics-json"),
    pytest.param(["--show-files", "."], False, id="show-files"),
    pytest.param([".", "--", "--show-settings"], False, id="show-settings-after-dashes"),
    pytest.param([".", "--", "--exclude", "nothing"], True, id="exclude"),
    pytest.param([".", "--", "--per-file-ignores", "tests/*:E501"], True, id="per-file-ignores"),
    pytest.param(["--cache-dir", "elsewhere", "."], True, id="cache-dir"),
    pytest.param([".", "--", "--no-respect-gitignore"], True, id="no-respect-gitignore"),
    pytest.param(["--silent", "."], True, id="silent"),
    pytest.param(["--output-format", "full", "."], True, id="full"),
    pytest.param([".", "--", "--output-format=grouped"], True, id="grouped-after-dashes"),
]

#: (command line, a word of the one-line refusal)
REFUSED = [
    pytest.param([".", "--", "--add-noqa"], "--add-noqa", id="add-noqa-writes"),
    pytest.param(["--diff", ".", "--", "--watch"], "--watch", id="watch-under-diff"),
    pytest.param([".", "--", "--ignore-noqa"], "--ignore-noqa", id="ignore-noqa"),
    pytest.param([".", "--", "--stdin-filename", "x.py"], "--stdin-filename", id="stdin-and-path"),
    pytest.param(["--fixa", "."], "--fixa", id="no-abbreviations"),
    pytest.param(["--unsafe", "."], "--unsafe", id="unsafe-is-not-unsafe-fixes"),
    pytest.param([".", "--", "--no-such-flag"], "--no-such-flag", id="unknown"),
    pytest.param([".", "--", "--select"], "--select", id="missing-value"),
]


@pytest.mark.parametrize(("args", "fixes"), ACCEPTED)
def test_accepted_lines_keep_what_is_needed(
    incident: Path, tmp_path: Path, args: list[str], fixes: bool
) -> None:
    """ruff accepts the same line (its flags written before the paths, as ruff reads `--`)."""
    plain = ruff(copy_project(incident, tmp_path / "plain"), "check", *_for_ruff(args))
    assert plain.returncode in (0, 1), plain.stderr
    before = snapshot(incident)
    proc = safefix(incident, *args)
    assert proc.returncode in (0, 1), proc.stderr
    main = (incident / "app/main.py").read_text()
    if fixes:
        assert all(name in main for name in KEPT)
        assert "import os" not in main  # the fixes were made: only the needed imports stay
    else:
        assert snapshot(incident) == before


def _for_ruff(args: list[str]) -> list[str]:
    """The line as ruff takes it: after `--`, ruff reads only paths."""
    return [a for a in args if a != "--"]


@pytest.mark.parametrize("how", ["flag", "short", "env"])
def test_output_file_holds_the_report_stdout_would(
    incident: Path, tmp_path: Path, how: str
) -> None:
    """`-o`/`--output-file`/RUFF_OUTPUT_FILE, as ruff: the report goes to the file (its
    directory made), stdout stays empty; and ruff's own runs never get the variable, which
    would take their output away from safefix and with it every fix."""
    printed = safefix(copy_project(incident, tmp_path / "printed"), "--output-format", "json", ".")
    target = tmp_path / "reports" / "ruff.json"
    given = {"flag": ["--output-file", str(target)], "short": ["-o", str(target)], "env": []}
    env = {"RUFF_OUTPUT_FILE": str(target)} if how == "env" else None
    proc = safefix(incident, *given[how], "--output-format", "json", ".", env=env)
    assert (proc.returncode, proc.stdout) == (printed.returncode, "")
    assert target.read_text() == printed.stdout
    assert printed.stdout.startswith("[") and '"code": "F401"' not in printed.stdout
    main = (incident / "app/main.py").read_text()
    assert all(name in main for name in KEPT) and "import os" not in main


@pytest.mark.parametrize(("args", "word"), REFUSED)
def test_refused_lines_say_why_in_one_line(incident: Path, args: list[str], word: str) -> None:
    before = snapshot(incident)
    proc = safefix(incident, *args)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and word in proc.stderr.splitlines()[0]
    assert snapshot(incident) == before


def _every_flag() -> list[str]:
    return sorted(
        {*ruff_flags.PASSED_WITH_VALUE, *ruff_flags.PASSED_SWITCHES}
        | ruff_flags.UNDERSTOOD
        | set(ruff_flags.REFUSED)
    )


#: A value clap accepts for each of ruff's flags that take one.
VALUES = {
    "--output-format": "json",
    "--target-version": "py310",
    "--color": "never",
    "--line-length": "100",
    "--per-file-ignores": "a.py:F401",
    "--extend-per-file-ignores": "a.py:F401",
    "--extension": "pyw:python",
    "--config": "line-length = 100",
    "--stdin-filename": "a.py",
    **dict.fromkeys(("--cache-dir", "--output-file", "-o", "--exclude", "--extend-exclude"), "x"),
    **dict.fromkeys(("--select", "--extend-select", "--ignore", "--extend-ignore"), "F401"),
    **dict.fromkeys(("--fixable", "--extend-fixable", "--unfixable"), "F401"),
    "--dummy-variable-rgx": "_",
}


@pytest.mark.parametrize("flag", _every_flag())
def test_every_flag_in_the_tables_is_a_real_ruff_flag(tmp_path: Path, flag: str) -> None:
    """The tables name ruff's flags, not guesses: the real ruff's parser accepts each one
    (`--help` after it stops ruff before it would do anything)."""
    value = [VALUES[flag]] if flag in VALUES else []
    proc = ruff(tmp_path, "check", flag, *value, "--help")
    assert proc.returncode == 0, f"{flag}: {proc.stderr}"


def _parser_arity() -> dict[str, bool]:
    parser = fix_parser("safefix")
    return {flag: a.nargs != 0 for a in parser._actions for flag in a.option_strings}


def test_safefix_reads_every_flag_it_claims_to_understand() -> None:
    assert set(_parser_arity()) >= ruff_flags.UNDERSTOOD


@pytest.mark.parametrize(
    ("words", "own", "passed"),
    [
        pytest.param(["src", "--line-length", "9"], ["src"], ["--line-length", "9"], id="value"),
        pytest.param(["--select=F", "-e"], ["--select=F", "-e"], [], id="own-with-equals"),
        pytest.param(["--exclude=a", "b"], ["b"], ["--exclude=a"], id="passed-with-equals"),
        pytest.param(["-"], ["-"], [], id="stdin-path"),
    ],
)
def test_split_sorts_words(words: list[str], own: list[str], passed: list[str]) -> None:
    found = ruff_flags.split(words, _parser_arity())
    assert (list(found.own) + list(found.paths), list(found.ruff)) == (own, passed)


@pytest.mark.parametrize("words", [["--select", "F401"], ["src"], ["--add-noqa"]])
def test_library_ruff_args_take_settings_only(words: list[str]) -> None:
    with pytest.raises(ruff_flags.FlagError):
        ruff_flags.check_passed(words)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--diff", "--exit-zero"], id="diff"),
        pytest.param(["check", "--exit-zero"], id="check"),
        pytest.param(["--exit-zero", "--select", "F401", "--unfixable", "F401"], id="fix"),
    ],
)
def test_exit_zero_in_every_mode(incident: Path, args: list[str]) -> None:
    """As for ruff: findings, changes or violations left, and still exit 0."""
    without = safefix(incident, *[a for a in args if a != "--exit-zero"])
    assert without.returncode == 1, without.stderr  # there is something to hide
    assert safefix(incident, *args).returncode == 0
