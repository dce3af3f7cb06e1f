"""Effect modules as a data table: EFFECTS must be found (with their line), PURE must not, and
the byte screen must let through every module that has an effect."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from safefix.effects import Effect, EffectModules, module_effect, ran_modules
from safefix.modules import build_module_map
from safefix.top_level import top_level_code
from safefix.types import Removal

EFFECTS = [
    pytest.param("import atexit\natexit.register(print)\n", 2, id="atexit-register"),
    pytest.param("import codecs\n\ncodecs.register(lambda name: None)\n", 3, id="codecs"),
    pytest.param(
        "from app.signals import receiver\n\n@receiver('saved')\ndef on_saved(): ...\n",
        3,
        id="receiver-decorator",
    ),
    pytest.param(
        "from app.registry import registry\n\n@registry.register\nclass Csv: ...\n",
        3,
        id="registry-register-class",
    ),
    pytest.param("from django.contrib import admin\nadmin.site.register(object)\n", 2, id="admin"),
    pytest.param("from app import app\n\n@app.route('/')\ndef index(): ...\n", 3, id="route"),
    pytest.param("import sys\nsys.modules['legacy'] = sys\n", 2, id="sys-modules-write"),
    pytest.param("import app.config as config\nconfig.DEBUG = True\n", 2, id="other-module-attr"),
    pytest.param("import app\nsetattr(app, 'x', 1)\n", 2, id="setattr"),
    pytest.param("def setup(): ...\n\nsetup()\n", 3, id="own-function-call"),
    pytest.param("import os\nif os.name == 'nt':\n    print('windows')\n", 3, id="under-if"),
    pytest.param(
        "try:\n    import numpy\nexcept ImportError:\n    numpy = None\nelse:\n"
        "    numpy.seterr(all='ignore')\n",
        6,
        id="try-else",
    ),
    pytest.param(
        "class Registry(dict): ...\nREG = Registry()\nREG.register('a')\n", 3, id="own-register"
    ),
    pytest.param(
        "from blinker import signal\nhandler = signal('x').connect(print)\n", 2, id="assign-connect"
    ),
    pytest.param("import app\n\ndel app.legacy\n", 3, id="delete-other"),
    pytest.param("from app import cli\n\n@cli.command()\ndef run(): ...\n", 3, id="click-command"),
]

PURE = [
    pytest.param('"""Docstring."""\n\nX = 1\nNAMES = ("a", "b")\n', id="constants"),
    pytest.param("import logging\n\nlogger = logging.getLogger(__name__)\n", id="get-logger"),
    pytest.param("from flask import Flask\n\napp = Flask(__name__)\n", id="flask-app"),
    pytest.param(
        "from typing import NamedTuple, NewType, TypedDict, TypeVar\nT = TypeVar('T')\n"
        "UserId = NewType('UserId', int)\nclass P(NamedTuple):\n    x: int\n",
        id="typing-constructs",
    ),
    pytest.param("__all__ = ['a']\n__all__ += ['b']\n__all__.extend(['c'])\n", id="dunder-all"),
    pytest.param(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    print('never')\n",
        id="type-checking",
    ),
    pytest.param("def main(): ...\n\nif __name__ == '__main__':\n    main()\n", id="main-guard"),
    pytest.param(
        "import functools\nfrom dataclasses import dataclass\n\n@dataclass(frozen=True)\nclass A:\n"
        "    x: int\n\n@functools.lru_cache\ndef f(): ...\n",
        id="returning-decorators",
    ),
    pytest.param(
        "try:\n    import ujson as json\nexcept ImportError:\n    import json\n",
        id="import-fallback",
    ),
    pytest.param(
        "def f():\n    print('only when called')\n    other.x = 1\n", id="inside-function"
    ),
    pytest.param("CACHE = {}\nCACHE['a'] = 1\nclass A: ...\nA.x = 2\n", id="own-state"),
    pytest.param("import logging\n\nhandler = logging.StreamHandler()\n", id="stream-handler"),
    pytest.param("x: int\ny: int = 2\n", id="annotations"),
]


@pytest.mark.parametrize(("source", "line"), EFFECTS)
def test_effects_are_found(source: str, line: int) -> None:
    effect = module_effect(ast.parse(source))
    assert effect is not None and effect.line == line, effect
    assert _through_the_cut(source.encode()) == effect


@pytest.mark.parametrize("source", PURE)
def test_pure_modules_have_no_effect(source: str) -> None:
    assert module_effect(ast.parse(source)) is None


def _through_the_cut(source: bytes) -> Effect | None:
    reduced = top_level_code(source)
    return None if reduced is None else module_effect(ast.parse(reduced))


def test_the_cut_skips_modules_of_definitions_and_imports() -> None:
    source = b'"""Doc.\n\nText.\n"""\n# note\nimport os\nfrom . import (\n    x,\n)\n\n\n'
    source += b"@functools.cache\ndef f(a):\n    os.x(a)\n\n\nclass A(\n    B,\n):\n    c = d()\n"
    assert top_level_code(source) is None


def test_the_cut_keeps_line_numbers() -> None:
    source = b'def f():\n    return """\nSELECT 1\n"""\n\n\n@app.route("/")\ndef g(): ...\n'
    assert _through_the_cut(source) == Effect(7, "@app.route(...)")


SOURCES = sorted(
    p
    for root in ("safefix", "tests", "scenarios")
    for p in (Path(__file__).resolve().parent.parent / root).rglob("*.py")
)


def test_the_cut_finds_what_a_whole_parse_finds() -> None:
    """Differential: the cut module's effect is the whole module's, on every file here
    (where the cut does not parse, the whole module is parsed instead)."""
    for path in SOURCES:
        source = path.read_bytes()
        whole = module_effect(ast.parse(source))
        try:
            assert _through_the_cut(source) == whole, path
        except SyntaxError:
            continue


def test_effect_modules_are_read_once_and_name_the_statement(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    for name, text in {
        "__init__": "",
        "signals": "import atexit\natexit.register(print)\n",
    }.items():
        (tmp_path / "app" / f"{name}.py").write_text(text)
    modules = build_module_map(sorted(tmp_path.rglob("*.py")), tmp_path)
    effects = EffectModules(modules)
    signals = tmp_path / "app" / "signals.py"
    assert effects.effect_of("app.signals") == (signals, Effect(2, "atexit.register(...)"))
    assert effects.effect_of("app") is None
    signals.write_text("")
    assert effects.effect_of("app.signals") is not None  # read once a run


def test_the_packages_a_module_is_in_have_run_before_it(tmp_path: Path) -> None:
    """`from app.signals import x` in app/main.py runs app.signals, not app: importing
    app.main ran app/__init__.py first."""
    for name in ("app/__init__.py", "app/signals.py", "app/main.py", "other.py"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("")
    modules = build_module_map(sorted(tmp_path.rglob("*.py")), tmp_path)
    runs = ("app", "app.signals", "app.signals.x")
    inside = Removal(tmp_path / "app/main.py", "app.main", "x", 1, 0, (), "import", "", runs=runs)
    assert ran_modules(inside, modules) == ["app.signals"]
    outside = replace(inside, path=tmp_path / "other.py")
    assert ran_modules(outside, modules) == ["app", "app.signals"]
