from os.path import join

from .base import *  # noqa: F403
from .log_config import LOGGING

ALLOWED_HOSTS = ["example.org"]
