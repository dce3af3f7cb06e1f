"""Which files consumers are searched in: every file git does not ignore (a walk outside git),
never build output, caches or virtualenvs; with real git and real files."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import run, write_tree

from safefix.sources import listing

TREE = {
    "app/__init__.py": "",
    "app/api.py": "",
    "migrations/m0001.py": "",
    "notebooks/explore.ipynb": "{}",
    "conf/model.yaml": "",
    ".github/workflows/ci.yml": "",
    ".mypy_cache/x.json": "",
    "bin/tool": "#!/usr/bin/env python\n",
    "docs/index.rst": "",
    "Procfile": "web: x\n",
    "build/lib/app/api.py": "",
    "dist/app.txt": "",
    "docs/_build/html/_sources/index.rst.txt": "",
    "app.egg-info/entry_points.txt": "",
    ".tox/py311/lib/site.py": "",
    "node_modules/x/README.md": "",
    "env/pyvenv.cfg": "",
    "env/lib/python3.11/site-packages/x.py": "",
    "app/__pycache__/api.cpython-311.pyc": "",
    "image.png": "",
}
LISTED_PYTHON = {"app/__init__.py", "app/api.py", "migrations/m0001.py"}
LISTED_TEXT = {
    "notebooks/explore.ipynb",
    "conf/model.yaml",
    ".github/workflows/ci.yml",
    "bin/tool",
    "docs/index.rst",
    "Procfile",
}


def _relative(paths: tuple[Path, ...], root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in paths}


def _git_init(root: Path) -> None:
    assert run(["git", "init", "-q"], root).returncode == 0


@pytest.mark.parametrize("in_git", [True, False], ids=["git", "walk"])
def test_every_source_file_and_no_build_output(tmp_path: Path, in_git: bool) -> None:
    write_tree(tmp_path, TREE)
    if in_git:
        _git_init(tmp_path)
    found = listing([tmp_path])
    assert _relative(found.python, tmp_path) == LISTED_PYTHON
    assert _relative(found.text, tmp_path) == LISTED_TEXT


def test_git_ignored_files_are_not_consumers(tmp_path: Path) -> None:
    write_tree(tmp_path, {**TREE, ".gitignore": "generated/\n*.local.yaml\n"})
    write_tree(tmp_path, {"generated/api.py": "", "generated/x.yaml": "", "conf/a.local.yaml": ""})
    _git_init(tmp_path)
    found = listing([tmp_path])
    assert _relative(found.python, tmp_path) == LISTED_PYTHON
    assert _relative(found.text, tmp_path) == {*LISTED_TEXT, ".gitignore"}


def test_a_root_its_repository_ignores_is_walked(tmp_path: Path) -> None:
    """A project inside an ignored directory of another repository (a download cache): git
    lists none of it, so its files are walked."""
    write_tree(tmp_path, {".gitignore": "cache/\n"})
    _git_init(tmp_path)
    project = tmp_path / "cache" / "project"
    write_tree(project, TREE)
    assert _relative(listing([project]).python, project) == LISTED_PYTHON
