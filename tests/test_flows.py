"""How safefix runs ruff without its cache: the sample that picks one fix of a full copy or a
lint in place and a fix of the fixable files, and the same fixes either way (real ruff, real
trees of a size where the choice is made)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import ruff, safefix, snapshot

from safefix import pipeline, workspace
from safefix import ruff as ruff_runner
from safefix.types import Options, RuffOptions

MODULES = pipeline.ONE_PASS_MIN_FILES + 20


def tree(root: Path, every: int) -> Path:
    """A package of MODULES modules, every `every`-th with an unused import ruff can remove."""
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["F401"]\n')
    (root / "pkg/__init__.py").write_text("")
    for i in range(MODULES):
        head = "import os\n" if i % every == 0 else ""
        (root / f"pkg/m{i}.py").write_text(f"{head}\n\ndef f{i}():\n    return {i}\n")
    return root


@pytest.mark.parametrize(("every", "one_pass"), [(2, True), (50, False)])
def test_a_sample_of_the_files_picks_the_flow(tmp_path: Path, every: int, one_pass: bool) -> None:
    root = tree(tmp_path / "repo", every)
    options = Options(paths=(Path("."),), cwd=root, no_cache=True)
    binary = ruff_runner.locate()
    listing = ruff_runner.FileListing(binary, ["."], [], root)
    chosen = pipeline._one_pass_pays(binary, options, listing, [])
    assert chosen is (one_pass and workspace.in_ram())
    with_cache = Options(paths=(Path("."),), cwd=root, ruff=RuffOptions())
    assert not pipeline._one_pass_pays(binary, with_cache, listing, [])


@pytest.mark.parametrize("every", [2, 50])
def test_either_flow_fixes_exactly_as_ruff(tmp_path: Path, every: int) -> None:
    ours = tree(tmp_path / "ours", every)
    theirs = tree(tmp_path / "theirs", every)
    proc = safefix(ours, "--no-cache")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ruff(theirs, "check", "--fix", "--no-cache").returncode == 0
    assert snapshot(ours) == snapshot(theirs)


def test_a_file_that_cannot_be_copied_sends_ruff_back_to_the_tree(tmp_path: Path) -> None:
    """A dangling link is a file ruff lists but nobody can read: ruff must report it (E902)
    from the user's tree, so the full copy is given up for the lint in place."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["F401", "E902"]\n')
    (root / "a.py").write_text("import os\n")
    (root / "b.py").symlink_to(tmp_path / "nowhere.py")
    proc = safefix(root, "--no-cache", env={"SAFEFIX_FLOW": "one-pass"})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "b.py:1:1: E902" in proc.stdout
    assert (root / "a.py").read_text() == ""
