"""The tasks the scheduler runs: every public name of this module."""

from app.handlers import cleanup
