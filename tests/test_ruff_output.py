"""Parsing ruff's concise report and `--show-fixes` summary (text captured from ruff 0.17;
the fix summary names rules code-first, or name-first under `--preview`)."""

from __future__ import annotations

from pathlib import Path

from safefix import ruff
from safefix.ruff import parse_fix_output

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


def test_a_file_listing_can_be_cancelled(tmp_path: Path) -> None:
    listing = ruff.FileListing(ruff.locate(), ["."], [], tmp_path)
    listing.cancel()
    listing.cancel()  # twice is harmless: a run cancels on every way out


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
