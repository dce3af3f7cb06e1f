"""Arithmetic helpers.

The examples run in this module's globals (pytest --doctest-modules), so they may use its
imports directly:

>>> fractions.Fraction(1, 3) + fractions.Fraction(1, 6)
Fraction(1, 2)
"""

import fractions
import math
from decimal import Decimal


def half(x):
    """Half of x.

    >>> half(Decimal("3"))
    Decimal('1.5')
    """
    return x / 2
