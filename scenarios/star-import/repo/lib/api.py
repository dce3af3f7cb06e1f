# a public facade: everything base imports is part of the API
from lib.base import *  # noqa: F403


def merged(a, b):
    return list(chain(a, b))  # noqa: F405
