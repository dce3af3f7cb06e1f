"""`make stress`: kill safefix at random moments, many times; count corrupted files.

    python tests/stress.py [--iterations 200] [--seed 1]

Each iteration copies a generated project with a fix in every module, starts safefix on it,
kills it after a random delay (SIGKILL, SIGTERM or SIGINT), and checks that every file equals
either its original or its fully fixed version. After each SIGKILL (which no process can
clean up after), safefix runs once more on the same tree: it must finish the fixes and remove
what the killed run left, its scratch directory and any `.safefix` temporary file. Prints one
summary line; exits 1 on any corrupted or half-written file, or any leftover not removed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
        and not {"__pycache__", ".ruff_cache", ".safefix_cache"} & set(p.parts)
        and not p.name.endswith(".safefix")
    }


def generate(root: Path, modules: int) -> None:
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["F401", "I001"]\n')
    (root / "app/__init__.py").write_text("")
    for i in range(modules):
        (root / f"app/m{i}.py").write_text(
            "import sys\nimport os\nimport json\n\n\ndef f():\n    return sys.path\n"
        )
    (root / "app/user.py").write_text("def g():\n    from app.m0 import json\n    return json\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--modules", type=int, default=150)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    safefix = [sys.executable, "-m", "safefix", "."]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    corrupted = leftovers = 0
    outcomes = {"finished": 0, "killed": 0}
    ram = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    with (
        tempfile.TemporaryDirectory(prefix="safefix-stress-") as temp,
        tempfile.TemporaryDirectory(prefix="safefix-stress-scratch-", dir=ram) as scratch,
    ):
        env["SAFEFIX_SCRATCH_DIR"] = scratch  # what a SIGKILL leaves behind goes with it
        work = Path(temp)
        original = work / "original"
        generate(original, args.modules)
        final = work / "final"
        shutil.copytree(original, final)
        start = time.monotonic()
        subprocess.run(safefix, cwd=final, env=env, check=True, stdout=subprocess.DEVNULL)
        full_run = time.monotonic() - start
        old, new = snapshot(original), snapshot(final)
        for iteration in range(args.iterations):
            repo = work / f"run{iteration}"
            shutil.copytree(original, repo)
            proc = subprocess.Popen(
                safefix, cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            time.sleep(rng.uniform(0, full_run * 1.2))
            sent = rng.choice([signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
            proc.send_signal(sent)
            proc.wait(timeout=120)
            outcomes["finished" if proc.returncode in (0, 1) else "killed"] += 1
            for rel, data in snapshot(repo).items():
                if data not in (old[rel], new[rel]):
                    corrupted += 1
                    print(f"iteration {iteration}: {rel} is neither the original nor the fix")
            if sent is signal.SIGKILL:
                leftovers += follow_up(safefix, repo, env, Path(scratch), new, iteration)
            shutil.rmtree(repo)
    print(
        f"{args.iterations} iterations ({outcomes['killed']} killed mid-run, "
        f"{outcomes['finished']} finished first): {corrupted} corrupted or half-written files, "
        f"{leftovers} leftovers of SIGKILL not removed by the next run"
    )
    return 1 if corrupted or leftovers else 0


def follow_up(
    safefix: list[str],
    repo: Path,
    env: dict[str, str],
    scratch: Path,
    new: dict[str, bytes],
    iteration: int,
) -> int:
    """Run safefix again after a SIGKILL: the count of leftovers it did not remove (or fixes
    it did not finish)."""
    subprocess.run(safefix, cwd=repo, env=env, check=False, stdout=subprocess.DEVNULL)
    left = [str(p) for p in scratch.iterdir()]
    left += [str(p) for p in repo.rglob("*.safefix")]
    left += [rel for rel, data in snapshot(repo).items() if data != new[rel]]
    for item in left:
        print(f"iteration {iteration}: left after the next run: {item}")
    return len(left)


if __name__ == "__main__":
    sys.exit(main())
