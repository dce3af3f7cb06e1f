"""Unreadable is not empty: a file or directory of the project that safefix cannot read may
consume anything, so every removal is kept and the run names it; through the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import run, write_tree

TREE = {
    "pyproject.toml": '[project]\nname = "p"\nversion = "0"\n',
    "app/__init__.py": "",
    "app/api.py": "import json\nimport os\n",
    "app/sub/use.py": "from app.api import json\n\nprint(json)\n",
    "scripts/run.py": "from app.api import os\n\nprint(os)\n",
}


def _unprivileged() -> list[str] | None:
    """A prefix under which `chmod 000` stops reads: none for a normal user; for root, a user
    namespace of its own (`unshare -U`: root there has no power over the host's files). None
    where root has no such way."""
    if os.geteuid() != 0:
        return []
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-U", "true"], check=False).returncode:
        return None
    return [unshare, "-U"]


PREFIX = _unprivileged()
needs_permissions = pytest.mark.skipif(
    PREFIX is None, reason="running as root without user namespaces: chmod 000 cannot stop reads"
)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    write_tree(tmp_path, TREE)
    yield tmp_path
    for path in [tmp_path, *tmp_path.rglob("*")]:  # readable again, for pytest's clean-up
        path.chmod(0o755)


def _safefix(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert PREFIX is not None
    return run([*PREFIX, sys.executable, "-m", "safefix", *args, "."], root)


def _imports(root: Path) -> str:
    return (root / "app/api.py").read_text()


@needs_permissions
@pytest.mark.parametrize("cache", [[], ["--no-cache"]], ids=["cache", "no-cache"])
@pytest.mark.parametrize("unreadable", ["scripts/run.py", "app/sub"])
def test_an_unreadable_consumer_keeps_every_removal(
    project: Path, unreadable: str, cache: list[str]
) -> None:
    (project / unreadable).chmod(0)
    proc = _safefix(project, *cache)
    assert proc.returncode in (0, 1), proc.stderr  # 1: ruff reports the file it cannot read
    assert _imports(project) == "import json  # noqa: F401\nimport os  # noqa: F401\n"
    notes = [line for line in proc.stderr.splitlines() if "cannot be read" in line]
    assert notes == [
        f"warning: {unreadable}: cannot be read (Permission denied): kept every import it might use"
    ], proc.stderr


@pytest.mark.parametrize("cache", [[], ["--no-cache"]], ids=["cache", "no-cache"])
@pytest.mark.parametrize("flow", ["lint-then-fix", "one-pass", "stdin"])
def test_a_file_name_that_is_not_utf8_is_searched_and_stops_nothing(
    tmp_path: Path, flow: str, cache: list[str]
) -> None:
    """ruff prints such a name with U+FFFD (no such path) and cannot cache it: the file is
    read as a consumer by its real name, left to ruff unfixed, and named; every other file is
    fixed as usual."""
    write_tree(tmp_path, {**TREE, "app/other.py": "import re\n"})
    (tmp_path / "app/sub/use.py").unlink()
    (tmp_path / "scripts/run.py").unlink()
    bad = os.path.join(os.fsencode(tmp_path), b"app", b"bad\xff.py")
    with open(bad, "wb") as file:
        file.write(b"from app.api import json\n\nprint(json)\n")
    env = {**os.environ, "SAFEFIX_FLOW": flow}
    args = [sys.executable, "-m", "safefix", *cache, "."]
    done = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, check=False)
    stderr = done.stderr.decode("utf-8", "backslashreplace")  # the name's byte, as it is
    assert done.returncode in (0, 1), stderr
    assert (tmp_path / "app/api.py").read_text() == "import json  # noqa: F401\n"
    assert (tmp_path / "app/other.py").read_text() == ""
    with open(bad, "rb") as file:
        assert file.read() == b"from app.api import json\n\nprint(json)\n"
    assert "warning: app/bad\\xff.py: the file name is not UTF-8" in stderr, stderr
