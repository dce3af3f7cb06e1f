from lib.api import *  # noqa: F403
