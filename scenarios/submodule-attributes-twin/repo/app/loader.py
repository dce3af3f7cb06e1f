"""Loaded first: imports the unit tables the rest of the app reaches through `geo`."""

import geo.units.metric
from geo.shapes import SIDES


def loaded() -> bool:
    return SIDES == 4
