# decorators imports what it needs from gnx.utils.misc itself: any order works
from gnx.utils.misc import *
from gnx.utils.decorators import *
from gnx.utils.backends import *
