"""Old names, as plain bindings."""

from typing import TYPE_CHECKING

from shop import registry

LEGACY = registry
NAMES = {"old": "new"}
NAMES["older"] = "new"

if TYPE_CHECKING:
    registry.register(dict)
