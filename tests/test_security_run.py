"""Code runs only when asked, every failure is one line, and nothing safefix starts outlives
it: through the real CLI, on real copies of projects (issue 20, items 4 and 6)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import safefix, safefix_json, snapshot, write_tree

INTERRUPTED = "error: interrupted; every file is either unchanged or completely written\n"

#: A project with one fix to make (an unused import in app/main.py), so that verification runs.
PROJECT = {
    "pyproject.toml": '[project]\nname = "p"\n\n[tool.ruff.lint]\nselect = ["F401"]\n',
    "app/__init__.py": "",
    "app/main.py": "import os\n\nVALUE = 1\n",
}


def project(root: Path, extra: dict[str, str] | None = None, table: str = "") -> Path:
    files = {**PROJECT, **(extra or {})}
    if table:
        files["pyproject.toml"] += f"\n[tool.safefix]\n{table}"
    write_tree(root, files)
    return root


def marker_command(marker: Path) -> str:
    """A verify command whose only effect is to leave `marker` behind: proof that it ran."""
    return f"{sys.executable} -c 'import pathlib; pathlib.Path(\"{marker}\").touch()'"


def running(token: str) -> list[int]:
    """Processes whose command line holds `token` (never this test's own)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if token in line and int(entry.name) != os.getpid():
            found.append(int(entry.name))
    return found


@pytest.fixture
def no_leftover_sleeps() -> Iterator[str]:
    """A sleep length no other process uses, and a check that none of it survives the test."""
    token = f"{300 + os.getpid() % 1000}.{time.time_ns() % 997}"
    yield token
    survivors = running(f"sleep {token}")
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert not survivors, f"processes outlived safefix: {survivors}"


# -- commands from repository configuration run only with an explicit opt-in ---------------


def test_config_verify_cmd_runs_only_with_trust(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    repo = project(tmp_path / "repo", table=f"verify-cmd = '''{marker_command(marker)}'''\n")
    proc = safefix(repo, "--diff")
    assert proc.returncode == 1, proc.stderr
    assert not marker.exists()
    (notice,) = [line for line in proc.stderr.splitlines() if "verify-cmd" in line]
    assert "not run" in notice and "--trust-config" in notice and "SAFEFIX_TRUST_CONFIG" in notice
    assert safefix(repo, "--diff", "--trust-config").returncode == 1
    assert marker.exists()
    marker.unlink()
    proc = safefix(repo, "--diff", env={"SAFEFIX_TRUST_CONFIG": "1"})
    assert marker.exists() and "not run" not in proc.stderr


def test_config_verify_imports_only_with_trust(tmp_path: Path) -> None:
    marker = tmp_path / "imported"
    module = f"import pathlib\npathlib.Path({str(marker)!r}).touch()\n"
    repo = project(tmp_path / "repo", {"app/side.py": module}, table="verify = true\n")
    proc = safefix(repo, "--diff")
    assert not marker.exists()
    assert "[tool.safefix] verify not run" in proc.stderr
    safefix(repo, "--diff", "--trust-config")
    assert marker.exists()


def test_command_line_verify_cmd_is_explicit(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    repo = project(tmp_path / "repo")
    proc = safefix(repo, "--diff", "--verify-cmd", marker_command(marker))
    assert marker.exists() and "not run" not in proc.stderr


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("verify-cmd = ''\n", "verify command is empty"),
        ("verify-cmd = '/nonexistent/run-tests'\n", "/nonexistent/run-tests: command not found"),
        ("verify-cmd = 'no-such-program-here -q'\n", "no-such-program-here: command not found"),
        ('verify-cmd = "pytest -k \'unclosed"\n', "No closing quotation"),
        ("consumer-roots = ['../no-such-dir']\n", "consumer-roots:"),
        ("verify-timeout = 0\n", "verify-timeout must be a positive number"),
    ],
)
def test_invalid_verify_settings_stop_before_ruff(
    tmp_path: Path, setting: str, message: str
) -> None:
    repo = project(tmp_path / "repo", table=setting)
    before = snapshot(repo)
    proc = safefix(repo, "--trust-config")
    assert proc.returncode == 2
    assert message in proc.stderr and len(proc.stderr.splitlines()) == 1, proc.stderr
    assert snapshot(repo) == before
    assert not (repo / ".ruff_cache").exists()  # ruff never ran


@pytest.mark.parametrize("command", ["", "'unclosed", "/nonexistent"])
def test_invalid_verify_cmd_flag_stops_before_ruff(tmp_path: Path, command: str) -> None:
    repo = project(tmp_path / "repo")
    proc = safefix(repo, "--verify-cmd", command)
    assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1, proc.stderr
    assert not (repo / ".ruff_cache").exists()
    assert (repo / "app/main.py").read_text() == PROJECT["app/main.py"]


# -- --verify and --verify-cmd run in the copy, and end in time ---------------------------


def test_verify_imports_never_run_in_the_users_tree(tmp_path: Path) -> None:
    writes = "import pathlib\npathlib.Path('written-by-import.txt').write_text('x')\n"
    repo = project(tmp_path / "repo", {"app/side.py": writes})
    before = snapshot(repo)
    proc = safefix(repo, "--diff", "--verify")
    assert proc.returncode == 1, proc.stderr
    assert snapshot(repo) == before  # the import wrote into the copy it ran from


def test_a_module_that_ignores_sigalrm_does_not_hang_verify(tmp_path: Path) -> None:
    hangs = "import signal, time\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\ntime.sleep(600)\n"
    repo = project(tmp_path / "repo", {"app/stuck.py": hangs})
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "safefix", "--diff", "--verify", "--import-timeout", "1"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert time.monotonic() - start < 60
    assert proc.returncode == 1, proc.stderr
    assert "app.stuck does not import even before the fix (the import timed out" in proc.stderr
    assert not running(f"{repo}")  # no worker left importing it


def test_verify_cmd_times_out_and_its_group_is_killed(
    tmp_path: Path, no_leftover_sleeps: str
) -> None:
    repo = project(tmp_path / "repo")
    command = f"sh -c 'sleep {no_leftover_sleeps} & sleep {no_leftover_sleeps}'"
    start = time.monotonic()
    proc = safefix(repo, "--diff", "--verify-cmd", command, "--verify-timeout", "1")
    assert time.monotonic() - start < 30
    assert proc.returncode == 1
    assert "(or takes over 1 s); not used to verify" in proc.stderr


def test_ctrl_c_during_verify_cmd_kills_its_grandchildren(
    tmp_path: Path, no_leftover_sleeps: str
) -> None:
    repo = project(tmp_path / "repo")
    command = f"sh -c 'sleep {no_leftover_sleeps} & sleep {no_leftover_sleeps}'"
    proc = subprocess.Popen(
        [sys.executable, "-m", "safefix", "--diff", "--verify-cmd", command],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while len(running(f"sleep {no_leftover_sleeps}")) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err == INTERRUPTED


SRC_LAYOUT = {
    "pyproject.toml": '[project]\nname = "pkg"\n\n[tool.ruff.lint]\nselect = ["F401"]\n',
    "src/pkg/__init__.py": 'from pkg.core import VALUE\n\n__all__ = ["VALUE"]\n',
    "src/pkg/core.py": "import os\n\nVALUE = 1\n",
}


def test_verify_cmd_imports_the_copy_of_a_src_layout(tmp_path: Path) -> None:
    """The command runs from the copy with its source roots on PYTHONPATH: a plain
    `python -c 'import pkg'` imports the copy (before, it found no `pkg` at all)."""
    repo = tmp_path / "repo"
    write_tree(repo, SRC_LAYOUT)
    check = f"import pkg, sys; sys.exit(3 if pkg.__file__.startswith({str(repo)!r}) else 0)"
    command = f'{sys.executable} -c "{check}"'
    code, report = safefix_json(repo, "--verify-cmd", command)
    assert code == 0, report["notes"]
    assert report["notes"] == []
    assert "import os" not in (repo / "src/pkg/core.py").read_text()


def test_verify_cmd_that_imports_the_users_tree_is_not_trusted(tmp_path: Path) -> None:
    """As an editable install would: the command puts the user's own `src` first."""
    repo = tmp_path / "repo"
    write_tree(repo, SRC_LAYOUT)
    check = f"import sys; sys.path.insert(0, {str(repo / 'src')!r}); import pkg"
    command = f'{sys.executable} -c "{check}"'
    code, report = safefix_json(repo, "--diff", "--verify-cmd", command)
    assert code == 1
    (note,) = report["notes"]
    assert f"imported {repo / 'src/pkg/__init__.py'} from the project itself" in note, note
    assert note.endswith("not used to verify")


# -- every failure one line ----------------------------------------------------------------


def test_a_consumer_too_deep_to_parse_keeps_what_it_may_consume(tmp_path: Path) -> None:
    deep = "from app.main import os\n\nprint(os.sep)\nf = " + "lambda: " * 3000 + "1\n"
    repo = project(tmp_path / "repo", {"app/deep.py": deep})
    code, report = safefix_json(repo)
    assert code == 0, report
    ((kept,),) = [f["kept"] for f in report["files"] if f["path"] == "app/main.py"]
    (consumer,) = kept["consumers"]
    assert (consumer["path"], consumer["kind"]) == ("app/deep.py", "unparsed-file")
    assert consumer["text"] == "(file could not be analysed: kept everything it might consume)"
    assert "import os" in (repo / "app/main.py").read_text()


def test_a_deleted_working_directory_is_one_line(tmp_path: Path) -> None:
    repo = project(tmp_path / "repo")
    gone = tmp_path / "gone"
    gone.mkdir()
    script = f"import os, sys, runpy; os.chdir({str(gone)!r}); os.rmdir({str(gone)!r}); "
    script += (
        f"sys.argv = ['safefix', {str(repo)!r}]; runpy.run_module('safefix', run_name='__main__')"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert proc.stderr == "error: the working directory no longer exists\n"


@pytest.mark.parametrize("mode", ["--diff", "--fix"])
def test_stdout_on_a_full_device_is_one_line(tmp_path: Path, mode: str) -> None:
    repo = project(tmp_path / "repo")
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "safefix", "--output-format", "safefix-json", mode],
            cwd=repo,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert lines[-1] == "error: could not print the report: [Errno 28] No space left on device"
    written = mode == "--fix"
    assert lines[:-1] == (["app/main.py: written"] if written else [])
    assert ("import os" in (repo / "app/main.py").read_text()) is not written


@pytest.mark.parametrize("delay_ms", [0, 5, 10, 20, 30, 45, 60, 80, 100, 120, 150, 200, 250])
def test_ctrl_c_at_start_up_is_one_line(tmp_path: Path, delay_ms: int) -> None:
    """Whenever Ctrl-C comes, once safefix's first line has run it is one line and exit 130.
    Before that, Python's own start-up (site, .pth files) handles it: killed by the signal,
    or Python's "init_import_site" error, but never a traceback through safefix's code."""
    repo = project(tmp_path / "repo")
    proc = subprocess.Popen(
        [sys.executable, "-m", "safefix", "--diff", "."],
        cwd=repo,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(delay_ms / 1000)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert f"{os.sep}safefix{os.sep}" not in err, err  # no frame of safefix's own code
    if proc.returncode == 130:
        assert err == INTERRUPTED
    else:  # interrupted in Python's start-up, or finished before the signal came
        assert proc.returncode in (-signal.SIGINT, 1) or "init_import_site" in err, err


# -- leftovers of killed runs, and where scratch directories go ------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_stale_leftovers_of_killed_runs_are_removed(tmp_path: Path) -> None:
    from safefix.leftovers import _namespace, tag

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    namespace = _namespace()
    dead = f"{_dead_pid()}.12345.{namespace}"
    stale_dir = scratch / f"safefix-{dead}-abcd1234"
    stale_verify = scratch / f"safefix-verify-{dead}-xyz"
    alive = scratch / f"safefix-{tag()}-live"  # this test's own process: still running
    other = scratch / f"safefix-{_dead_pid()}.1.{namespace + 1}-other"  # another namespace
    unknown = scratch / "safefix-oldformat"
    for directory in (stale_dir, stale_verify, alive, other, unknown):
        (directory / "home").mkdir(parents=True)
    repo = project(tmp_path / "repo")
    stale_file = repo / f"app/.main.py.{dead}.k3j4h5g6.safefix"
    live_file = repo / f"app/.main.py.{tag()}.a1b2c3d4.safefix"
    stale_file.write_bytes(b"")
    live_file.write_bytes(b"")
    proc = safefix(repo, env={"SAFEFIX_SCRATCH_DIR": str(scratch), "TMPDIR": str(scratch)})
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in scratch.iterdir()) == sorted(
        p.name for p in (alive, other, unknown)
    )
    assert not stale_file.exists() and live_file.exists()


def test_a_sigkilled_runs_scratch_is_removed_by_the_next_run(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    repo = project(tmp_path / "repo")
    env = {**os.environ, "SAFEFIX_SCRATCH_DIR": str(scratch), "TMPDIR": str(scratch)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "safefix", "--diff", "."],
        cwd=repo,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not any(scratch.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.002)
    proc.kill()
    proc.wait()
    assert any(scratch.iterdir())  # what SIGKILL left
    assert safefix(repo, "--diff", env=env).returncode == 1
    assert list(scratch.iterdir()) == []


def test_a_missing_scratch_dir_falls_back_to_the_temp_dir(tmp_path: Path) -> None:
    repo = project(tmp_path / "repo")
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {"SAFEFIX_SCRATCH_DIR": str(tmp_path / "missing"), "TMPDIR": str(temp)}
    proc = safefix(repo, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "import os" not in (repo / "app/main.py").read_text()
    assert list(temp.iterdir()) == []


@pytest.fixture
def full_ram_disk(tmp_path: Path) -> Iterator[Path]:
    """A tiny tmpfs with no room left (skipped where mounting one is not allowed)."""
    mount = tmp_path / "full"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        with open(mount / "filler", "wb") as filler, contextlib.suppress(OSError):
            filler.write(b"x" * (1 << 20))
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_ram_disk_falls_back_to_the_temp_dir(tmp_path: Path, full_ram_disk: Path) -> None:
    repo = project(tmp_path / "repo")
    temp = tmp_path / "temp"
    temp.mkdir()
    proc = safefix(repo, env={"SAFEFIX_SCRATCH_DIR": str(full_ram_disk), "TMPDIR": str(temp)})
    assert proc.returncode == 0, proc.stderr
    assert "import os" not in (repo / "app/main.py").read_text()
    assert [p.name for p in full_ram_disk.iterdir()] == ["filler"]
    assert list(temp.iterdir()) == []
