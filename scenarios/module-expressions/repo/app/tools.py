"""Reaches other modules' attributes through expressions that evaluate to the modules."""

import importlib
import sys
from importlib import import_module
from types import ModuleType

import app.services


def dumps():
    return importlib.import_module("app.codec").json.dumps([1])


def home():
    return importlib.import_module(".paths", __package__).Path.home()


def indent():
    return import_module(".text", "app").dedent("  x")


def now():
    import_module("app.clock")
    return sys.modules["app.clock"].datetime.now()


def amount():
    numbers: ModuleType = import_module("app.numbers")
    return numbers.Decimal("1.5")


def encode():
    if (encoding := import_module("app.encoding")) is not None:
        return encoding.base64.b64encode(b"x")
    return None


def ordered():
    return app.services.cache.OrderedDict()
