from decimal import Decimal
from typing import Dict, List

PRICES = []  # type: ignore[var-annotated]


def total(prices):
    # the type: of prices is a list of ints
    return sum(prices)
