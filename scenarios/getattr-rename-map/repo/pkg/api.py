"""Old names keep working: `__getattr__` answers them with the new ones, and a warning."""

import warnings
from json import dumps

from pkg.impl import new_name

_RENAMED = {"old_name": "new_name"}


def __getattr__(name: str) -> object:
    if name in _RENAMED:
        warnings.warn(f"{name} is now {_RENAMED[name]}", DeprecationWarning, stacklevel=2)
        return globals()[_RENAMED[name]]
    raise AttributeError(name)
