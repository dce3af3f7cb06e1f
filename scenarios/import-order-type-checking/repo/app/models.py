"""Models: the registry must be set up before any field type registers itself."""

from __future__ import annotations

from app.registry import Registry
from app.fields import Field


class Model:
    fields = [Field()]

    def register(self, registry: Registry) -> None:
        registry.add(self)
