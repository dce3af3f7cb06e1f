"""Use ujson where it is installed, the standard library elsewhere."""

try:
    from ujson import dumps
except ImportError:
    from json import dumps
