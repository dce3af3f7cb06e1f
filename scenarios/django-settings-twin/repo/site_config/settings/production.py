from os.path import join

from .base import *  # noqa: F403

LOGGING = {"version": 1}
