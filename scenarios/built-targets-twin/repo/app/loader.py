from importlib import import_module


def load(name):
    return import_module(f"app.plugins.{name}").Plugin


def load_by_getattr(name):
    return getattr(import_module("app.plugins." + name), "Plugin")


def load_all():
    return [load("csv"), load_by_getattr("xml")]
