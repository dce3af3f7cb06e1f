import sys

from glyphs.struct_utils import pack


class Table:
    tag = "glyf"
