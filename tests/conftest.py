"""Fixtures shared by the test modules (helpers that are plain functions live in support.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import SCENARIOS, copy_project


@pytest.fixture
def incident(tmp_path: Path) -> Path:
    """A fresh copy of the incident scenario's project: the service plain ruff breaks."""
    return copy_project(SCENARIOS / "incident" / "repo", tmp_path / "repo")
