"""The real CLI on real files: flags, modes, exit codes, output formats, bad input."""

from __future__ import annotations

import json
import stat
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from support import SCENARIOS, copy_project, ruff, safefix, safefix_json, snapshot

INCIDENT = SCENARIOS / "incident" / "repo"


@pytest.fixture
def incident(tmp_path: Path) -> Path:
    return copy_project(INCIDENT, tmp_path / "repo")


def schema() -> dict[str, object]:
    text = resources.files("safefix").joinpath("schema/report.schema.json").read_text()
    return json.loads(text)  # type: ignore[no-any-return]


def test_help_lists_exit_codes(tmp_path: Path) -> None:
    proc = safefix(tmp_path, "--help")
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    for code in ("0 =", "1 =", "2 =", "3 ="):
        assert code in text
    for flag in ("--select", "--extend-select", "--unsafe-fixes", "--config", "--diff"):
        assert flag in text


def test_text_report_names_consumers(incident: Path) -> None:
    proc = safefix(incident)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert (
        "app/main.py:8: kept KEEPALIVE for app/routers/health.py:3 "
        "(from app.main import KEEPALIVE)" in lines
    )
    assert (
        "app/main.py:8: kept SEEN_TTL for app/routers/users.py:2 (from ..main import SEEN_TTL)"
        in lines
    )
    written = (incident / "app/main.py").read_text().splitlines()
    assert written[8 - 1] == "from app.settings import KEEPALIVE, SEEN_TTL  # noqa: F401"
    assert written[9 - 1] == "from app.db import pool as _db_pool  # noqa: F401"
    assert lines[-1] == "Found 6 errors (6 fixed, 0 remaining); kept 3 imports needed elsewhere."


def test_json_report_validates_against_schema(incident: Path) -> None:
    code, report = safefix_json(incident)
    assert code == 0
    jsonschema.validate(report, schema())
    (main,) = report["files"]
    assert main["written"] is True
    assert {"code": "F401", "count": 6} in main["fixes"]
    kept = {k["name"]: k for k in main["kept"]}
    assert kept["KEEPALIVE"]["consumers"][0]["path"] == "app/routers/health.py"
    assert kept["KEEPALIVE"]["restored_with"] == "noqa: F401"


def test_json_failure_validates_against_schema(tmp_path: Path) -> None:
    code, report = safefix_json(tmp_path, "does-not-exist")
    assert code == 2
    jsonschema.validate(report, schema())
    assert "does-not-exist" in report["errors"][0]


def test_diff_writes_nothing(incident: Path) -> None:
    before = snapshot(incident)
    proc = safefix(incident, "--diff")
    assert proc.returncode == 1
    assert proc.stdout.startswith("--- app/main.py\n+++ app/main.py\n")
    assert "+from app.settings import KEEPALIVE, SEEN_TTL  # noqa: F401" in proc.stdout
    assert "Would fix 6 errors, keeping 3 imports needed elsewhere." in proc.stderr
    assert snapshot(incident) == before


