import sys

from core.names import BETA  # consumed by core.worker  # noqa: F401

VERSION = sys.version_info[0]
