"""Atomic write-back and the scratch mirror, on real files."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from safefix import workspace, writeback


def test_write_atomic_replaces_content_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "mod.py"
    target.write_bytes(b"old\r\n")
    target.chmod(0o640)
    writeback.write_atomic(target, b"new\r\n", expected=b"old\r\n")
    assert target.read_bytes() == b"new\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mod.py"]  # no temp file left


def test_write_atomic_refuses_a_file_changed_on_disk(tmp_path: Path) -> None:
    target = tmp_path / "mod.py"
    target.write_bytes(b"edited by the user meanwhile\n")
    with pytest.raises(writeback.FileChangedError, match="changed on disk"):
        writeback.write_atomic(target, b"safefix's version\n", expected=b"what safefix read\n")
    assert target.read_bytes() == b"edited by the user meanwhile\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mod.py"]


def test_scratch_mirrors_absolute_paths_and_cleans_up(tmp_path: Path) -> None:
    source = tmp_path / "a" / "b.py"
    source.parent.mkdir()
    source.write_bytes(b"x = 1\n")
    with workspace.scratch() as scratch:
        assert scratch.copy_in(source) == b"x = 1\n"
        mirrored = scratch.mirror(source)
        assert mirrored.read_bytes() == b"x = 1\n"
        assert str(mirrored).endswith(str(source))
        assert scratch.unmirror(mirrored) == source
        root = scratch.root
    assert not root.exists()


def test_config_files_include_ancestors_and_extends(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text("line-length = 90\n")
    project = tmp_path / "proj"
    (project / "pkg").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.ruff]\nextend = "../base.toml"\n')
    (project / "pkg" / "ruff.toml").write_text("")
    file = project / "pkg" / "m.py"
    file.write_text("")
    found = workspace.config_files([file])
    assert {
        project / "pyproject.toml",
        project / "pkg" / "ruff.toml",
        tmp_path / "base.toml",
    } <= found


def test_the_scratch_removal_never_follows_a_link_out(tmp_path: Path) -> None:
    """The scratch goes by `rm -rf` in a thread: links inside it (ruff's copies of a linked
    tree, say) are removed as links, and what they point to is untouched."""
    outside = tmp_path / "user"
    (outside / "pkg").mkdir(parents=True)
    (outside / "pkg" / "keep.py").write_text("x = 1\n")
    removing: list[threading.Thread] = []
    with workspace.scratch(removing) as scratch:
        inside = scratch.root / "deep" / "er"
        inside.mkdir(parents=True)
        (inside / "file.py").write_text("")
        (inside / "dir-link").symlink_to(outside / "pkg", target_is_directory=True)
        (inside / "file-link").symlink_to(outside / "pkg" / "keep.py")
        root = scratch.root
    for thread in removing:
        thread.join()
    assert removing, "the scratch is removed in a thread of its own"
    assert not os.path.lexists(root)
    assert (outside / "pkg" / "keep.py").read_text() == "x = 1\n"
