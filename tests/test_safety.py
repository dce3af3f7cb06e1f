"""Never lose a line: bad input through the real CLI, and interruptions at random moments."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import pytest
from support import copy_project, ruff_bin, run, safefix, snapshot, write_tree

F401 = '[tool.ruff.lint]\nselect = ["F401"]\n'


def project(root: Path, files: Mapping[str, bytes | str], pyproject: str = F401) -> Path:
    write_tree(root, {"pyproject.toml": pyproject, **files})
    return root


def test_syntax_error_is_reported_and_left_alone_while_others_are_fixed(tmp_path: Path) -> None:
    repo = project(tmp_path / "r", {"broken.py": "import os\ndef f(:\n", "ok.py": "import os\n"})
    proc = safefix(repo, "--output-format", "concise")
    assert proc.returncode == 1
    assert "broken.py:2:7: invalid-syntax: " in proc.stdout
    assert (repo / "broken.py").read_text() == "import os\ndef f(:\n"
    assert (repo / "ok.py").read_text() == ""


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(
            "# -*- coding: latin-1 -*-\nimport os\nx = '\xe9'\n".encode("latin-1"),
            id="latin-1-cookie",
        ),
        pytest.param(b"import os\nx = '\xff\xfe'\n", id="undecodable-bytes"),
    ],
)
def test_files_ruff_cannot_decode_are_skipped_with_a_notice(tmp_path: Path, content: bytes) -> None:
    repo = project(tmp_path / "r", {"odd.py": content, "ok.py": "import os\n"})
    proc = safefix(repo)
    assert "warning: Failed to lint odd.py: stream did not contain valid UTF-8" in proc.stderr
    assert (repo / "odd.py").read_bytes() == content
    assert (repo / "ok.py").read_text() == ""


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"\xef\xbb\xbfimport os\nX = 1\n", b"\xef\xbb\xbfX = 1\n", id="bom"),
        pytest.param(
            b"import os\r\nimport sys\nX = sys\r\n", b"import sys\nX = sys\r\n", id="mixed-endings"
        ),
        pytest.param(b"import os\r\nX = 1\r\n", b"X = 1\r\n", id="crlf"),
        pytest.param(b"import os\nif X:\n\tY = 1\n", b"if X:\n\tY = 1\n", id="tabs"),
        pytest.param(b"", b"", id="empty"),
    ],
)
def test_bytes_are_kept(tmp_path: Path, content: bytes, expected: bytes) -> None:
    repo = project(tmp_path / "r", {"m.py": content})
    proc = safefix(repo)
    assert proc.returncode in (0, 1), proc.stderr
    assert (repo / "m.py").read_bytes() == expected


def test_a_5mb_module(tmp_path: Path) -> None:
    body = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(135_000))
    repo = project(tmp_path / "r", {"big.py": "import os\n\n\n" + body})
    assert (repo / "big.py").stat().st_size > 5_000_000
    proc = safefix(repo)
    assert proc.returncode == 0, proc.stderr
    text = (repo / "big.py").read_text()
    assert "import os" not in text
    assert text.count("\ndef f") == 135_000


def test_symlinked_directory_is_written_once_through_the_link(tmp_path: Path) -> None:
    repo = project(tmp_path / "r", {"pkg/__init__.py": "", "pkg/m.py": "import os\n"})
    (repo / "alias").symlink_to("pkg", target_is_directory=True)
    proc = safefix(repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (repo / "pkg/m.py").read_text() == ""
    assert (repo / "alias").is_symlink()


def test_hard_linked_names_are_each_written(tmp_path: Path) -> None:
    """A rename replaces one name only: every name ruff checks gets the fixed text."""
    repo = project(tmp_path / "r", {"pkg/__init__.py": "", "pkg/m.py": "import os\n"})
    os.link(repo / "pkg/m.py", repo / "pkg/twin.py")
    proc = safefix(repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (repo / "pkg/m.py").read_text() == ""
    assert (repo / "pkg/twin.py").read_text() == ""


def test_read_only_file_is_left_alone(tmp_path: Path) -> None:
    repo = project(tmp_path / "r", {"ro.py": "import os\n", "ok.py": "import os\n"})
    (repo / "ro.py").chmod(0o444)
    proc = safefix(repo)
    assert proc.returncode == 3
    assert f"error: ro.py: {repo / 'ro.py'} is read-only; left it alone" in proc.stderr
    assert (repo / "ro.py").read_text() == "import os\n"
    assert (repo / "ok.py").read_text() == ""


def test_path_outside_the_project_root(tmp_path: Path) -> None:
    repo = project(tmp_path / "r", {"sub/m.py": "import os\n", "other/m.py": "import os\n"})
    before = snapshot(repo)
    proc = safefix(repo, "--project-root", "sub", "other/m.py")
    assert proc.returncode == 2
    assert (
        proc.stderr == f"error: {repo / 'other/m.py'} is outside the project root {repo / 'sub'}\n"
    )
    assert snapshot(repo) == before


def test_directory_without_python_files(tmp_path: Path) -> None:
    repo = project(tmp_path / "r", {"docs/readme.md": "hello\n"})
    proc = safefix(repo, "docs")
    assert proc.returncode == 0
    assert proc.stderr == "warning: No Python files found under the given path(s)\n"


def test_invalid_pyproject_toml(tmp_path: Path) -> None:
    repo = project(tmp_path / "r", {"m.py": "import os\n"}, pyproject="[tool.ruff\nselect = \n")
    before = snapshot(repo)
    proc = safefix(repo)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ruff failed: ")
    assert len(proc.stderr.splitlines()) == 1
    assert snapshot(repo) == before


def test_notebooks_are_fixed_like_ruff_does_and_stay_valid(tmp_path: Path) -> None:
    cell: dict[str, object] = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
    }
    notebook = {
        "cells": [{**cell, "source": ["import os\n", "import sys\n", "print(sys.version)"]}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    repo = project(tmp_path / "r", {"n.ipynb": json.dumps(notebook, indent=1)})
    proc = safefix(repo)
    assert proc.returncode == 0, proc.stderr
    fixed = json.loads((repo / "n.ipynb").read_text())
    assert fixed["cells"][0]["source"] == ["import sys\n", "print(sys.version)"]


# ----- interruptions ------------------------------------------------------------------------


def big_project(root: Path, modules: int = 150) -> Path:
    files: dict[str, bytes | str] = {"app/__init__.py": ""}
    for i in range(modules):
        files[f"app/m{i}.py"] = (
            "import os\nimport sys\nimport json\n\n\ndef f():\n    return sys.path\n"
        )
    files["app/user.py"] = "def g():\n    from app.m0 import json\n    return json\n"
    return project(root, files)


@pytest.mark.parametrize("flow", ["lint-then-fix", "one-pass"])
def test_a_file_edited_while_ruff_fixes_is_left_as_edited(tmp_path: Path, flow: str) -> None:
    """The user saves a file while ruff fixes its copy: their edit stays, the rest is fixed."""
    files = {"app/__init__.py": "", "app/a.py": "import os\n", "app/b.py": "import sys\n"}
    repo = project(tmp_path / "repo", files)
    edit = "import os  # the user's edit, saved while safefix runs\n"
    editor = tmp_path / "ruff-and-an-editor"
    editor.write_text(
        "#!/bin/sh\n"
        'case " $* " in *" --fix "*) printf "%s" "$EDIT" > "$TARGET";; esac\n'
        'exec "$REAL_RUFF" "$@"\n'
    )
    editor.chmod(0o755)
    env = {
        "SAFEFIX_RUFF": str(editor),
        "REAL_RUFF": ruff_bin(),
        "TARGET": str(repo / "app/a.py"),
        "EDIT": edit,
        "SAFEFIX_FLOW": flow,
    }
    proc = safefix(repo, "--no-cache", env=env)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "app/a.py changed on disk while safefix ran" in proc.stdout + proc.stderr
    assert (repo / "app/a.py").read_text() == edit
    assert (repo / "app/b.py").read_text() == ""


def test_interrupted_runs_leave_every_file_old_or_new(tmp_path: Path) -> None:
    """SIGINT/SIGTERM at random moments: no half-written file, no scratch directory left."""
    original = big_project(tmp_path / "original")
    final = copy_project(original, tmp_path / "final")
    assert safefix(final).returncode == 0
    old, new = snapshot(original), snapshot(final)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    rng = random.Random(7)
    deadline = time.monotonic() + 8
    runs = 0
    while time.monotonic() < deadline or runs < 3:
        runs += 1
        repo = copy_project(original, tmp_path / f"run{runs}")
        env = {**os.environ, "SAFEFIX_SCRATCH_DIR": str(scratch), "PYTHONDONTWRITEBYTECODE": "1"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "safefix", "."],
            cwd=repo,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(rng.uniform(0.05, 1.5))
        proc.send_signal(rng.choice([signal.SIGINT, signal.SIGTERM]))
        _, err = proc.communicate(timeout=60)
        # 130: safefix's handler ran; a negative code: the signal came while the interpreter was
        # still starting, before safefix had read, copied or written anything (or, on a loaded
        # machine, while it imported `site`: CPython then stops with a fatal error, exit 1)
        at_startup = proc.returncode == 1 and "init_import_site" in err
        assert proc.returncode in (0, 130, -signal.SIGINT, -signal.SIGTERM) or at_startup, err
        for rel, data in snapshot(repo).items():
            assert data in (old[rel], new[rel]), f"{rel} is neither the original nor the fix"
        assert list(scratch.iterdir()) == [], "the scratch directory was left behind"
        if proc.returncode == 130:
            assert "interrupted; every file is either unchanged or completely written" in err


DEFERRED = """
import os, signal, threading, time
from safefix.interrupts import Interrupted, interrupt, signals_deferred

