"""Parsing ruff's concise report and `--show-fixes` summary (text captured from ruff 0.17;
the fix summary names rules code-first, or name-first under `--preview`)."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from safefix import ruff
from safefix.ruff_output import parse_fix_output

OUTPUT = """\
app/main.py:4:5: F821 Undefined name `undefined`
/elsewhere/bad.py:3:1: invalid-syntax: unexpected EOF while parsing

Fixed 5 errors:
- app/main.py:
    3 \u00d7 F401 (unused-import)
    1 \u00d7 I001 (unsorted-imports)
- app/x.py:
    1 \u00d7 unused-import (F401)

Found 7 errors (5 fixed, 2 remaining).
"""


def test_parse_fix_output() -> None:
    cwd = Path("/work")
    run = parse_fix_output(OUTPUT, cwd)
    assert [(d.path, d.line, d.col, d.code) for d in run.remaining] == [
        (cwd / "app/main.py", 4, 5, "F821"),
        (Path("/elsewhere/bad.py"), 3, 1, "invalid-syntax"),
    ]
    assert run.remaining[0].message == "Undefined name `undefined`"
    assert run.fixed == {cwd / "app/main.py": {"F401": 3, "I001": 1}, cwd / "app/x.py": {"F401": 1}}


def test_a_file_listing_started_early_reads_like_show_files(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "a.py").write_text("import os\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/b.py").write_text("")
    binary = ruff.locate()
    listing = ruff.FileListing(binary, ["."], [], tmp_path)
    assert sorted(listing.files()) == sorted(ruff.show_files(binary, ["."], [], tmp_path))
    assert sorted(p.name for p in ruff.show_files(binary, ["."], [], tmp_path)) == [
        "a.py",
        "b.py",
        "pyproject.toml",
    ]


def slow_ruff(tmp_path: Path) -> str:
    """A ruff that would take half a minute to say anything."""
    slow = tmp_path / "slow-ruff"
    slow.write_text("#!/bin/sh\nexec sleep 30\n")
    slow.chmod(0o755)
    return str(slow)


def test_a_file_listing_can_be_cancelled(tmp_path: Path) -> None:
    listing = ruff.FileListing(slow_ruff(tmp_path), ["."], [], tmp_path)
    process = listing._started.proc
    assert process.poll() is None
    started = time.monotonic()
    listing.cancel()
    assert time.monotonic() - started < 10, "cancel must not wait for ruff to finish"
    assert process.returncode == -signal.SIGKILL  # killed, and reaped: no zombie left
    listing.cancel()  # twice is harmless: a run cancels on every way out
    assert process.returncode == -signal.SIGKILL


def test_a_fix_runs_while_the_caller_works(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import os\n")
    flags = ["--isolated", "--select", "F401"]
    fixing = ruff.Fix(ruff.locate(), ["a.py"], flags, tmp_path)
    while fixing.running():  # the caller's own work would go here
        time.sleep(0.001)
    found = fixing.result()
    assert found.fixed == {tmp_path / "a.py": {"F401": 1}}
    assert (tmp_path / "a.py").read_text() == ""
    slow = ruff.Fix(slow_ruff(tmp_path), ["a.py"], [], tmp_path)
    assert slow.running()
    slow.cancel()
    assert not slow.running()
    assert not ruff.Fix(ruff.locate(), [], [], tmp_path).running()  # nothing to fix: no process


def test_long_file_lists_are_split_across_ruff_runs() -> None:
    """A big tree's every file, one command line each run: never more than the kernel takes."""
    paths = [f"package/subpackage/module_{i:06}.py" for i in range(100_000)]
    chunks = ruff._chunks(paths)
    assert len(chunks) > 1
    assert [path for chunk in chunks for path in chunk] == paths
    budget = ruff._argument_budget()
    assert all(sum(len(path) + 9 for path in chunk) <= budget for chunk in chunks)
    assert ruff._chunks(paths[:10]) == [paths[:10]]
    assert ruff._chunks([]) == []
