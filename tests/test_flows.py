"""How safefix runs ruff without its cache: the sample that picks one fix of a full copy or a
lint in place and a fix of the fixable files, and the same fixes either way (real ruff, real
trees of a size where the choice is made)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import ruff, safefix, safefix_json, snapshot

from safefix import flows, workspace
from safefix import ruff as ruff_runner
from safefix.types import Options, RuffOptions

MODULES = flows.ONE_PASS_MIN_FILES + 20


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
    chosen = flows.one_pass_pays(binary, options, listing, [])
    assert chosen is (one_pass and workspace.in_ram())
    with_cache = Options(paths=(Path("."),), cwd=root, ruff=RuffOptions())
    assert not flows.one_pass_pays(binary, with_cache, listing, [])


@pytest.mark.parametrize("every", [2, 50])
def test_either_flow_fixes_exactly_as_ruff(tmp_path: Path, every: int) -> None:
    ours = tree(tmp_path / "ours", every)
    theirs = tree(tmp_path / "theirs", every)
    code, report = safefix_json(ours, "--no-cache")
    assert code == 0, report
    one_pass = every == 2 and workspace.in_ram()
    assert report["flow"] == ("one-pass" if one_pass else "lint-then-fix")
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
    proc = safefix(
        root, "--no-cache", "--output-format", "concise", env={"SAFEFIX_FLOW": "one-pass"}
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "b.py:1:1: E902" in proc.stdout
    assert (root / "a.py").read_text() == ""
    (root / "a.py").write_text("import os\n")
    code, report = safefix_json(root, "--no-cache", env={"SAFEFIX_FLOW": "one-pass"})
    assert (code, report["flow"]) == (1, "lint-then-fix")


def test_an_unknown_forced_flow_is_a_usage_error(tmp_path: Path) -> None:
    root = small(tmp_path / "repo", 2)
    before = snapshot(root)
    proc = safefix(root, env={"SAFEFIX_FLOW": "sideways"})
    assert proc.returncode == 2
    assert proc.stderr == (
        "error: SAFEFIX_FLOW=sideways: expected one of lint-then-fix, one-pass, stdin\n"
    )
    assert snapshot(root) == before


def small(root: Path, fixable: int) -> Path:
    """A project of 8 modules, `fixable` of them with an import ruff removes."""
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["F401"]\n')
    for i in range(8):
        (root / f"pkg/m{i}.py").write_text(("import os\n" if i < fixable else "") + f"X = {i}\n")
    return root


@pytest.mark.parametrize(
    ("warm", "fixable", "forced", "flow"),
    [
        (False, 2, None, "lint-then-fix"),  # cold: the lint is slow, stand-ins are made beside it
        (True, 2, None, "stdin"),  # warm, a few files: no scratch at all
        (True, 4, None, "stdin"),
        (True, 5, None, "lint-then-fix"),  # more: a process a file costs more than a scratch
        (True, 5, "stdin", "stdin"),
        (True, 2, "lint-then-fix", "lint-then-fix"),
        (True, 0, None, None),  # the warm lint finds nothing to fix: no flow runs
    ],
)
def test_the_flow_is_chosen_in_one_place_and_reported(
    tmp_path: Path, warm: bool, fixable: int, forced: str | None, flow: str | None
) -> None:
    root = small(tmp_path / "repo", fixable)
    if warm:
        assert ruff(root, "check", "--exit-zero", "-q", ".").returncode == 0
    env = {"SAFEFIX_FLOW": forced} if forced else {}
    code, report = safefix_json(root, env=env)
    assert (code, report["flow"]) == (0, flow), report
    assert report["summary"]["fixed"] == fixable
    assert all((root / f"pkg/m{i}.py").read_text() == f"X = {i}\n" for i in range(8))
