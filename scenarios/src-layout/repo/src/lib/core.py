import os

from lib.helpers import helper


def run():
    return "core"
