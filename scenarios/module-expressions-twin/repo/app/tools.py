"""Reaches other modules' attributes through expressions that evaluate to the modules."""

import importlib
import sys
from importlib import import_module
from types import ModuleType

import app.services


def dumps():
    return importlib.import_module("app.codec").VERSION


def home():
    return importlib.import_module(".paths", __package__).VERSION


def indent():
    return import_module(".text", "app").VERSION


def now():
    import_module("app.clock")
    return sys.modules["app.clock"].VERSION


def amount():
    numbers: ModuleType = import_module("app.numbers")
    return numbers.VERSION


def encode():
    if (encoding := import_module("app.encoding")) is not None:
        return encoding.VERSION
    return None


def ordered():
    return app.services.cache.VERSION
