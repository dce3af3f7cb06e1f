"""Reads other modules' attributes by name: only their VERSION, never an imported name."""

import importlib
import sys
from unittest import mock

from app import a, d, e


def has_version():
    return hasattr(a, "VERSION")


def version_b():
    return getattr(importlib.import_module("app.b"), "VERSION")


def version_c():
    importlib.import_module("app.c")
    return getattr(sys.modules["app.c"], "VERSION")


def version_d():
    return vars(d)["VERSION"]


def versions_e():
    return e.__dict__["VERSION"], e.__dict__.get("VERSION")


def patched():
    with mock.patch.multiple("app.f", VERSION=2) as mocks:
        return mocks
