"""safefix: `ruff check --fix`, made safe for whole projects."""

__version__ = "0.1.0"
