"""`--stdin-filename` as editors use it: the buffer on stdin, the fixed text on stdout, the
report on stderr, nothing written; the consumers are the whole project's, as on disk."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support import ruff_bin, snapshot

KEPT = ("KEEPALIVE", "SEEN_TTL", "_db_pool")


def _through(cwd: Path, args: list[str], text: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, input=text, capture_output=True, text=True, check=False)


def _safefix(cwd: Path, *args: str, text: str) -> subprocess.CompletedProcess[str]:
    return _through(cwd, [sys.executable, "-m", "safefix", *args], text)


def test_editor_round_trip_keeps_what_plain_ruff_removes(incident: Path) -> None:
    """The buffer differs from the file on disk (an unsaved `import re`): that is what gets
    fixed; the names the routers import from app.main stay."""
    before = snapshot(incident)
    buffer = (incident / "app/main.py").read_text() + "import re\n"
    plain = _through(
        incident, [ruff_bin(), "check", "--fix", "--stdin-filename", "app/main.py", "-"], buffer
    )
    assert plain.returncode == 0, plain.stderr
    assert not any(name in plain.stdout for name in KEPT)  # plain ruff breaks the service
    proc = _safefix(incident, "--stdin-filename", "app/main.py", "-", text=buffer)
    assert proc.returncode == 0, proc.stderr
    assert all(name in proc.stdout for name in KEPT)
    assert "import re" not in proc.stdout and "import os" not in proc.stdout
    assert "app/main.py:8: kept KEEPALIVE for app/routers/health.py:3" in proc.stderr
    assert snapshot(incident) == before  # nothing written: the editor writes the buffer


def test_editor_buffer_of_a_module_nobody_consumes_is_fixed_as_ruff_fixes_it(
    incident: Path,
) -> None:
    """The twin: a router's unused import has no consumer; safefix's text is ruff's."""
    buffer = "import json\n" + (incident / "app/routers/health.py").read_text()
    args = ["--stdin-filename", "app/routers/health.py"]
    plain = _through(incident, [ruff_bin(), "check", "--fix", *args, "-"], buffer)
    proc = _safefix(incident, *args, text=buffer)
    assert (proc.returncode, proc.stdout) == (plain.returncode, plain.stdout)
    assert "import json" not in proc.stdout


def test_editor_file_not_on_disk_yet(incident: Path) -> None:
    proc = _safefix(incident, "--stdin-filename", "app/new.py", text="import os\nx = 1\n")
    assert (proc.returncode, proc.stdout) == (0, "x = 1\n"), proc.stderr
    assert not (incident / "app/new.py").exists()


def test_editor_diff_and_remaining_violations(incident: Path) -> None:
    buffer = (incident / "app/main.py").read_text() + "y = undefined_name\n"
    diff = _safefix(incident, "--diff", "--stdin-filename", "app/main.py", "-", text=buffer)
    assert diff.returncode == 1
    assert diff.stdout.startswith("--- app/main.py\n+++ app/main.py\n")
    args = ["--extend-select", "F821", "--output-format", "concise"]
    fixed = _safefix(incident, *args, "--stdin-filename", "app/main.py", text=buffer)
    assert fixed.returncode == 1
    assert fixed.stderr.splitlines()[0] == "app/main.py:16:5: F821 Undefined name `undefined_name`"
    assert fixed.stdout.splitlines()[-1] == "y = undefined_name"


def test_stdin_filename_with_paths_is_refused(incident: Path) -> None:
    proc = _safefix(incident, "--stdin-filename", "app/main.py", "app", text="")
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: --stdin-filename")
