"""Checks that run code held in strings."""

import subprocess
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELP = "from calc.api import add: the public way to add"


def run_add() -> None:
    code = "from calc.core import add; assert add(1, 2) == 3"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    subprocess.run(["bash", "-c", "echo from calc.api import add"], check=True)


def time_mul() -> None:
    # timeit.timeit("mul(2, 3)", setup="from calc.api import mul")
    timeit.timeit("mul(2, 3)", setup="from calc.core import mul", number=1)


def exec_pi() -> None:
    exec("from calc.core import PI\nassert PI > 3  # not calc.api.PI", {})