signal.signal(signal.SIGINT, interrupt)
# a second thread, whose signal mask is not the main thread's: the kernel hands it the signal
threading.Thread(target=time.sleep, args=(2,), daemon=True).start()
steps = []
try:
    with signals_deferred():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)  # the handler has run by now, in the main thread
        steps.append("section finished")
    steps.append("went on")
except Interrupted:
    steps.append("interrupted")
print(steps)
"""


def test_a_deferred_signal_interrupts_after_the_section_whichever_thread_takes_it() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", DEFERRED], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['section finished', 'interrupted']"


def test_a_temporary_directory_whose_removal_was_cut_short_is_removed_later(
    tmp_path: Path,
) -> None:
    """An interruption just before the `finally` of `temporary_directory` leaves the directory
    registered; `remove_leftovers` (run by `main` on an interruption) removes it."""
    from safefix import workspace

    context = workspace.temporary_directory("safefix-", str(tmp_path))
    root = Path(context.__enter__())  # and never left: as if interrupted at the boundary
    (root / "x.py").write_text("import os\n")
    workspace.remove_leftovers()
    assert list(tmp_path.iterdir()) == []


CHILD_WRITING = """
import os, signal, subprocess, sys, time
from contextlib import suppress
from pathlib import Path
from safefix import workspace
from safefix.interrupts import Interrupted, spawn

