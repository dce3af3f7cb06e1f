import sys
import os


def where():
    return os.sep + sys.platform
