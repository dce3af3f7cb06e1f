import sys

from core.names import (
    ALPHA,  # the first letter
    BETA,  # consumed by core.worker
    GAMMA,
)

VERSION = sys.version_info[0]
