import os

from app.core import add_raw, mul_raw

HELP = "add_raw and mul_raw live in app.core"


def evaluate(code: str) -> object:
    return eval(code, {})
