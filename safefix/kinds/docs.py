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


#: What sets the module a page's later bare targets are looked up in, as Sphinx does:
#: `.. currentmodule:: app.api`, `.. module::`, and `.. automodule::` (which emits a
#: `py:module`); `None` resets it.
_SCOPES = re.compile(
    r"^[ \t]*\.\.[ \t]+(?:py:)?(?P<how>currentmodule|module|automodule)::[ \t]*"
    r"(?P<module>[A-Za-z_][\w.]*)?",
    re.MULTILINE,
)
#: Sphinx's autosummary imports each entry of its body (`Graph`, `utils.flatten`).
_AUTOSUMMARY = re.compile(r"^(?P<indent>[ \t]*)\.\.[ \t]+autosummary::[ \t]*$", re.MULTILINE)
#: An explicit `:members: a, b` option (on the directive's own option lines).
_MEMBERS = re.compile(r"^[ \t]+:members:[ \t]*(?P<names>\w[\w \t,]*)$", re.MULTILINE)


def doc_consumers(path: Path, text: str, modules: ModuleMap) -> list[Consumer]:
    """The objects a page's directives document, and the consumers in the code it runs."""
    found = []
    for at, targets, text_of in _directive_targets(text):
        resolved = next(filter(None, (resolve_target(t, modules) for t in targets)), None)
        if resolved:
            line = text.count("\n", 0, at) + 1
            found.append(Consumer(path, line, *resolved, ConsumerKind.DOC_DIRECTIVE, text_of))
    blocks = [*_rst_blocks(text), *_fenced_blocks(text)]
    blocks.sort(key=lambda block: block[1])
    return found + code_consumers(path, blocks, modules, ConsumerKind.DOC_CODE)


def _directive_targets(text: str) -> Iterator[tuple[int, tuple[str, ...], str]]:
    """(offset, candidate dotted targets, directive) for each object a directive documents.
    A target is looked up as it is, then in the page's current module (Sphinx's `py:module`,
    which `.. autoclass:: Shape` and `.. automethod:: Shape.area` rely on); an `automodule`
    with an explicit `:members: a, b` list documents those names of its module."""
    current: str | None = None
    events = [*_SCOPES.finditer(text), *_DIRECTIVES.finditer(text), *_AUTOSUMMARY.finditer(text)]
    for match in sorted(events, key=lambda m: m.start()):
        if match.re is _AUTOSUMMARY:
            for entry in _summary_entries(text, match):
                scoped = (f"{current}.{entry}",) if current else ()
                yield match.start(), (entry, *scoped), f"autosummary:: {entry}"
            continue
        if match.re is _SCOPES:
            current = match["module"] if match["module"] != "None" else None
            if match["how"] == "automodule" and current:
                for name in _listed_members(text, match.end()):
                    yield match.start(), (f"{current}.{name}",), match.group().strip()
            continue
        target = match["target"].rstrip(".")
        scoped = (f"{current}.{target}",) if current and ":" not in target else ()
        yield match.start(), (target, *scoped), match.group().strip()


def _summary_entries(text: str, match: re.Match[str]) -> Iterator[str]:
    """The dotted names an `.. autosummary::` block lists (its options left out)."""
    indent = len(match["indent"])
    for line in text[match.end() + 1 :].split("\n"):
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            return
        entry = line.strip().split(" ")[0].lstrip("~")
        if entry and not entry.startswith(":") and _DOTTED_ENTRY.match(entry):
            yield entry


_DOTTED_ENTRY = re.compile(r"[A-Za-z_][\w.]*$")


def _listed_members(text: str, end: int) -> list[str]:
    """The names of a `:members: a, b` option among the option lines after `end`."""
    body = text[end : end + 4096].split("\n")[1:]  # a directive's options are its next lines
    for line in body:
        if not line.strip() or not line.strip().startswith(":"):
            return []
        if match := _MEMBERS.match(line):
            return [n for n in re.split(r"[\s,]+", match["names"]) if n]
    return []


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
            "currentmodule",
            "docs/api.rst",
            ".. currentmodule:: app.api\n\nHelpers\n-------\n\n.. autofunction:: json\n",
        ),
        Example(
            "automodule-scope",
            "docs/api.rst",
            ".. automodule:: app.api\n\n.. autodata:: json\n",
        ),
        Example(
            "automodule-members-list",
            "docs/api.rst",
            ".. automodule:: app.api\n   :noindex:\n   :members: dumps, json\n",
        ),
        Example(
            "autosummary",
            "docs/api.rst",
            ".. currentmodule:: app\n\n.. autosummary::\n   :toctree: generated/\n\n"
            "   api.dumps\n   api.json\n\nAfter.\n",
        ),
        Example(
            "currentmodule-class-member",
            "docs/api.rst",
            ".. py:currentmodule:: app.api\n\n.. automethod:: json.dumps\n",
        ),
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
            "currentmodule-other",
            "docs/api.rst",
            ".. currentmodule:: app.api\n.. currentmodule:: app.other\n\n.. autofunction:: json\n",
        ),
        Example(
            "currentmodule-reset",
            "docs/api.rst",
            ".. currentmodule:: app.api\n.. currentmodule:: None\n\n.. autofunction:: json\n",
        ),
        Example(
            "autosummary-ends",
            "docs/api.rst",
            ".. currentmodule:: app.api\n\n.. autosummary::\n\n   dumps\n\njson\n",
        ),
        Example(
            "automodule-members-others",
            "docs/api.rst",
            ".. automodule:: app.api\n   :members: dumps\n\nSee json.\n",
        ),
        Example(
            "not-a-test-block",
            "docs/usage.rst",
            ".. note::\n\n   from app.api import json\n",
        ),
    ),
)
