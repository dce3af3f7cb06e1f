from collections import OrderedDict
from functools import partial

__all__ = ["VERSION"]
VERSION = 1
