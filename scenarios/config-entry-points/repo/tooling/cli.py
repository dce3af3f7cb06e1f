import sys

from tooling.commands import main, legacy_main
