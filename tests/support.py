"""Shared helpers: run the real CLI and the real ruff on real copies of scenario projects."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SCENARIOS = REPO / "scenarios"
RUNTIME_CHECK = TESTS / "runtime_check.py"


def ruff_bin() -> str:
    from ruff.__main__ import find_ruff_bin

    return str(find_ruff_bin())


def copy_project(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def run(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=full_env, check=False)


def safefix(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "safefix", *args], cwd, env)


def safefix_json(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    head = list(args[:1]) if args[:1] in (("check",), ("why",)) else []
    proc = safefix(cwd, *head, "--output-format", "safefix-json", *args[len(head) :], env=env)
    try:
        return proc.returncode, json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(f"not JSON: {proc.stdout!r} {proc.stderr!r}") from exc


def ruff(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run([ruff_bin(), *args], cwd)


def runtime_check(project: Path) -> subprocess.CompletedProcess[str]:
    """The project's modules import and its consumers resolve, in a fresh interpreter."""
    return run([sys.executable, "-I", "-B", str(RUNTIME_CHECK), str(project)], project)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file's bytes; caches (ruff's, as plain ruff writes it too) are not the user's code."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not {"__pycache__", ".ruff_cache", ".safefix_cache"} & set(p.parts)
    }


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> list[Path]:
    """Write `files` (path relative to `root` -> text or bytes) under `root`; their paths."""
    paths = []
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        paths.append(path)
    return paths
