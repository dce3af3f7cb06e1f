"""One option table for the CLI and the library: each of its options is a flag of the CLI
and a keyword of `safefix.run()`, and reaches the run's `Options`."""

from __future__ import annotations

import inspect
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

import safefix
from safefix import api, options
from safefix.cli_parser import fix_parser

#: A value other than the default, for each option of the table.
NOT_DEFAULT: dict[str, Any] = {
    **{name: ["F401"] for name in options.RUFF_LISTS},
    **dict.fromkeys(("unsafe_fixes", "preview", "show_fixes", "verify"), True),
    "target_version": "py310",
    "verify_cmd": "true",
    "restore_with": "noqa",
    "project_root": "sub",
    "output_format": "concise",
}


def _dests() -> set[str]:
    parsers = [fix_parser("safefix"), fix_parser("safefix check", check=True)]
    return {a.dest for p in parsers for a in p._actions} - {"help", "version"}


def test_the_cli_has_a_flag_for_each_option_and_no_other() -> None:
    assert _dests() == (set(options.NAMES) - {"check"}) | options.CLI_ONLY


def test_the_library_has_a_keyword_for_each_option() -> None:
    keywords = set(inspect.signature(api.run).parameters) - {"paths", "cwd", "ruff_args"}
    assert keywords == set(options.NAMES)


def test_safefix_run_has_the_api_signature() -> None:
    """Written out in the package's __init__ (importing api there would slow every start)."""
    ours = inspect.signature(safefix.run).parameters
    theirs = inspect.signature(api.run).parameters
    assert [(p.name, p.kind, p.default) for p in ours.values()] == [
        (p.name, p.kind, p.default) for p in theirs.values()
    ]


@pytest.mark.parametrize("name", options.NAMES)
def test_each_option_reaches_the_run(name: str, tmp_path: Path) -> None:
    default = options.build({}, paths=["."], cwd=tmp_path)
    changed = options.build({name: NOT_DEFAULT.get(name, True)}, paths=["."], cwd=tmp_path)
    assert asdict(changed.options) != asdict(default.options) or (
        changed.choices() != default.choices()
    )


def test_error_classes_are_exported(tmp_path: Path) -> None:
    from safefix.config import ConfigError
    from safefix.ruff import RuffError
    from safefix.session import UsageError

    assert (safefix.UsageError, safefix.RuffError, safefix.ConfigError) == (
        UsageError,
        RuffError,
        ConfigError,
    )
    with pytest.raises(safefix.UsageError, match="no such file"):
        safefix.run("missing", cwd=tmp_path)
    with pytest.raises(AttributeError):
        _ = safefix.NoSuchError


def test_library_takes_the_flags_the_cli_takes(incident: Path) -> None:
    result = safefix.run(incident / "app", cwd=incident, diff=True, extend_ignore=["E501"])
    assert int(result.exit_code()) == 1
    assert result.to_json()["summary"]["kept"] == 3
    only = safefix.run("app", cwd=incident, fix_only=True, exit_zero=True, no_cache=True)
    assert only.to_json()["summary"]["files_written"] == 1
