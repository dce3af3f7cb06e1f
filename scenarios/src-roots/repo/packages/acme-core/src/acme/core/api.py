import os

from acme.core.text import normalize


def version():
    return "1.0"
