"""Annotations read at runtime in the defining module's globals: the fields of dataclasses,
attrs classes, NamedTuples, TypedDicts and pydantic (or msgspec, SQLModel) models, which
`typing.get_type_hints` and those libraries evaluate, strings (`"models.User"`) and
`from __future__ import annotations` included. A fix that moves such an import under
`TYPE_CHECKING` (TC00x) leaves them a NameError: the module consumes its own import at runtime.

Only the class's own body counts, and a model found by its decorator or base class in this
file (a base defined in another module is not followed)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from safefix.kinds._kind import Example, Kind, Screen
from safefix.kinds._syntax import BUILTINS, PythonFile
from safefix.types import ConsumerKind

#: Decorators whose classes' annotations are evaluated (by the last part of their name).
_DECORATORS = frozenset({"dataclass", "define", "frozen", "mutable", "attrs", "attr.s"})
#: Base classes whose subclasses' annotations are evaluated (by the last part of the name).
_BASES = frozenset(
    {"NamedTuple", "TypedDict", "BaseModel", "BaseSettings", "RootModel", "SQLModel", "Struct"}
)


def collect(file: PythonFile) -> None:
    if not file.own_module:
        return
    for cls in _models(file):
        for stmt in cls.body:
            if isinstance(stmt, ast.AnnAssign):
                for name in _names(stmt.annotation):
                    text = f"{cls.name}.{ast.unparse(stmt.target)}: {ast.unparse(stmt.annotation)}"
                    text += " (evaluated at runtime)"
                    file.add(stmt.lineno, file.own_module, name, ConsumerKind.GLOBALS, text)


def _models(file: PythonFile) -> Iterator[ast.ClassDef]:
    """The classes whose annotations are evaluated: by decorator, by base class, or by a base
    that is such a class of this file."""
    models: set[str] = set()
    for cls in file.nodes[ast.ClassDef]:  # outer classes come first: bases before subclasses
        bases = {_last(base) for base in cls.bases}
        decorated = any(_last(d) in _DECORATORS for d in cls.decorator_list)
        if decorated or not bases.isdisjoint(_BASES) or not bases.isdisjoint(models):
            models.add(cls.name)
            yield cls


def _last(node: ast.expr) -> str:
    """The last part of a decorator's or base's name: `dataclass` of `@dataclasses.dataclass(
    frozen=True)`; `attr.s` whole."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        attr_s = node.attr == "s" and isinstance(node.value, ast.Name) and node.value.id == "attr"
        return "attr.s" if attr_s else node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _names(annotation: ast.expr) -> set[str]:
    """The global names an annotation needs, in its strings too (`"models.User"`)."""
    found: set[str] = set()
    for node in ast.walk(annotation):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                found |= _names(ast.parse(node.value.strip(), mode="eval").body)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                continue
    return found - BUILTINS


KIND = Kind(
    name="runtime_annotations",
    labels=(ConsumerKind.GLOBALS,),
    screen=Screen.OWN_GLOBALS,
    own_markers=(b"dataclass", b"NamedTuple", b"TypedDict", b"BaseModel"),
    namespace_markers=(
        b"dataclass",
        b"NamedTuple",
        b"TypedDict",
        b"BaseModel",
        b"BaseSettings",
        b"RootModel",
        b"SQLModel",
        b"Struct",
        b"attr",
        b"define",
        b"frozen",
        b"mutable",
    ),
    python=collect,
    valid=(
        Example(
            "dataclass-field",
            "app/api.py",
            "from __future__ import annotations\nfrom dataclasses import dataclass\n"
            "@dataclass\nclass Form:\n    data: json.JSONDecoder\n",
        ),
        Example(
            "string-annotation",
            "app/api.py",
            "import dataclasses\n@dataclasses.dataclass(frozen=True)\nclass Form:\n"
            '    data: "json.JSONDecoder"\n',
        ),
        Example(
            "named-tuple",
            "app/api.py",
            "from __future__ import annotations\nimport typing\n"
            "class Pair(typing.NamedTuple):\n    data: list[json.JSONDecoder]\n",
        ),
        Example(
            "typed-dict",
            "app/api.py",
            "from typing import TypedDict\nclass Row(TypedDict):\n    data: 'json.JSONDecoder'\n",
        ),
        Example(
            "pydantic-model-subclass",
            "app/api.py",
            "from __future__ import annotations\nfrom pydantic import BaseModel\n"
            "class Base(BaseModel):\n    x: int\nclass Form(Base):\n    data: json.JSONDecoder\n",
        ),
        Example(
            "attrs-class",
            "app/api.py",
            "from __future__ import annotations\nimport attr\n@attr.s(auto_attribs=True)\n"
            "class Form:\n    data: json.JSONDecoder\n",
        ),
    ),
    invalid=(
        Example(
            "plain-class",
            "app/api.py",
            "from __future__ import annotations\nclass Form:\n    data: json.JSONDecoder\n",
        ),
        Example(
            "function-annotation",
            "app/api.py",
            "from __future__ import annotations\nfrom dataclasses import dataclass\n"
            "@dataclass\nclass Form:\n    def load(self, data: json.JSONDecoder) -> None: ...\n",
        ),
        Example(
            "another-modules-dataclass",
            "app/other.py",
            "from __future__ import annotations\nfrom dataclasses import dataclass\n"
            "@dataclass\nclass Form:\n    data: json.JSONDecoder\n",
        ),
        Example(
            "other-decorator",
            "app/api.py",
            "from __future__ import annotations\n@register\nclass Form:\n    data: json.JSONDecoder\n",
        ),
    ),
)
