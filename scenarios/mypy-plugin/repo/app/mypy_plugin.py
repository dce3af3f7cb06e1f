"""mypy's entry point for the project's plugin."""

import sys

from app._mypy_impl import plugin