def test_diff_on_clean_tree_exits_zero(incident: Path) -> None:
    assert safefix(incident).returncode == 0
    proc = safefix(incident, "--diff")
    assert (proc.returncode, proc.stdout) == (0, "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bogus"], "unexpected argument '--bogus'"),
        (["--select", "XYZ9"], "ruff failed: Unknown rule selector"),
        (["missing/"], "no such file or directory"),
        (["--", "--no-such-ruff-flag"], "unexpected argument"),
    ],
)
def test_bad_input_exits_2_and_touches_nothing(
    incident: Path, args: list[str], message: str
) -> None:
    before = snapshot(incident)
    proc = safefix(incident, *args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert snapshot(incident) == before


def test_args_after_double_dash_reach_ruff(incident: Path) -> None:
    proc = safefix(incident, ".", "--", "--unfixable", "F401")
    assert proc.returncode == 1  # nothing may be fixed, so the violations remain
    assert "F401" in proc.stdout
    assert (incident / "app/main.py").read_bytes() == (INCIDENT / "app/main.py").read_bytes()


def test_missing_ruff_binary(incident: Path) -> None:
    before = snapshot(incident)
    proc = safefix(incident, env={"SAFEFIX_RUFF": str(incident / "no-ruff-here")})
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: cannot run ruff")
    assert snapshot(incident) == before


def test_crashing_ruff(incident: Path, tmp_path: Path) -> None:
    fake = tmp_path / "fake-ruff"
    fake.write_text("#!/bin/sh\necho 'thread main panicked at boom' >&2\nexit 101\n")
    fake.chmod(0o755)
    before = snapshot(incident)
    proc = safefix(incident, env={"SAFEFIX_RUFF": str(fake)})
    assert proc.returncode == 2
    assert proc.stderr == "error: ruff failed: thread main panicked at boom\n"
    assert snapshot(incident) == before


def test_restore_with_noqa_instead_of_all(tmp_path: Path) -> None:
    repo = copy_project(SCENARIOS / "dunder-all" / "repo", tmp_path / "repo")
    code, report = safefix_json(repo, "--restore-with", "noqa")
    assert code == 0
    assert report["files"][0]["kept"][0]["restored_with"] == "noqa: F401"
    text = (repo / "app/api.py").read_text()
    assert "from app.models import Model  # noqa: F401" in text
    assert '"Model"' not in text


def test_config_file_flag_is_honoured(incident: Path) -> None:
    (incident / "alt.toml").write_text('[lint]\nselect = ["F401"]\nunfixable = ["F401"]\n')
    proc = safefix(incident, "--config", "alt.toml")
    assert proc.returncode == 1
    assert (incident / "app/main.py").read_bytes() == (INCIDENT / "app/main.py").read_bytes()


def test_keeps_mode_bom_and_crlf(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    (repo / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["F401"]\n')
    (repo / "pkg/__init__.py").write_bytes(b"")
    source = b"\xef\xbb\xbfimport os\r\nimport sys\r\n\r\nX = 1\r\n"
    target = repo / "pkg/mod.py"
    target.write_bytes(source)
    target.chmod(0o754)
    (repo / "pkg/user.py").write_bytes(b"def f():\n    from pkg.mod import sys\n    return sys\n")
    proc = safefix(repo)
    assert proc.returncode == 0, proc.stderr
    assert target.read_bytes() == b"\xef\xbb\xbfimport sys  # noqa: F401\r\n\r\nX = 1\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o754


def test_unparsable_file_counts_as_a_consumer(tmp_path: Path) -> None:
    """A file that does not parse may consume anything it names: keep rather than guess."""
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["F401"]\n')
    (repo / "app/__init__.py").write_text("")
    (repo / "app/core.py").write_text("import os\nfrom json import dumps\n")
    (repo / "app/broken.py").write_text("from app.core import dumps\ndef f(:\n")
    code, report = safefix_json(repo)
    assert code == 1  # ruff reports the syntax error as remaining
    kept = report["files"][0]["kept"]
    assert [(k["name"], k["consumers"][0]["kind"]) for k in kept] == [("dumps", "unparsed-file")]
    assert report["files"][0]["removed"][0]["name"] == "os"


def test_links_are_written_through_once_and_never_outside(tmp_path: Path) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    (repo / "pkg").mkdir(parents=True)
    outside.mkdir()
    (repo / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["F401"]\n')
    (repo / "pkg/real.py").write_text("import os\n")
    (repo / "pkg/alias.py").symlink_to("real.py")
    (outside / "o.py").write_text("import sys\n")
    (repo / "pkg/out.py").symlink_to(outside / "o.py")
    proc = safefix(repo)
    assert proc.returncode == 3
    assert (
        proc.stderr
        == f"error: pkg/out.py: is a link to {outside / 'o.py'}, outside the project; left alone\n"
    )
    assert (repo / "pkg/real.py").read_text() == ""
    assert (repo / "pkg/alias.py").is_symlink()
    assert (outside / "o.py").read_text() == "import sys\n"


def test_why_lists_every_consumer(tmp_path: Path) -> None:
    repo = copy_project(SCENARIOS / "dotted-strings" / "repo", tmp_path / "repo")
    proc = safefix(repo, "why", "app.api:getcwd")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "tests/test_api.py:14: getattr mock.patch.object(app.api, 'getcwd')",
        "app.api:getcwd: 1 consumer",
    ]
    proc = safefix(repo, "why", "app.nothing:x")
    assert proc.returncode == 2
    assert "no such module" in proc.stderr
    proc = safefix(repo, "why", "app.api:no_such_name")
    assert proc.returncode == 2
    assert "app.api does not define no_such_name" in proc.stderr
    proc = safefix(repo, "why", "--output-format", "sarif", "app.api:getcwd")
    assert proc.returncode == 2


def test_check_reports_unprotected_reexports_until_safefix_runs(incident: Path) -> None:
    before = snapshot(incident)
    proc = safefix(incident, "check", "--contracts-only")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("app/main.py:13: SF001 KEEPALIVE is needed elsewhere")
    assert lines[0].endswith("needed by app/routers/health.py:3 (from app.main import KEEPALIVE)")
    assert lines[-1] == "Found 3 problems."
    assert snapshot(incident) == before
    assert safefix(incident).returncode == 0
    after = safefix(incident, "check", "--contracts-only")
    assert (after.returncode, after.stdout) == (
        0,
        "All checks passed: every load-bearing import is protected.\n",
    )


@pytest.mark.parametrize("command", [["check"], ["--no-fix"], [".", "--", "--no-fix"]])
def test_check_lints_like_ruff_and_adds_its_findings(incident: Path, command: list[str]) -> None:
    """ruff's lint of the tree as it is (nothing written), then safefix's SF001 findings,
    ruff's summary counting them, ruff's hints; the exit codes are ruff's."""
    before = snapshot(incident)
    theirs = ruff(incident, "check", "--no-fix", "--output-format", "concise")
    proc = safefix(incident, *command, "--output-format", "concise")
    assert (proc.returncode, theirs.returncode) == (1, 1)
    assert snapshot(incident) == before
    body = theirs.stdout.split("Found ")[0]
    assert proc.stdout.startswith(body)
    mine = proc.stdout[len(body) :].splitlines()
    assert [line.split(" ")[1] for line in mine[:3]] == ["SF001"] * 3
    assert mine[3:] == [
        "Found 9 errors; 3 import contracts unprotected or broken (SF00x).",
        "[*] 9 fixable with `--fix`.",
    ]
    machine = safefix(incident, *command, "--output-format", "json")
    assert machine.stdout == ruff(incident, "check", "--no-fix", "--output-format", "json").stdout
    assert "SF001" in machine.stderr


def test_check_exit_codes_are_ruffs(tmp_path: Path) -> None:
    """No finding of safefix's: ruff's lint alone decides, as for `ruff check`."""
    (tmp_path / "pyproject.toml").write_text("[tool.ruff.lint]\nselect = ['F']\n")
    (tmp_path / "a.py").write_text("x = undefined_name\n")
    proc = safefix(tmp_path, "check")
    assert proc.returncode == ruff(tmp_path, "check").returncode == 1
    (tmp_path / "a.py").write_text("x = 1\n")
    clean = safefix(tmp_path, "check")
    assert (clean.returncode, clean.stdout) == (0, "All checks passed!\n")
    assert safefix(tmp_path, "check", "--exit-zero").returncode == 0


def test_subcommands_have_their_own_help_and_a_path_after_dashes_is_a_path(
    incident: Path,
) -> None:
    check = safefix(incident, "check", "--help")
    assert check.returncode == 0 and "SF001" in check.stdout and "--diff" not in check.stdout
    assert safefix(incident, "help", "check").stdout == check.stdout
    assert "MODULE:NAME" in safefix(incident, "why", "--help").stdout
    assert safefix(incident, "version").stdout.startswith("safefix ")
    assert safefix(incident, "check", "--diff").returncode == 2  # a fix flag: not check's
    (incident / "check").mkdir()
    (incident / "check/m.py").write_text("import os\n")
    proc = safefix(incident, "--", "check")
    assert proc.returncode == 0, proc.stderr
    assert (incident / "check/m.py").read_text() == ""


def test_check_finds_partial_fallbacks_and_missing_names(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["F401"]\n')
    (repo / "app/__init__.py").write_text("")
    (repo / "app/compat.py").write_text(
        "try:\n    from json import dumps, loads\nexcept ImportError:\n    from simplejson import dumps\n"
    )
    (repo / "app/api.py").write_text(
        "from app.compat import dumps, loads\nfrom app.compat import nothing_here\n\nprint(dumps, loads, nothing_here)\n"
    )
    code, report = safefix_json(repo, "check")
    assert code == 1
    jsonschema.validate(report, schema())
    found = [
        (f["path"], f["line"], f["code"], [c["line"] for c in f["consumers"]])
        for f in report["findings"]
    ]
    assert found == [
        ("app/api.py", 2, "missing", [2]),
        ("app/compat.py", 1, "fallback", [1]),
        ("app/compat.py", 4, "unprotected", [1]),  # ruff deletes the except-branch import
    ]


def test_verify_cmd_leaves_the_breaking_file_alone(tmp_path: Path) -> None:
    repo = copy_project(SCENARIOS / "import-cycle-order" / "repo", tmp_path / "repo")
    # `globals()` at the top of app: the static order model cannot tell what app binds, so
    # only the command finds the sorted order failing
    init = repo / "app/__init__.py"
    init.write_text(init.read_text() + "_NAMES = globals()\n")
    command = f"{sys.executable} -c 'import app'"
    code, report = safefix_json(repo, "--verify-cmd", command)
    assert code == 3
    by_path = {f["path"]: f for f in report["files"]}
    assert by_path["app/__init__.py"]["error"] == f"its fixes make `{command}` fail; left unchanged"
    assert by_path["app/util.py"]["written"] is True
    assert (repo / "app/__init__.py").read_text() == (
        SCENARIOS / "import-cycle-order/repo/app/__init__.py"
    ).read_text() + "_NAMES = globals()\n"
