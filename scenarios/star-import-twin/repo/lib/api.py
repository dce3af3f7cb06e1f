from lib.base import *  # noqa: F403
from functools import partial


def make():
    return partial(int, "1")
