from .base import DEBUG, TIME_ZONE

SECRET_KEY = "test"
