from lib._impl import Engine, Unused

VERSION = "1.0"
