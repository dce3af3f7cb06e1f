"""Reads other modules' attributes by name."""

import importlib
import sys
from unittest import mock

from app import a, d, e


def has_json():
    if not hasattr(a, "json"):
        raise RuntimeError("app.a has no json")
    return True


def home():
    return getattr(importlib.import_module("app.b"), "Path").home()


def indent():
    importlib.import_module("app.c")
    return getattr(sys.modules["app.c"], "dedent")("  x")


def now():
    return vars(d)["datetime"].now()


def amounts():
    return e.__dict__["Decimal"]("1.5"), e.__dict__.get("Fraction")(1, 2)


def patched():
    with mock.patch.multiple("app.f", base64=mock.DEFAULT, hashlib=mock.DEFAULT) as mocks:
        return sorted(mocks)
