from .units import imperial

SIDES = 4
