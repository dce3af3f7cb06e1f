"""`--watch` as ruff's: a run, then another after each change (safefix's own writes start
none), until interrupted; each run keeps what the project needs."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from support import safefix

from safefix import watch

TIMEOUT = 60


def _lines(proc: subprocess.Popen[str]) -> queue.Queue[str]:
    found: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            found.put(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    return found


def _until(found: queue.Queue[str], start: str) -> list[str]:
    """The lines up to one starting with `start` (within TIMEOUT seconds)."""
    seen = []
    deadline = time.monotonic() + TIMEOUT
    while True:
        line = found.get(timeout=max(0.1, deadline - time.monotonic()))
        seen.append(line)
        if line.startswith(start):
            return seen


def test_watch_runs_again_after_a_change_and_stops_on_interrupt(incident: Path) -> None:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    args = [sys.executable, "-m", "safefix", "--watch", "--output-format", "concise", "."]
    proc = subprocess.Popen(args, cwd=incident, stdout=subprocess.PIPE, text=True, env=env)
    try:
        found = _lines(proc)
        first = _until(found, "Found ")
        assert "Starting safefix in watch mode..." in first[0]
        assert "KEEPALIVE" in (incident / "app/main.py").read_text()
        time.sleep(2 * watch.POLL_SECONDS)
        assert found.empty()  # its own writes started no run
        (incident / "app/new.py").write_text("import os\nx = 1\n")
        second = _until(found, "Found ")
        assert any("File change detected..." in line for line in second)
        assert second[-1] == "Found 1 error (1 fixed, 0 remaining)."
        assert (incident / "app/new.py").read_text() == "x = 1\n"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=TIMEOUT)
    assert proc.returncode == 130


def test_watch_is_refused_where_nothing_is_fixed(incident: Path) -> None:
    proc = safefix(incident, "--watch", "--diff")
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: --watch")


def test_snapshot_sees_sources_and_configs_only(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "notes.txt").write_text("")
    (tmp_path / ".ruff_cache").mkdir()
    (tmp_path / ".ruff_cache" / "b.py").write_text("")
    assert sorted(Path(p).name for p in watch.snapshot([tmp_path])) == ["a.py", "pyproject.toml"]
