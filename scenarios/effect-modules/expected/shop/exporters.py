from shop import registry
from shop.plugins import csv_plugin  # noqa: F401

__all__ = ["names"]


def names() -> list[str]:
    return sorted(registry.PLUGINS)
