from math import pi, tau
