import os
import sys


def platform():
    return sys.platform
