"""Jupyter notebooks: their code cells run as Python in one namespace (`from app.api import X`,
`app.api.X`, `mock.patch("app.api.X")`), whatever ruff does or does not check of them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from safefix.kinds._code import code_consumers
from safefix.kinds._kind import Example, Kind, Screen, TextReader
from safefix.modules import ModuleMap
from safefix.types import Consumer, ConsumerKind

#: Cell magics whose body is still Python (`%%time`); any other (`%%bash`) runs something else.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})


def notebook_consumers(path: Path, text: str, modules: ModuleMap) -> list[Consumer]:
    """Consumers in the code cells of a notebook, each at the line its cell starts on."""
    try:
        notebook = json.loads(text)
    except ValueError:
        return []
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return []
    return code_consumers(path, _code_cells(text, cells), modules, ConsumerKind.NOTEBOOK)


def _code_cells(text: str, cells: list[object]) -> Iterator[tuple[str, int]]:
    """Each code cell's Python (IPython's `%line` magics and `!shell` lines blanked) and the
    line of the file its source starts on."""
    searched = 0
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        lines = source.splitlines(keepends=True) if isinstance(source, str) else source
        if not isinstance(lines, list) or not lines or not all(isinstance(s, str) for s in lines):
            continue
        at = text.find(json.dumps(lines[0])[:-1], searched)  # the JSON string, unterminated
        line = text.count("\n", 0, at) + 1 if at >= 0 else 1
        searched = max(at, searched)
        first = lines[0].lstrip()
        if first.startswith("%%"):
            if first[2:].split()[:1] and first[2:].split()[0] in PYTHON_CELL_MAGICS:
                yield "\n" + "".join(_python_line(s) for s in lines[1:]), line
            continue
        yield "".join(_python_line(s) for s in lines), line


def _python_line(line: str) -> str:
    """The line, or an empty one where IPython, not Python, reads it (`%pip`, `!ls`)."""
    return "\n" if line.lstrip().startswith(("%", "!")) else line.rstrip("\n") + "\n"


def _notebook(*sources: str) -> str:
    """A notebook holding one code cell per source, as Jupyter writes it (a line a string)."""
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": s.splitlines(True)}
        for s in sources
    ]
    document = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(document, indent=1) + "\n"


KIND = Kind(
    name="notebooks",
    labels=(ConsumerKind.NOTEBOOK,),
    screen=Screen.NEAR_MODULE,
    text=TextReader(frozenset(), frozenset({".ipynb"}), notebook_consumers),
    valid=(
        Example("from-import", "notebooks/explore.ipynb", _notebook("from app.api import json\n")),
        Example(
            "attribute-after-magic",
            "notebooks/explore.ipynb",
            _notebook("%matplotlib inline\nimport app.api\n", "app.api.json.dumps(1)\n"),
        ),
        Example(
            "patch-string",
            "explore.ipynb",
            _notebook('from unittest import mock\nmock.patch("app.api.json")\n'),
        ),
        Example("time-magic", "explore.ipynb", _notebook("%%time\nfrom app.api import json\n")),
    ),
    invalid=(
        Example(
            "markdown-cell",
            "explore.ipynb",
            _notebook("x = 1\n")
            .replace('"code"', '"markdown"', 1)
            .replace("x = 1", "from app.api import json"),
        ),
        Example("other-module", "explore.ipynb", _notebook("from app.other import json\n")),
        Example("bash-cell", "explore.ipynb", _notebook("%%bash\nfrom app.api import json\n")),
        Example("shell-line", "explore.ipynb", _notebook("!python -m app.api.json\n")),
    ),
)
