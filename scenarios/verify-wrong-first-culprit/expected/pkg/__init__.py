# The top package: `import pkg` is what fails after sorting. Sorting this block alone is
# harmless; so is sorting pkg/utils/__init__.py alone; both together break the import.
from pkg import utils
from pkg.state import make_state

_NAMES = globals()  # a namespace read at runtime: the static order check stays out, --verify decides
