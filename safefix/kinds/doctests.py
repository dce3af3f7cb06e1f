"""`>>>` examples, in docstrings and a module's `__test__` dict (run in their module's globals:
a bare NAME consumes the module's own import) and in documentation files (Sphinx doctest,
doctest globs)."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from safefix.kinds._kind import Example, Kind, Screen, TextReader
from safefix.kinds._syntax import BUILTINS, Found, PythonFile, bound_names, bucketed
from safefix.modules import ModuleMap
from safefix.types import Consumer, ConsumerKind

if TYPE_CHECKING:
    import doctest


def collect(file: PythonFile) -> None:
    if file.doctest_of is None:
        for node, text in [*file.docstrings, *_test_dict(file)]:
            if ">>>" in text and file.mentions(text):
                examples(file, text, node.lineno)
    elif file.doctest_of:  # examples run in their module's globals: bare names are its own
        bound = file.bound
        for node in file.nodes[ast.Name]:
            name = node.id
            if isinstance(node.ctx, ast.Load) and name not in bound and name not in BUILTINS:
                text = f">>> ... {name} ..."
                file.add(node.lineno, file.doctest_of, name, ConsumerKind.DOCTEST, text)


def _test_dict(file: PythonFile) -> list[tuple[ast.Constant, str]]:
    """The strings of a module's `__test__` dict, which doctest runs like its docstrings."""
    found = []
    for node in file.nodes[ast.Assign]:
        if isinstance(node.value, ast.Dict) and any(
            isinstance(target, ast.Name) and target.id == "__test__" for target in node.targets
        ):
            for value in node.value.values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.append((value, value.value))
    return found


def examples(file: PythonFile, text: str, first_line: int) -> None:
    """Let every kind look at the examples in `text`, whose first line is `first_line`."""
    import doctest  # costs start-up time; only files with `>>>` need it

    try:
        found = doctest.DocTestParser().get_examples(text)
    except ValueError:  # inconsistent indentation: doctest itself would refuse to run it
        return
    if (whole := _examples_as_one(found)) is not None:
        # the examples share the module's globals: one tree, each at its own line
        file.collect_nested(whole, first_line - 1, frozenset())
        return
    trees = []
    for example in found:
        try:
            trees.append((ast.parse(example.source), example.lineno))
        except SyntaxError:
            continue
    bound: set[str] = set()
    for tree, _ in trees:
        bound |= bound_names(bucketed(tree))
    for tree, line in trees:
        file.collect_nested(tree, first_line + line - 1, frozenset(bound))


def _examples_as_one(examples: Sequence[doctest.Example]) -> ast.Module | None:
    """A docstring's examples parsed as one module, each at its line in the docstring (one
    parse and one walk, not one per example); None if one of them does not parse."""
    parts = []
    line = 0
    for example in examples:
        if example.lineno < line:
            return None
        parts.append("\n" * (example.lineno - line))
        parts.append(example.source)
        line = example.lineno + example.source.count("\n")
    try:
        return ast.parse("".join(parts))
    except (SyntaxError, ValueError):
        return None


def doc_consumers(path: Path, text: str, modules: ModuleMap) -> list[Consumer]:
    """Consumers in the `>>>` examples of a documentation file."""
    from safefix.kinds import python_kinds

    empty = ast.Module(body=[], type_ignores=[])
    file = PythonFile(path, empty, modules, None, None, Found(), python_kinds())
    examples(file, text, 1)
    return file.found.consumers


KIND = Kind(
    name="doctests",
    labels=(ConsumerKind.DOCTEST,),
    screen=Screen.OWN_GLOBALS,
    own_markers=(b">>>", b"..."),
    python=collect,
    text=TextReader(frozenset(), frozenset({".md", ".rst", ".txt"}), doc_consumers),
    valid=(
        Example("rst", "docs/index.rst", "Example::\n\n    >>> from app.api import json\n"),
        Example("markdown", "README.md", "```\n>>> import app.api\n>>> app.api.json\n```\n"),
        Example("own-docstring", "app/api.py", '"""Doc.\n\n>>> json.dumps(1)\n\'1\'\n"""\n'),
        Example(
            "other-docstring",
            "app/main.py",
            '"""Doc.\n\n>>> from app.api import json\n"""\n',
        ),
        Example(
            "function-docstring",
            "app/api.py",
            'def f():\n    """\n    >>> x = 1\n    >>> json.dumps(x)\n    \'1\'\n    """\n',
        ),
        Example("test-dict", "app/api.py", '__test__ = {"x": """>>> json.dumps(1)\n\'1\'\n"""}\n'),
        Example(
            "test-dict-import",
            "app/main.py",
            '__test__ = {"x": ">>> from app.api import json\\n"}\n',
        ),
    ),
    invalid=(
        Example(
            "imports-its-own",
            "app/api.py",
            '"""Doc.\n\n>>> import json\n>>> json.dumps(1)\n\'1\'\n"""\n',
        ),
        Example("prose", "docs/index.rst", "Use app.api.json to serialise.\n"),
        Example("not-a-docstring", "app/api.py", 'x = """>>> json.dumps(1)"""\n'),
        Example("other-dict", "app/api.py", 'TESTS = {"x": """>>> json.dumps(1)"""}\n'),
    ),
)
