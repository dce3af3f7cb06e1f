"""Each check runs in a fresh interpreter: the runtime check imports every module of the
project first, which would set every submodule attribute."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fresh(code: str) -> None:
    run = subprocess.run(
        [sys.executable, "-B", "-c", code], cwd=ROOT, capture_output=True
    )
    assert run.returncode == 0, run.stderr.decode()


def report_reaches_units() -> None:
    fresh("from app import main; assert main.run() == 2.5")