where = Path(sys.argv[1])
loop = 'i=0; while :; do i=$((i+1)); : > "f$i"; done'
try:
    with workspace.temporary_directory("safefix-", str(where)) as root:
        # as a ruff that writes its fixes: a child creating file after file in the directory
        child = spawn(["sh", "-c", loop], cwd=root, stdout=subprocess.DEVNULL)
        time.sleep(0.3)
        raise Interrupted
except Interrupted:
    pass
time.sleep(0.3)  # a child still running would have written on meanwhile
print(sorted(path.name for path in where.iterdir()))
with suppress(ProcessLookupError):  # should the child still run, it does not outlive the test
    os.kill(child.pid, signal.SIGKILL)
"""


def test_no_child_writes_on_into_a_temporary_directory_left_by_an_interruption(
    tmp_path: Path,
) -> None:
    """A process started inside a temporary directory is stopped before the directory goes:
    otherwise it writes on while the directory is removed, and the directory stays."""
    proc = subprocess.run(
        [sys.executable, "-c", CHILD_WRITING, str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


OTHER_THREADS_CHILD = """
import threading
from safefix.interrupts import spawn, stop_children

started = []
thread = threading.Thread(target=lambda: started.append(spawn(["sleep", "30"])))
thread.start()
thread.join()
mine = spawn(["sleep", "30"])
stop_children()  # this thread's: a run in another thread keeps its ruff
print(mine.poll() is not None, started[0].poll() is None)
started[0].kill()
started[0].wait()
"""


def test_stopping_children_leaves_another_threads_alone() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", OTHER_THREADS_CHILD], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "True True"


def test_sigkill_still_leaves_no_half_written_file(tmp_path: Path) -> None:
    """Even a kill that allows no cleanup: writes are renames, so each file is old or new."""
    original = big_project(tmp_path / "original", modules=60)
    final = copy_project(original, tmp_path / "final")
    assert safefix(final).returncode == 0
    old, new = snapshot(original), snapshot(final)
    rng = random.Random(11)
    for attempt in range(3):
        repo = copy_project(original, tmp_path / f"kill{attempt}")
        proc = subprocess.Popen(
            [sys.executable, "-m", "safefix", "."], cwd=repo, stdout=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.2, 1.2))
        proc.kill()
        proc.wait(timeout=30)
        for rel, data in snapshot(repo).items():
            if rel.endswith(".safefix"):  # a temp file the kill orphaned, never a target
                continue
            assert data in (old[rel], new[rel]), rel


def test_stress_script_runs(tmp_path: Path) -> None:
    """`make stress` (200 kills, outside the normal run) works; here with 3 iterations."""
    proc = run(
        [sys.executable, str(Path(__file__).with_name("stress.py")), "--iterations", "3"], tmp_path
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 corrupted or half-written files" in proc.stdout


def test_each_file_is_known_by_what_links_lead_to(tmp_path: Path) -> None:
    """Writes are deduplicated by the real path, resolved a directory at a time: the same
    answer as `os.path.realpath` for links to directories, to files, relative and dangling."""
    from safefix.writeback import Identities

    (tmp_path / "a/b/c").mkdir(parents=True)
    (tmp_path / "a/b/c/f.py").write_text("")
    (tmp_path / "to-b").symlink_to(tmp_path / "a/b")
    (tmp_path / "a/b/c/g.py").symlink_to(tmp_path / "a/b/c/f.py")
    (tmp_path / "relative").symlink_to("a")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    identity = Identities()
    for rel in (
        "a/b/c/f.py",
        "to-b/c/f.py",
        "a/b/c/g.py",
        "relative/b/c/f.py",
        "to-b/c/g.py",
        "dangling/x.py",
        "missing/x.py",
    ):
        assert identity(tmp_path / rel) == os.path.realpath(tmp_path / rel), rel


#: A scratch of many files, removed in its thread, and Ctrl-C while the run waits for it.
JOIN_INTERRUPTED = """
import os, signal, sys, threading
from pathlib import Path
from safefix import workspace
from safefix.interrupts import Interrupted, interrupt

signal.signal(signal.SIGINT, interrupt)
removing = []
with workspace.scratch(removing) as scratch:
    for i in range(200):
        folder = scratch.root / f"d{i}"
        folder.mkdir()
        for j in range(100):
            (folder / f"f{j}.py").touch()
    print(scratch.root, flush=True)
try:  # the timer's own start() may be what the signal cuts, on a loaded machine
    threading.Timer(0.002, os.kill, (os.getpid(), signal.SIGINT)).start()
    workspace.join_removals(removing)
except Interrupted:
    sys.exit(130)
"""


def test_ctrl_c_while_the_scratch_is_removed_still_waits_for_it(tmp_path: Path) -> None:
    """The signal is held back until the removal is done: a join it cut short would let the
    process exit with the directory half removed (CPython 3.11 marks the thread finished)."""
    env = {**os.environ, "SAFEFIX_SCRATCH_DIR": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-c", JOIN_INTERRUPTED],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 130, proc.stderr
    assert Path(proc.stdout.strip()).parent == tmp_path
    assert list(tmp_path.iterdir()) == []
