"""Every consumer kind's own table: VALID rows must be found, INVALID rows must find nothing,
through the real index and its byte screen, which must lose nothing a full parse finds."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from support import write_tree

import safefix.kinds
from safefix.consumers import ConsumerIndex, build_full_index, build_index
from safefix.kinds import Example, Kind, Screen, all_kinds
from safefix.modules import build_module_map
from safefix.sources import text_files

BASE = {"app/__init__.py": "", "app/api.py": "import json\n", "app/other.py": "import json\n"}
API = "app/api.py"


def _rows(*tables: str, elsewhere: bool = False) -> list[object]:
    """The tables' rows; `elsewhere`: only those outside app/api.py."""
    return [
        pytest.param(kind, example, id=f"{kind.name}-{example.id}")
        for kind in all_kinds()
        for table in tables
        for example in getattr(kind, table)
        if not (elsewhere and example.path == API)
    ]


def _index(tmp_path: Path, example: Example, *, screened: bool) -> ConsumerIndex:
    write_tree(tmp_path, {**BASE, example.path: example.text})
    files = sorted(tmp_path.rglob("*.py"))
    modules = build_module_map(files, tmp_path)
    docs = text_files(tmp_path)
    api = tmp_path / API
    # a row that rewrites app/api.py gives ruff's output: the module's own uses of the name
    contents = {api: api.read_bytes()} if example.path == API else {}
    if not screened:
        return build_full_index(files, modules, docs)
    return build_index(files, contents, {"json": ["app.api"]}, modules, docs)


@pytest.mark.parametrize(("kind", "example"), _rows("valid"))
def test_valid_rows_are_found(tmp_path: Path, kind: Kind, example: Example) -> None:
    index = _index(tmp_path, example, screened=True)
    found = index.consumers_of(tmp_path / API, "json")
    assert {c.kind for c in found} & set(kind.labels), found


@pytest.mark.parametrize(("kind", "example"), _rows("invalid"))
def test_invalid_rows_find_nothing(tmp_path: Path, kind: Kind, example: Example) -> None:
    index = _index(tmp_path, example, screened=True)
    assert index.consumers_of(tmp_path / API, "json") == []


@pytest.mark.parametrize(("kind", "example"), _rows("valid", "invalid", elsewhere=True))
def test_the_screen_loses_no_consumer(tmp_path: Path, kind: Kind, example: Example) -> None:
    """What the byte screen lets through finds every consumer a full parse of every file finds.
    (Rows in app/api.py are the module's own uses, looked for only in ruff's output of it.)"""
    api = tmp_path / API
    screened = _index(tmp_path, example, screened=True).consumers_of(api, "json")
    assert screened == _index(tmp_path, example, screened=False).consumers_of(api, "json")


def test_every_kind_module_declares_a_kind_with_both_tables() -> None:
    names = [
        info.name
        for info in pkgutil.iter_modules(safefix.kinds.__path__)
        if not info.name.startswith("_")
    ]
    assert [kind.name for kind in all_kinds()] == sorted(names)
    for name in names:
        kind = importlib.import_module(f"safefix.kinds.{name}").KIND
        assert kind.valid and kind.invalid, name
        assert (kind.python, kind.text) != (None, None), name
        assert bool(kind.own_markers) == (kind.screen is Screen.OWN_GLOBALS), name


def test_typing_only_consumers_are_labelled(tmp_path: Path) -> None:
    (example,) = [e for k in all_kinds() for e in k.valid if e.id == "typing-only"]
    (consumer,) = _index(tmp_path, example, screened=True).consumers_of(tmp_path / API, "json")
    assert consumer.typing_only


def test_doctest_examples_are_reported_at_their_line(tmp_path: Path) -> None:
    example = Example(
        "at-line", "app/main.py", '"""Doc.\n\nText.\n\n>>> from app.api import json\n"""\n'
    )
    (consumer,) = _index(tmp_path, example, screened=True).consumers_of(tmp_path / API, "json")
    assert (consumer.path.name, consumer.line, consumer.kind.value) == ("main.py", 5, "doctest")
