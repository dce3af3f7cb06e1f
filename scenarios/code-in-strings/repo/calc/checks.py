"""Checks that run code held in strings."""

import subprocess
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_add() -> None:
    code = "from calc.api import add; assert add(1, 2) == 3"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def time_mul() -> None:
    timeit.timeit("mul(2, 3)", setup="from calc.api import mul", number=1)


def exec_pi() -> None:
    exec("from calc.api import PI\nassert PI > 3", {})
