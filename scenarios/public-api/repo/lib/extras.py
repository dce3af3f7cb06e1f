from ._impl import Helper
from ._impl import Plugin
