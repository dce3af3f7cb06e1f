"""safefix's version: derived from git by setuptools-scm at build time, shown by `--version`,
and part of the index cache's key, so that every build starts a fresh cache."""

from __future__ import annotations

import importlib.metadata
import re
import sys
from pathlib import Path

import pytest
from packaging.version import Version
from support import SCENARIOS, copy_project, run, safefix

import safefix as package
from safefix import cache
from safefix.cache import CACHE_DIR_NAME
from safefix.modules import ModuleMap


def test_version_is_the_installed_distributions() -> None:
    assert package.__version__ == importlib.metadata.version("safefix")
    assert package.__version__ != "0+unknown", "safefix/_version.py was not generated"
    Version(package.__version__)  # PEP 440, as setuptools-scm writes it


def test_version_flag(tmp_path: Path) -> None:
    proc = run([sys.executable, "-m", "safefix", "--version"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"safefix {package.__version__}\n"


def test_untagged_builds_name_their_commit() -> None:
    """No release is tagged yet: setuptools-scm gives `0.1.devN+gSHA` (or a tagged X.Y.Z)."""
    version = Version(package.__version__)
    if version.is_devrelease:
        assert re.fullmatch(r"g[0-9a-f]{7,}(\.d\d{8})?", version.local or ""), version


def test_cache_is_keyed_by_the_version(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    modules = ModuleMap(by_name={}, names={}, packages=frozenset())
    this_build = cache.open_cache(tmp_path, modules).path
    monkeypatch.setattr(cache, "__version__", "0.1.dev999+gabcdef0")
    next_build = cache.open_cache(tmp_path, modules).path
    assert this_build.parent.name == package.__version__
    assert next_build.parent.name == "0.1.dev999+gabcdef0"
    assert next_build.name != this_build.name


def test_a_run_writes_its_cache_under_the_version(tmp_path: Path) -> None:
    project = copy_project(SCENARIOS / "incident" / "repo", tmp_path / "repo")
    assert safefix(project, "--diff").returncode == 1
    (index,) = (project / CACHE_DIR_NAME).glob("*/*.cache")
    assert index.parent.name == package.__version__
