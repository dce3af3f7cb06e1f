"""Imports its own submodule: `maps.grid` is set whenever `maps` is imported."""

from . import grid

__all__ = ["grid"]
