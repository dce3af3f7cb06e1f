from lib.shapes.typed import *  # noqa: F403
from lib.shapes.core import *  # noqa: F403
