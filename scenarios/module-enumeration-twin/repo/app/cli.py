import importlib
import inspect
import sys

from app import handlers


def handler_names():
    found = [name for name, _ in inspect.getmembers(handlers, inspect.isfunction)]
    if found != ["cleanup", "farewell", "greet", "rebuild"]:
        raise RuntimeError(f"handlers: {found}")
    return found


def listed():
    return dir(importlib.import_module("app.handlers")), vars(sys.modules["app.handlers"])
