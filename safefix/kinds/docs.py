"""Documentation that imports the project when it is built or tested: Sphinx autodoc directives
(`.. autofunction:: app.api.X`, MyST's ```` ```{autoclass} ````), mkdocstrings' `::: app.api.X`,
and the code the docs run (`.. testsetup::` / `.. testcode::` blocks, ```` ```python ````
fences). Prose is not a consumer: a `:func:` role, a dotted name in a sentence or a changelog
line names code for a reader, and nothing imports it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from safefix.kinds._code import code_consumers
from safefix.kinds._kind import Example, Kind, Screen, TextReader
from safefix.kinds._syntax import resolve_target
from safefix.modules import ModuleMap
from safefix.types import Consumer, ConsumerKind

_TARGET = r"(?P<target>[A-Za-z_][\w.]*(?::[\w.]+)?)"
#: Where a page names an object its build imports: `.. autoclass:: app.api.X`,
#: ```` ```{autofunction} app.api.X ```` (MyST), `::: app.api.X` (mkdocstrings).
_DIRECTIVES = re.compile(
    rf"^[ \t]*(?:\.\.[ \t]+(?:py:)?auto\w+::|(?:`{{3,}}|:{{3,}})\{{(?:py:)?auto\w+\}}|:::)"
    rf"[ \t]+{_TARGET}",
    re.MULTILINE,
)
#: Sphinx's doctest extension runs these blocks' bodies (indented below the directive).
_RST_CODE = re.compile(r"^(?P<indent>[ \t]*)\.\.[ \t]+(?:testsetup|testcode)::.*$", re.MULTILINE)
#: A fenced block of Python in Markdown (```` ```python ````, `~~~py`).
_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*\{?(?:python3?|py)\}?[ \t]*$", re.MULTILINE
)


def doc_consumers(path: Path, text: str, modules: ModuleMap) -> list[Consumer]:
    """The objects a page's directives document, and the consumers in the code it runs."""
    found = []
    for match in _DIRECTIVES.finditer(text):
        target = match["target"].rstrip(".")
        if resolved := resolve_target(target, modules):
            line = text.count("\n", 0, match.start()) + 1
            text_of = match.group().strip()
            found.append(Consumer(path, line, *resolved, ConsumerKind.DOC_DIRECTIVE, text_of))
    blocks = [*_rst_blocks(text), *_fenced_blocks(text)]
    blocks.sort(key=lambda block: block[1])
    return found + code_consumers(path, blocks, modules, ConsumerKind.DOC_CODE)


def _rst_blocks(text: str) -> Iterator[tuple[str, int]]:
    """The body of each `.. testsetup::` / `.. testcode::` block, dedented, with its line."""
    lines = text.split("\n")
    for match in _RST_CODE.finditer(text):
        start = text.count("\n", 0, match.start()) + 1  # the body's lines follow this one
        indent = len(match["indent"])
        body: list[str] = []
        for line in lines[start:]:
            if line.strip() and len(line) - len(line.lstrip()) <= indent:
                break
            body.append(line)
        code = [line for line in body if line.strip()]
        if not code:
            continue
        options = 0
        while options < len(body) and body[options].strip().startswith(":"):
            options += 1  # `:hide:`, `:skipif:`
        margin = min(len(line) - len(line.lstrip()) for line in code)
        source = "\n".join(line[margin:] for line in body)
        yield "\n" * options + source.split("\n", options)[-1], start + 1


def _fenced_blocks(text: str) -> Iterator[tuple[str, int]]:
    """The body of each fenced Python block, with the line it starts on."""
    for match in _FENCE.finditer(text):
        fence = match["fence"]
        body_at = match.end() + 1
        close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.MULTILINE)
        end = close.search(text, body_at)
        body = text[body_at : end.start() if end else len(text)]
        indent = len(match["indent"])
        source = "\n".join(line[indent:] for line in body.split("\n"))
        yield source, text.count("\n", 0, body_at) + 1


KIND = Kind(
    name="docs",
    labels=(ConsumerKind.DOC_DIRECTIVE, ConsumerKind.DOC_CODE),
    screen=Screen.NEAR_MODULE,
    text=TextReader(frozenset(), frozenset({".md", ".rst", ".txt"}), doc_consumers),
    valid=(
        Example("autofunction", "docs/api.rst", "API\n===\n\n.. autofunction:: app.api.json\n"),
        Example("autoclass-py", "docs/api.rst", ".. py:autoclass:: app.api.json\n   :members:\n"),
        Example("myst", "docs/api.md", "```{autodata} app.api.json\n```\n"),
        Example("mkdocstrings", "docs/api.md", "# API\n\n::: app.api.json\n"),
        Example(
            "testcode",
            "docs/usage.rst",
            "Usage\n\n.. testcode::\n   :hide:\n\n   from app.api import json\n   print(json)\n",
        ),
        Example(
            "testsetup-then-code",
            "docs/usage.rst",
            ".. testsetup::\n\n   import app.api\n\n.. testcode::\n\n   app.api.json.dumps(1)\n",
        ),
        Example("fence", "README.md", "Use it:\n\n```python\nfrom app.api import json\n```\n"),
        Example(
            "fence-py", "docs/x.md", "- item\n\n  ~~~py\n  import app.api as a\n  a.json\n  ~~~\n"
        ),
    ),
    invalid=(
        Example("role", "docs/api.rst", "See :func:`app.api.json` for details.\n"),
        Example("prose", "CHANGELOG.md", "- Removed `app.api.json`; use app.api.json instead.\n"),
        Example("code-block-shell", "README.md", "```sh\nfrom app.api import json\n```\n"),
        Example("automodule", "docs/api.rst", ".. automodule:: app.api\n   :members:\n"),
        Example("other-module", "docs/api.rst", ".. autofunction:: app.other.json\n"),
        Example(
            "not-a-test-block",
            "docs/usage.rst",
            ".. note::\n\n   from app.api import json\n",
        ),
    ),
)
