"""Every consumer kind's own table: VALID rows must be found, INVALID rows must find nothing,
through the real index and its byte screen, which must lose nothing a full parse finds."""

from __future__ import annotations

import importlib
import json
import pkgutil
from importlib import resources
from pathlib import Path

import pytest
from support import write_tree

import safefix.kinds
from safefix.consumers import ConsumerIndex, build_full_index, build_index
from safefix.kinds import Example, Kind, Screen, all_kinds
from safefix.modules import build_module_map
from safefix.sources import text_files
from safefix.types import Consumer, ConsumerKind

BASE = {"app/__init__.py": "", "app/api.py": "import json\n", "app/other.py": "import json\n"}


def _rows(*tables: str, elsewhere: bool = False) -> list[object]:
    """The tables' rows; `elsewhere`: only those outside the file the name is removed from."""
    return [
        pytest.param(kind, example, id=f"{kind.name}-{example.id}")
        for kind in all_kinds()
        for table in tables
        for example in getattr(kind, table)
        if not (elsewhere and example.path == example.target)
    ]


def _index(tmp_path: Path, example: Example, *, screened: bool) -> ConsumerIndex:
    write_tree(tmp_path, {**BASE, **dict(example.also), example.path: example.text})
    files = sorted(tmp_path.rglob("*.py"))
    modules = build_module_map(files, tmp_path)
    docs = text_files(tmp_path)
    target = tmp_path / example.target
    # a row that rewrites its target gives ruff's output: the module's own uses of the name
    contents = {target: target.read_bytes()} if example.path == example.target else {}
    if not screened:
        return build_full_index(files, modules, docs)
    removed_from = {example.name: list(modules.names[target])}
    own = {target: [example.name]}
    return build_index(files, contents, removed_from, modules, docs, own_names=own)


def _consumers(tmp_path: Path, example: Example, *, screened: bool = True) -> list[Consumer]:
    index = _index(tmp_path, example, screened=screened)
    return index.consumers_of(tmp_path / example.target, example.name)


@pytest.mark.parametrize(("kind", "example"), _rows("valid"))
def test_valid_rows_are_found(tmp_path: Path, kind: Kind, example: Example) -> None:
    found = _consumers(tmp_path, example)
    assert {c.kind for c in found} & set(kind.labels), found


@pytest.mark.parametrize(("kind", "example"), _rows("invalid"))
def test_invalid_rows_find_nothing(tmp_path: Path, kind: Kind, example: Example) -> None:
    assert _consumers(tmp_path, example) == []


@pytest.mark.parametrize(("kind", "example"), _rows("valid", "invalid", elsewhere=True))
def test_the_screen_loses_no_consumer(tmp_path: Path, kind: Kind, example: Example) -> None:
    """What the byte screen lets through finds every consumer a full parse of every file finds.
    (Rows in the file itself are its own uses, looked for only in ruff's output of it.)"""
    assert _consumers(tmp_path, example) == _consumers(tmp_path, example, screened=False)


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
        markers = kind.declares or kind.declares_re or (kind.text.markers if kind.text else ())
        assert bool(markers) == (kind.screen is Screen.DECLARED), name


def test_typing_only_consumers_are_labelled(tmp_path: Path) -> None:
    (example,) = [e for k in all_kinds() for e in k.valid if e.id == "typing-only"]
    (consumer,) = _consumers(tmp_path, example)
    assert consumer.typing_only


def test_doctest_examples_are_reported_at_their_line(tmp_path: Path) -> None:
    example = Example(
        "at-line", "app/main.py", '"""Doc.\n\nText.\n\n>>> from app.api import json\n"""\n'
    )
    (consumer,) = _consumers(tmp_path, example)
    assert (consumer.path.name, consumer.line, consumer.kind.value) == ("main.py", 5, "doctest")


def _enums(node: object, key: str) -> list[list[str]]:
    """Every `enum` list given for a property named `key`, anywhere in a JSON schema."""
    if isinstance(node, list):
        return [found for item in node for found in _enums(item, key)]
    if not isinstance(node, dict):
        return []
    here = [node[key]["enum"]] if isinstance(node.get(key), dict) and "enum" in node[key] else []
    return here + [found for value in node.values() for found in _enums(value, key)]


def test_the_report_schema_names_every_consumer_kind() -> None:
    schema = json.loads(
        resources.files("safefix").joinpath("schema/report.schema.json").read_text()
    )
    (enum,) = _enums(schema, "kind")
    assert sorted(enum) == sorted(kind.value for kind in ConsumerKind)
    labels = {label for kind in all_kinds() for label in kind.labels}
    assert labels <= set(ConsumerKind)
