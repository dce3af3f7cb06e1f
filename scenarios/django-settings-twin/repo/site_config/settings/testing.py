from os import getenv

from .base import DEBUG, TIME_ZONE

SECRET_KEY = "test" if DEBUG else TIME_ZONE
