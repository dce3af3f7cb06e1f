from ._impl import Engine
from .core import *

__all__ = ["Engine", "VERSION"]
