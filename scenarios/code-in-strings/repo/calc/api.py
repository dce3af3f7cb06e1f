import os

from calc.core import PI, add, mul
