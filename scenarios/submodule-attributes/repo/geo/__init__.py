"""Nothing imported here: `geo.units` is an attribute only once something imports it."""

VERSION = "1.0"
