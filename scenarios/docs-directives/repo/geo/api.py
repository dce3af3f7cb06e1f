"""The public names of geo."""

import os

from geo.shapes import Circle, Square, area
from geo.units import METRE, to_feet
