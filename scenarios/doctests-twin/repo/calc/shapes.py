from math import pi
