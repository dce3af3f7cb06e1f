"""The jobs the worker runs: every public name of this module."""

from app.handlers import rebuild
