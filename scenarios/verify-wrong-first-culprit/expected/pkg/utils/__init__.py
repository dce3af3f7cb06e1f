# Sorted, pkg.utils.backends runs first and pkg.utils has no make_state yet: its decorators
# fall back to the top package's, which a sorted pkg/__init__.py has not bound yet either.
from pkg.utils.misc import *
from pkg.utils.backends import *

_NAMES = globals()  # a namespace read at runtime: the static order check stays out, --verify decides
