import os
from decimal import Decimal

RATE = 3


def broken():
    return undefined_name  # F821: ruff cannot fix this, so it remains
