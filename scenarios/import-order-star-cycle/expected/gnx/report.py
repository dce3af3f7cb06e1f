import os
import sys


def where():
    return os.sep + sys.platform
