"""Serves some names lazily; the rest must be real bindings."""

import sys

from pkg.heavy import Trainer

if sys.platform == "win32":
    from ntpath import join as native_join
else:
    from posixpath import join as native_join

_LAZY = {"Model": "pkg.heavy"}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)
