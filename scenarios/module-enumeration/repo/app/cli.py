import importlib
import inspect
import sys

from app import commands


def command_names():
    found = [name for name, _ in inspect.getmembers(commands, inspect.isfunction)]
    if found != ["farewell", "greet"]:
        raise RuntimeError(f"commands: {found}")
    return found


def task_names():
    found = [n for n in dir(importlib.import_module("app.tasks")) if not n.startswith("_")]
    if found != ["cleanup"]:
        raise RuntimeError(f"tasks: {found}")
    return found


def job_names():
    importlib.import_module("app.jobs")
    found = [n for n in vars(sys.modules["app.jobs"]) if not n.startswith("_")]
    if found != ["rebuild"]:
        raise RuntimeError(f"jobs: {found}")
    return found
