"""What a consumer kind declares: what it reads, how the byte screen finds it, what it finds,
and the examples that prove it (its tests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from safefix.kinds._syntax import PythonFile
from safefix.modules import ModuleMap
from safefix.types import Consumer, ConsumerKind


class Screen(str, Enum):
    """How the index's one byte pass over every file lets this kind's consumers through.

    The screen reads each file once for every kind together; a kind only says which of its
    tests can find its consumers, so the screen never drops a file a kind would need.
    """

    #: The consumer names the removed name near its module: on a line that names the module
    #: (by its last component), in the parentheses of an import of it, as `.name` or "name"
    #: in a file that imports the module, or in a relative import's name list.
    NEAR_MODULE = "near-module"
    #: The consumer uses the name bare, in a module that star-imports its module (directly or
    #: through other star-importing modules).
    THROUGH_STAR = "through-star"
    #: The module uses its own name, on a line holding one of the kind's `own_markers`.
    OWN_GLOBALS = "own-globals"
    #: pytest looks the name up in a test module or conftest.py: the consumer is a test file in
    #: that module's directory (or below it) that names it, as a parameter say.
    PYTEST_SCOPE = "pytest-scope"
    #: A framework reads the module's names by convention once a file declares it (its
    #: `DJANGO_SETTINGS_MODULE`, its `pytest_plugins`): a file holding one of the kind's
    #: `declares` markers (or a config file holding one of its reader's `markers`) is always
    #: read, whichever names it mentions.
    DECLARED = "declared"


@dataclass(frozen=True)
class Example:
    """One table row. The project holds `app/__init__.py`, `app/api.py` (`import json`) and
    `app/other.py` (`import json`); the row adds (or, for `app/api.py`, replaces: ruff's
    output) the file `path` holding `text`, and the files in `also`. The question: is `name`
    (`json` unless said), removed from the file `target`, used?"""

    id: str
    path: str
    text: str
    target: str = "app/api.py"
    also: tuple[tuple[str, str], ...] = ()
    name: str = "json"


@dataclass(frozen=True)
class TextReader:
    """The non-Python files a kind reads, by exact name or by suffix, and what it finds."""

    names: frozenset[str]
    suffixes: frozenset[str]
    collect: Callable[[Path, str, ModuleMap], list[Consumer]]
    #: For `Screen.DECLARED`: byte strings that make the file worth reading whatever it
    #: mentions (it may declare a module whose names a framework reads).
    markers: tuple[bytes, ...] = ()

    def reads(self, path: Path) -> bool:
        return path.name in self.names or path.suffix in self.suffixes


@dataclass(frozen=True)
class Kind:
    """A consumer kind: one module of `safefix.kinds`, found there by name.

    `valid` rows must be found (as one of `labels`), `invalid` rows must find nothing: both
    run in `tests/test_kinds.py`, through the index and its byte screen.
    """

    name: str
    #: The labels its consumers are reported with.
    labels: tuple[ConsumerKind, ...]
    screen: Screen
    valid: tuple[Example, ...]
    invalid: tuple[Example, ...]
    #: What it finds in one parsed Python tree (None: it reads no Python).
    python: Callable[[PythonFile], None] | None = None
    #: What it finds in other files (None: it reads only Python).
    text: TextReader | None = None
    #: For `Screen.OWN_GLOBALS`: byte strings that mark a line using the module's own names.
    own_markers: tuple[bytes, ...] = ()
    #: For `Screen.OWN_GLOBALS`: byte strings that, anywhere in a module, say it may look any
    #: of its own names up at runtime (then a name it mentions anywhere may be used).
    namespace_markers: tuple[bytes, ...] = ()
    #: For `Screen.DECLARED`: byte strings that mark a Python file that may declare a module
    #: whose names a framework reads (`DJANGO_SETTINGS_MODULE`, `pytest_plugins`).
    declares: tuple[bytes, ...] = ()
    #: For `Screen.DECLARED`: the same as regular expressions, where a literal would let
    #: through too many files (`\bdir\(` and not `isdir(`).
    declares_re: tuple[bytes, ...] = ()
