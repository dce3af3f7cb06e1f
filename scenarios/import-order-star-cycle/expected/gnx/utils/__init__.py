# misc must come first: decorators does `from gnx.utils import create_random_state`
from gnx.utils.misc import *

# isort: split
from gnx.utils.backends import *
from gnx.utils.decorators import *
