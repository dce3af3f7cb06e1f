"""ruff's output through safefix: what remains is ruff's own report of the tree safefix wrote,
in every format of ruff's, byte for byte; safefix's notes are added beside it, and every line
number safefix prints names the file as it is on disk after the command.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from support import SCENARIOS, copy_project, ruff, ruff_bin, safefix, snapshot

from safefix import ruff_report
from safefix.types import OutputFormat

#: A violation ruff cannot fix (F821), one it fixes only unsafely (E711: its hint), beside the
#: incident's load-bearing imports.
EXTRA = "def f():\n    return undefined_name\n\n\nif f() == None:\n    pass\n"
ARGS = ("--extend-select", "F821,E711")
KEPT = ("KEEPALIVE", "SEEN_TTL", "_db_pool")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    tree = copy_project(SCENARIOS / "incident" / "repo", tmp_path / "repo")
    (tree / "app/extra.py").write_text(EXTRA)
    return tree


def _ruffs_after(tree: Path, output_format: str) -> str:
    """ruff's `check --fix` on the tree safefix left: the same fixes are made, so ruff fixes
    nothing more (checked) and reports what remains."""
    before = snapshot(tree)
    proc = ruff(tree, "check", "--fix", "--no-cache", *ARGS, "--output-format", output_format)
    assert proc.returncode == 1, proc.stderr
    assert snapshot(tree) == before
    return proc.stdout


@pytest.mark.parametrize("output_format", sorted(f.value for f in ruff_report.RUFF_FORMATS))
def test_remaining_violations_are_ruffs_own_output(project: Path, output_format: str) -> None:
    proc = safefix(project, "--no-cache", *ARGS, "--output-format", output_format)
    assert proc.returncode == 1, proc.stderr
    main = (project / "app/main.py").read_text()
    assert all(name in main for name in KEPT)
    theirs = _ruffs_after(project, output_format)
    ours = proc.stdout
    fmt = OutputFormat(output_format)
    if fmt in ruff_report.HUMAN:  # ruff's diagnostics, safefix's notes, summary, ruff's hints
        body = ruff_report.split_summary(theirs)
        assert body.hints == ("1 unsafe fix available with `--fix --unsafe-fixes`.",)
        assert ours.startswith(body.body)
        assert "kept KEEPALIVE for app/routers/health.py:3" in ours[len(body.body) :]
        assert ours.splitlines()[-2:] == [
            "Found 8 errors (6 fixed, 2 remaining); kept 3 imports needed elsewhere.",
            *body.hints,
        ]
    elif fmt is OutputFormat.SARIF:  # ruff's run, then safefix's
        ruffs, ours_run = json.loads(ours)["runs"]
        assert ruffs == json.loads(theirs)["runs"][0]
        assert {r["ruleId"] for r in ours_run["results"]} == {"safefix/kept"}
    elif fmt in (OutputFormat.PYLINT, OutputFormat.GITHUB):  # ruff's lines, then safefix's
        assert ours.startswith(theirs)
        assert "kept KEEPALIVE" in ours[len(theirs) :]
    else:  # machine formats: stdout is ruff's alone; safefix's notes on stderr
        assert ours == theirs
        assert "kept KEEPALIVE for app/routers/health.py:3" in proc.stderr


def test_the_format_is_chosen_as_ruff_chooses_it(project: Path, tmp_path: Path) -> None:
    """RUFF_OUTPUT_FORMAT, then the config's output-format, then ruff's default (full)."""
    other = copy_project(project, tmp_path / "other")
    by_env = safefix(project, *ARGS, env={"RUFF_OUTPUT_FORMAT": "concise"})
    assert (
        by_env.stdout.splitlines()[0] == "app/extra.py:2:12: F821 Undefined name `undefined_name`"
    )
    config = other / "pyproject.toml"
    config.write_text(
        config.read_text().replace("[tool.ruff]", '[tool.ruff]\noutput-format = "grouped"')
    )
    assert "output-format" in config.read_text()
    by_config = safefix(other, *ARGS)
    assert by_config.stdout.splitlines()[:2] == [
        "app/extra.py:",
        "  2:12 F821 Undefined name `undefined_name`",
    ]


def test_default_format_is_ruffs_full(project: Path) -> None:
    proc = safefix(project, *ARGS)
    assert proc.stdout.startswith("F821 Undefined name `undefined_name`\n --> app/extra.py:2:12\n")


def test_ruff_cache_dir_from_the_environment_is_ruffs(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "elsewhere"
    proc = safefix(project, *ARGS, env={"RUFF_CACHE_DIR": str(cache)})
    assert proc.returncode == 1, proc.stderr
    assert cache.is_dir()
    assert not (project / ".ruff_cache").exists()


@pytest.mark.parametrize("args", [["--diff"], []], ids=["diff", "fix"])
def test_kept_lines_name_the_line_on_disk(project: Path, args: list[str]) -> None:
    """--diff writes nothing: the kept import's line is the original's; a fix names the line
    of the written file."""
    proc = safefix(project, *args, "--output-format", "concise")
    shown = [line for line in (proc.stdout + proc.stderr).splitlines() if ": kept " in line]
    assert len(shown) == 3
    for line in shown:
        path, number, rest = line.split(":", 2)
        name = rest.split()[1]
        on_disk = (project / path).read_text().splitlines()[int(number) - 1]
        assert "import" in on_disk and name in on_disk, (line, on_disk)


def test_quiet_prints_ruffs_diagnostics_only_and_silent_nothing(
    project: Path, tmp_path: Path
) -> None:
    other = copy_project(project, tmp_path / "other")
    quiet = safefix(project, *ARGS, "-q", "--output-format", "concise")
    assert quiet.returncode == 1
    assert quiet.stdout == (
        "app/extra.py:2:12: F821 Undefined name `undefined_name`\n"
        "app/extra.py:5:11: E711 Comparison to `None` should be `cond is None`\n"
    )
    silent = safefix(other, *ARGS, "-s")
    assert (silent.returncode, silent.stdout) == (1, "")


COLOUR_VARIABLES = {"NO_COLOR", "FORCE_COLOR", "CLICOLOR", "CLICOLOR_FORCE"}
COLOUR = [
    pytest.param({}, False, False, id="pipe"),
    pytest.param({}, True, True, id="terminal"),
    pytest.param({"CLICOLOR": "0"}, True, False, id="clicolor-0"),
    pytest.param({"NO_COLOR": "1"}, True, False, id="no-color"),
    pytest.param({"NO_COLOR": ""}, True, True, id="empty-no-color"),
    pytest.param({"FORCE_COLOR": "1"}, False, True, id="force-color"),
    pytest.param({"FORCE_COLOR": ""}, False, False, id="empty-force-color"),
    pytest.param({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False, id="no-color-wins"),
    pytest.param({"CLICOLOR_FORCE": "1"}, False, True, id="clicolor-force"),
]


@pytest.mark.parametrize(("env", "tty", "wanted"), COLOUR)
def test_colour_is_decided_as_ruff_decides(env: dict[str, str], tty: bool, wanted: bool) -> None:
    assert ruff_report.colour_wanted(env, tty) is wanted


@pytest.mark.parametrize(("env", "tty", "wanted"), [p.values for p in COLOUR if not p.values[1]])
def test_colour_table_agrees_with_the_real_ruff(
    tmp_path: Path, env: dict[str, str], tty: bool, wanted: bool
) -> None:
    """The rows without a terminal, against ruff itself (a pipe is what a test can give)."""
    (tmp_path / "a.py").write_text("import os\n")
    base = {k: v for k, v in os.environ.items() if k not in COLOUR_VARIABLES}
    proc = subprocess.run(
        [ruff_bin(), "check", "--isolated", "--no-cache", "a.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**base, **env},
        check=False,
    )
    assert ("\x1b[" in proc.stdout) is wanted


@pytest.mark.parametrize("output_format", sorted(f.value for f in ruff_report.EMPTY_WHEN_CLEAN))
def test_formats_skipped_when_clean_print_nothing_in_ruff(
    tmp_path: Path, output_format: str
) -> None:
    """The fast path's table: where safefix's run left no violation it does not ask ruff to
    render, because for these formats ruff prints nothing but its summary."""
    (tmp_path / "a.py").write_text("import os\n\nprint(os.sep)\n")
    proc = ruff(tmp_path, "check", "--isolated", "--no-cache", "--output-format", output_format)
    assert proc.returncode == 0
    assert ruff_report.split_summary(proc.stdout).body == ""


def test_a_clean_run_prints_safefix_notes_and_summary(incident: Path) -> None:
    proc = safefix(incident, "--output-format", "concise")
    assert proc.returncode == 0
    assert proc.stdout.splitlines()[-1] == (
        "Found 6 errors (6 fixed, 0 remaining); kept 3 imports needed elsewhere."
    )
    again = safefix(incident, "--output-format", "json")
    assert (again.returncode, again.stdout) == (0, "[]")  # ruff's own, for a clean tree


@pytest.mark.parametrize("how", ["flag", "config"])
def test_show_fixes_as_ruff_shows_them(tmp_path: Path, how: str) -> None:
    """Where nothing is load-bearing, safefix's output is ruff's, fix summary and all; the
    setting is read from ruff's config as well as from the flag."""
    trees = []
    for name in ("ruff", "safefix"):
        tree = tmp_path / name
        tree.mkdir()
        (tree / "a.py").write_text("import os\nimport sys\n\nx = undefined\n")
        (tree / "b.py").write_text("import json\n")
        if how == "config":
            (tree / "ruff.toml").write_text("show-fixes = true\n")
        trees.append(tree)
    flag = ["--show-fixes"] if how == "flag" else []
    theirs = ruff(trees[0], "check", "--fix", *flag, "--output-format", "concise")
    ours = safefix(trees[1], *flag, "--output-format", "concise")
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout)
    assert "    2 \u00d7 F401 (unused-import)" in ours.stdout


def test_fix_only_neither_reports_nor_fails_for_what_remains(project: Path) -> None:
    proc = safefix(project, *ARGS, "--fix-only")
    assert proc.returncode == 0, proc.stderr
    assert "F821" not in proc.stdout and "E711" not in proc.stdout
    assert proc.stdout.splitlines()[-1] == "Fixed 6 errors; kept 3 imports needed elsewhere."
    assert "KEEPALIVE" in (project / "app/main.py").read_text()


def test_statistics_are_ruffs_of_the_tree_written(project: Path) -> None:
    proc = safefix(project, *ARGS, "--statistics", "--output-format", "concise")
    assert proc.returncode == 1, proc.stderr
    theirs = ruff(
        project, "check", "--no-cache", *ARGS, "--statistics", "--output-format", "concise"
    )
    stats = ruff_report.split_summary(theirs.stdout)
    assert stats.body == "1\tE711\tnone-comparison\n1\tF821\tundefined-name\n"
    assert proc.stdout.startswith(stats.body)
