from lib._impl import Engine, Unused

__all__ = ["VERSION"]

VERSION = "1.0"
