"""Names a framework reads from a module by convention, once something declares the module.

Django reads every UPPERCASE name of the module `DJANGO_SETTINGS_MODULE` names; pytest calls
every `pytest_*` hook of a conftest.py or of a plugin module (`pytest_plugins = [...]`, `-p`,
a `pytest11` entry point), and looks the fixtures a test asks for by name up in every plugin.
A declaration names the module but not the names: the kinds record it as a consumer of one of
the placeholder names below, and the index asks `by_convention` for the real name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from safefix.types import Consumer, ConsumerKind

#: The module is Django's settings module: every UPPERCASE name of it is read.
EVERY_UPPERCASE = "<UPPERCASE names>"
#: The module is a pytest plugin: its hooks are called and its fixtures looked up by name.
PYTEST_PLUGIN = "<pytest plugin>"
#: The module of a fixture request (a test's parameter) that any pytest plugin may answer.
ANY_PYTEST_PLUGIN = "<any pytest plugin>"
#: The module's members are enumerated (`dir(m)`, `vars(m)`, `inspect.getmembers(m)`): every
#: public name of it is read.
EVERY_PUBLIC = "<public names>"
#: Consumer names that stand for a framework's rule, not for one name: never filtered out.
PLACEHOLDERS = frozenset({EVERY_UPPERCASE, PYTEST_PLUGIN, EVERY_PUBLIC})

Lookup = Mapping[tuple[str, str], Sequence[Consumer]]


def by_convention(lookup: Lookup, path: Path, module: str, name: str) -> list[Consumer]:
    """The consumers of `module.name` that a declaration of `module` (in `lookup`, by module
    and placeholder name) makes: `path` is the module's file."""
    found = []
    if name.isupper():  # what Django's settings loader takes: `if setting.isupper()`
        found += [_named(c, name) for c in lookup.get((module, EVERY_UPPERCASE), ())]
    if not name.startswith("_"):
        found += [_named(c, name) for c in lookup.get((module, EVERY_PUBLIC), ())]
    plugins = lookup.get((module, PYTEST_PLUGIN), ())
    if name.startswith("pytest_"):
        found += [_named(c, name, " (pytest calls its hooks)") for c in plugins]
        if path.name == "conftest.py":
            text = "pytest calls the pytest_* hooks of every conftest.py"
            found.append(Consumer(path, 1, module, name, ConsumerKind.PYTEST_PLUGIN, text))
    if plugins:
        via = f" (a fixture of the pytest plugin {module})"
        found += [
            replace(c, module=module, kind=ConsumerKind.PYTEST_PLUGIN, text=c.text + via)
            for c in lookup.get((ANY_PYTEST_PLUGIN, name), ())
        ]
    return found


def _named(consumer: Consumer, name: str, why: str = "") -> Consumer:
    """A declaration as a consumer of `name`."""
    return replace(consumer, name=name, text=consumer.text + why)
