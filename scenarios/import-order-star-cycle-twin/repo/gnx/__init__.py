"""A graph library whose utils package star-imports its submodules in a load-bearing order."""

from gnx.utils import *
