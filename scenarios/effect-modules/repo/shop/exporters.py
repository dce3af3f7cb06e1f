from shop import registry
from shop.plugins import csv_plugin

__all__ = ["names"]


def names() -> list[str]:
    return sorted(registry.PLUGINS)
