from decimal import Decimal
from fractions import Fraction

VERSION = 1
