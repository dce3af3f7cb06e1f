from pathlib import Path

VERSION = 1
