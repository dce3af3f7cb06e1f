"""Arithmetic helpers.

>>> import fractions
>>> fractions.Fraction(1, 2)
Fraction(1, 2)
"""

import fractions
