from shop import registry
from shop.plugins import csv_plugin


def names() -> list[str]:
    return sorted(registry.PLUGINS)
