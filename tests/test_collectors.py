"""Each consumer kind as data: a snippet in a small tree -> the consumers the index reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from safefix.consumers import build_full_index, build_index, text_files
from safefix.modules import build_module_map

BASE = {"app/__init__.py": "", "app/api.py": "import json\n", "app/other.py": "import json\n"}

CASES = [
    pytest.param(
        "tests/t.py",
        'from unittest import mock\nmock.patch("app.api.json")\n',
        "string",
        id="mock-patch",
    ),
    pytest.param(
        "tests/t.py",
        'import app.api\nimport mock\nmock.patch.object(app.api, "json")\n',
        "getattr",
        id="patch-object",
    ),
    pytest.param(
        "tests/t.py",
        'import app.api as a\ndef t(monkeypatch):\n    monkeypatch.setattr(a, "json", 1)\n',
        "getattr",
        id="monkeypatch-object",
    ),
    pytest.param(
        "tests/t.py",
        'def t(monkeypatch):\n    monkeypatch.setattr("app.api.json", 1)\n',
        "string",
        id="monkeypatch-string",
    ),
    pytest.param(
        "tests/t.py",
        'import importlib\nm = importlib.import_module("app.api")\ngetattr(m, "json")\n',
        "getattr",
        id="import-module-getattr",
    ),
    pytest.param(
        "tests/t.py",
        'import pytest\napi = pytest.importorskip("app.api")\napi.json\n',
        "attribute",
        id="importorskip",
    ),
    pytest.param(
        "setup.py",
        'setup(entry_points={"console_scripts": ["x = app.api:json"]})\n',
        "string",
        id="setup-py-entry-point",
    ),
    pytest.param(
        "setup.cfg",
        "[options.entry_points]\nconsole_scripts =\n    x = app.api:json\n",
        "entry-point",
        id="setup-cfg",
    ),
    pytest.param(
        "pyproject.toml",
        '[project.gui-scripts]\nx = "app.api:json"\n',
        "entry-point",
        id="gui-scripts",
    ),
    pytest.param("tox.ini", "[pytest]\naddopts = -p app.api.json\n", "config", id="tox-ini"),
    pytest.param(
        "docs/index.rst",
        "Example::\n\n    >>> from app.api import json\n",
        "doctest",
        id="rst-doctest",
    ),
    pytest.param(
        "app/star.py", "from app.api import *\n", None, id="star-import-alone-consumes-nothing"
    ),
    pytest.param(
        "app/star.py", "from app.api import *\nx = json\n", "star-import", id="star-import-use"
    ),
    pytest.param(
        "tests/t.py", 'import app.other\nmock.patch("app.other.json")\n', None, id="other-module"
    ),
    pytest.param("tests/t.py", 'x = "app.api"\ny = "json"\n', None, id="module-string-alone"),
    pytest.param(
        "tests/t.py", "from app.api import os\nx = other.json\n", None, id="from-import-other-names"
    ),
    pytest.param(
        "tests/t.py", "from app import api as a\nx = a.json\n", "attribute", id="module-alias"
    ),
    pytest.param("app/r.py", "def f():\n    from .api import json\n", "from-import", id="relative"),
    pytest.param(
        "app/r.py",
        "from .api import (\n    os,\n    json,\n)\n",
        "from-import",
        id="relative-wrapped",
    ),
    pytest.param("app/r.py", "from . import api\napi.json\n", "attribute", id="relative-module"),
    pytest.param(
        "app/r.py", "from . import api as a\nx = a.json\n", "attribute", id="relative-alias"
    ),
    pytest.param(
        "app/r.py", "from .api import *\nx = json\n", "star-import", id="relative-star-use"
    ),
    pytest.param(
        "app/r.py", "from .other import json\nfrom .api import x\n", None, id="relative-other"
    ),
    pytest.param("app/sub/r.py", "from ..api import json\n", "from-import", id="relative-parent"),
]


@pytest.mark.parametrize(("rel", "text", "kind"), CASES)
def test_consumer_kinds(tmp_path: Path, rel: str, text: str, kind: str | None) -> None:
    for name, content in {**BASE, rel: text}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    files = sorted(tmp_path.rglob("*.py"))
    modules = build_module_map(files, tmp_path)
    index = build_index(files, {}, {"json": ["app.api"]}, modules, text_files(tmp_path))
    found = [
        c for c in index.consumers_of(tmp_path / "app/api.py", "json") if c.path.name != "api.py"
    ]
    assert [c.kind.value for c in found] == ([kind] if kind else [])


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('@pytest.mark.skipif("not json")\ndef t(): pass\n', ["json"]),
        ('x = globals()["json"]\n', ["json"]),
        ('eval("json.dumps(1) + re")\n', ["json", "re"]),
        ("eval(\"'json'\")\n", []),
        ('"""Doc.\n\n>>> json.dumps(1)\n\'1\'\n"""\n', ["json"]),
        ('"""Doc.\n\n>>> import json\n>>> json.dumps(1)\n\'1\'\n"""\n', []),
    ],
)
def test_own_module_consumers(tmp_path: Path, text: str, names: list[str]) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app/__init__.py").write_text("")
    (tmp_path / "app/api.py").write_text(text)
    files = sorted(tmp_path.rglob("*.py"))
    modules = build_module_map(files, tmp_path)
    api = tmp_path / "app/api.py"
    index = build_index(
        files, {api: api.read_bytes()}, {n: ["app.api"] for n in ("json", "re")}, modules
    )
    assert [n for n in ("json", "re") if index.consumers_of(api, n)] == names


def test_typing_only_consumers_are_labelled(tmp_path: Path) -> None:
    for name, content in {
        **BASE,
        "app/t.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.api import json\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    files = sorted(tmp_path.rglob("*.py"))
    index = build_index(files, {}, {"json": ["app.api"]}, build_module_map(files, tmp_path))
    (consumer,) = index.consumers_of(tmp_path / "app/api.py", "json")
    assert consumer.typing_only


@pytest.mark.parametrize(("rel", "text", "kind"), CASES)
def test_prefilter_loses_no_consumer(tmp_path: Path, rel: str, text: str, kind: str | None) -> None:
    """The byte screen that decides which files to parse finds every consumer a full parse of
    every file finds, for every consumer kind."""
    for name, content in {**BASE, rel: text}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    files = sorted(tmp_path.rglob("*.py"))
    modules = build_module_map(files, tmp_path)
    docs = text_files(tmp_path)
    screened = build_index(files, {}, {"json": ["app.api"]}, modules, docs)
    full = build_full_index(files, modules, docs)
    api = tmp_path / "app/api.py"
    assert screened.consumers_of(api, "json") == full.consumers_of(api, "json")
