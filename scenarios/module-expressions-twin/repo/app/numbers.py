from decimal import Decimal

VERSION = 1
