import sys


def version():
    return sys.version_info[0]
