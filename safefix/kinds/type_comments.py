"""`# type:` comments (PEP 484): `x = []  # type: List[int]`, `def f(a):  # type: (int) -> str`.
Type checkers read the names in them as uses of the module's imports, as pyflakes does; ruff
does not, and removes the imports."""

from __future__ import annotations

import ast
import re

from safefix.kinds._kind import Example, Kind, Screen
from safefix.kinds._syntax import BUILTINS, PythonFile
from safefix.types import ConsumerKind

_COMMENT = re.compile(rb"#[ \t]*type:[ \t]*([^#\r\n]+)")
_IGNORE = re.compile(r"ignore\b")


def collect(file: PythonFile) -> None:
    if not file.own_module or b"type:" not in file.source:
        return
    for match in _COMMENT.finditer(file.source):
        text = match.group(1).decode("utf-8", errors="replace").strip()
        tree = _parse(text)
        if tree is None:
            continue
        line = file.source.count(b"\n", 0, match.start()) + 1
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id not in BUILTINS:
                comment = f"# type: {text}"
                kind = ConsumerKind.TYPE_COMMENT
                file.add(line, file.own_module, node.id, kind, comment, typing_only=True)


def _parse(text: str) -> ast.AST | None:
    """A type comment's expression, or a signature's `(args) -> result`; None for
    `ignore` and anything that is not one."""
    if _IGNORE.match(text):
        return None
    try:
        return ast.parse(text, mode="func_type" if "->" in text else "eval")
    except (SyntaxError, ValueError):
        return None


KIND = Kind(
    name="type_comments",
    labels=(ConsumerKind.TYPE_COMMENT,),
    screen=Screen.OWN_GLOBALS,
    own_markers=(b"type:",),
    python=collect,
    valid=(
        Example("assignment", "app/api.py", "x = {}  # type: json.JSONDecoder\n"),
        Example("signature", "app/api.py", "def f(a):\n    # type: (int) -> json\n    return a\n"),
        Example("nested", "app/api.py", "x = []  # type: List[Optional[json]]\n"),
        Example("for-loop", "app/api.py", "for x in y:  # type: json\n    pass\n"),
    ),
    invalid=(
        Example("ignore", "app/api.py", "x = json_like()  # type: ignore[name-defined]\n"),
        Example("prose", "app/api.py", "# the type: of json is a module\nx = 1\n"),
        Example("another-modules-comment", "app/other.py", "x = {}  # type: json.JSONDecoder\n"),
        Example("other-name", "app/api.py", "x = []  # type: List[int]\n"),
    ),
)
