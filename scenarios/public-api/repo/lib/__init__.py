"""The package's public API is what __all__ lists; core and extras hold it."""

from .core import *
from .extras import *

__all__ = ["Engine", "VERSION"]
__all__ += ["Helper"]
__all__.append("Plugin")
