"""A target built from the module's string constants: `MODULE = "app.api"`, then
`mock.patch(f"{MODULE}.NAME")`, `MODULE + ".NAME"`, `"%s.NAME" % MODULE`,
`"{}.NAME".format(MODULE)` (constants of the module or of a class, `__name__`); and a module
loaded by a name built at runtime, `import_module(f"app.plugins.{name}").NAME` or
`getattr(import_module(...), "NAME")`, which needs NAME in every module the name can match."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator

from safefix.kinds._kind import Example, Kind, Screen
from safefix.kinds._syntax import (
    MODULE_LOADERS,
    PythonFile,
    call_name,
    names_no_attribute,
    resolve_target,
    string_value,
)
from safefix.types import ConsumerKind

#: A built string, piece by piece; None stands for a piece only known at runtime.
Parts = list[str | None]
Constants = dict[str, str]


def collect(file: PythonFile) -> None:
    constants = _constants(file)
    for node in _built(file):
        if names_no_attribute(file.calls.get(id(node))):
            continue  # a logger's name, a target patched with create=True
        value = _known(_parts(node, constants))
        if value is not None and file.mentions(value):
            target = resolve_target(value, file.modules)
            if target is not None:
                text = f"{ast.unparse(node)} == {value!r}"
                file.add(node.lineno, *target, ConsumerKind.STRING, text)
    for call in file.nodes[ast.Call]:
        _loaded_attribute(file, call, constants)
    for node in file.nodes[ast.Attribute]:
        if isinstance(node.value, ast.Call):
            _loaded(file, node.value, node.attr, node.lineno, constants, ast.unparse(node))


def _built(file: PythonFile) -> Iterator[ast.expr]:
    """The expressions that build a string from pieces."""
    yield from file.nodes[ast.JoinedStr]
    for node in file.nodes[ast.BinOp]:
        if isinstance(node.op, (ast.Add, ast.Mod)):
            yield node
    for call in file.nodes[ast.Call]:
        if isinstance(call.func, ast.Attribute) and call.func.attr == "format":
            yield call


def _loaded_attribute(file: PythonFile, call: ast.Call, constants: Constants) -> None:
    """`getattr(import_module(...), "NAME")`."""
    if call_name(call) == "getattr" and len(call.args) >= 2:
        loader, name = call.args[0], string_value(call.args[1])
        if isinstance(loader, ast.Call) and name is not None:
            _loaded(file, loader, name, call.lineno, constants, ast.unparse(call))


def _loaded(
    file: PythonFile, call: ast.Call, name: str, line: int, constants: Constants, text: str
) -> None:
    """NAME looked up on the module `import_module(built name)` loads: in every project module
    the built name can be."""
    if call_name(call) not in MODULE_LOADERS or not call.args or not file.mentions(name):
        return
    if string_value(call.args[0]) is not None:
        return  # a literal module name: the attribute kind's
    parts = _parts(call.args[0], constants)
    for module in _matching(file, parts):
        file.add(line, module, name, ConsumerKind.STRING, text)


def _matching(file: PythonFile, parts: Parts) -> list[str]:
    """The project modules a built module name can be: its known pieces as they stand, each
    runtime piece one or more dotted components. A name that does not start with a known
    package (`import_module(name)`) matches nothing: it could be anything."""
    known = _known(parts)
    if known is not None:
        return [known] if file.modules.is_module(known) else []
    first = parts[0] if parts else None
    if first is None or "." not in first:
        return []
    pattern = "".join(re.escape(p) if p is not None else r"\w+(?:\.\w+)*" for p in parts)
    matcher = re.compile(pattern)
    return [m for m in file.modules.by_name if m.startswith(first) and matcher.fullmatch(m)]


def _known(parts: Parts | None) -> str | None:
    if parts is None or any(p is None for p in parts):
        return None
    return "".join(p for p in parts if p is not None)


def _parts(node: ast.expr, constants: Constants) -> Parts:
    """`node` as the pieces of the string it builds."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [piece for value in node.values for piece in _formatted(value, constants)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [*_parts(node.left, constants), *_parts(node.right, constants)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        template = _known(_parts(node.left, constants))
        values = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        return _percent(template, values, constants) if template is not None else [None]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "format":
            template = _known(_parts(node.func.value, constants))
            return _format(template, node, constants) if template is not None else [None]
        return [None]
    name = _constant_name(node)
    return [constants.get(name) if name else None]


def _formatted(value: ast.expr, constants: Constants) -> Parts:
    if isinstance(value, ast.FormattedValue):
        if value.conversion not in (-1, ord("s")) or value.format_spec is not None:
            return [None]
        return _parts(value.value, constants)
    return _parts(value, constants)


def _percent(template: str, values: list[ast.expr], constants: Constants) -> Parts:
    """`"%s.x" % (a,)`: only `%s` placeholders, one value each."""
    pieces = template.split("%s")
    if "%" in template.replace("%s", "") or len(pieces) != len(values) + 1:
        return [None]
    parts: Parts = [pieces[0]]
    for value, piece in zip(values, pieces[1:], strict=True):
        parts += [*_parts(value, constants), piece]
    return parts


def _format(template: str, call: ast.Call, constants: Constants) -> Parts:
    """`"{}.x".format(a)`, `"{0}.x".format(a)`, `"{m}.x".format(m=a)`."""
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    parts: Parts = []
    automatic = 0
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return [None]
    for literal, field, spec, conversion in fields:
        parts.append(literal)
        if field is None:
            continue
        if spec or conversion not in (None, "s"):
            return [None]
        if field == "":
            field, automatic = str(automatic), automatic + 1
        value = call.args[int(field)] if field.isdigit() and int(field) < len(call.args) else None
        value = keywords.get(field) if value is None and not field.isdigit() else value
        parts += _parts(value, constants) if value is not None else [None]
    return parts


def _constant_name(node: ast.expr) -> str | None:
    """`NAME`, or a class constant read as `self.NAME`, `cls.NAME` or `Class.NAME`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f".{node.attr}"
    return None


def _constants(file: PythonFile) -> Constants:
    """The strings the module's and its classes' bodies bind once (a name bound twice, to
    different strings, is no constant); class constants under `.NAME`."""
    constants: Constants = {"__name__": file.own_module} if file.own_module else {}
    dropped: set[str] = set()
    bodies = [(node.body, "") for node in file.nodes[ast.Module]]
    bodies += [(node.body, ".") for node in file.nodes[ast.ClassDef]]
    for body, prefix in bodies:
        scope = dict(constants)
        for name, expr in _assignments(body):
            value = _known(_parts(expr, scope))
            for key in (name, prefix + name):
                if value is None or constants.get(key, value) != value:
                    dropped.add(key)
                elif key not in dropped:
                    scope[key] = constants[key] = value
    return {k: v for k, v in constants.items() if k not in dropped}


def _assignments(body: list[ast.stmt]) -> Iterator[tuple[str, ast.expr]]:
    """`NAME = value` statements of a body, as (NAME, value)."""
    for stmt in body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if isinstance(target, ast.Name):
                yield target.id, stmt.value


KIND = Kind(
    name="built_strings",
    labels=(ConsumerKind.STRING,),
    screen=Screen.NEAR_MODULE,
    python=collect,
    valid=(
        Example(
            "f-string",
            "tests/t.py",
            'MODULE = "app.api"\ndef t():\n    mock.patch(f"{MODULE}.json")\n',
        ),
        Example("concatenated", "tests/t.py", 'MODULE = "app.api"\npatch(MODULE + ".json")\n'),
        Example("percent", "tests/t.py", 'MODULE = "app.api"\npatch("%s.json" % MODULE)\n'),
        Example("format", "tests/t.py", 'MODULE = "app.api"\npatch("{}.json".format(MODULE))\n'),
        Example(
            "class-constant",
            "tests/t.py",
            'class T:\n    MODULE = "app.api"\n\n    def t(self):\n'
            '        patch(f"{self.MODULE}.json")\n',
        ),
        Example(
            "chained-constants",
            "tests/t.py",
            'PKG = "app"\nMODULE = PKG + ".api"\npatch(f"{MODULE}.json")\n',
        ),
        Example("own-name", "app/api.py", 'def t():\n    patch(f"{__name__}.json")\n'),
        Example(
            "import-module-built",
            "app/load.py",
            "from importlib import import_module\ndef load(name):\n"
            '    return import_module(f"app.{name}").json\n',
        ),
        Example(
            "getattr-import-module-built",
            "app/load.py",
            "import importlib\ndef load(name):\n"
            '    return getattr(importlib.import_module("app." + name), "json")\n',
        ),
    ),
    invalid=(
        Example("other-module", "tests/t.py", 'MODULE = "app.other"\npatch(f"{MODULE}.json")\n'),
        Example(
            "reassigned",
            "tests/t.py",
            'MODULE = "app.api"\nMODULE = "app.other"\npatch(f"{MODULE}.json")\n',
        ),
        Example("unknown-piece", "tests/t.py", 'def t(m):\n    patch(f"{m}.json")\n'),
        Example(
            "import-module-other-package",
            "app/load.py",
            "from importlib import import_module\ndef load(name):\n"
            '    return import_module(f"app.other.{name}").json\n',
        ),
        Example(
            "import-module-anything",
            "app/load.py",
            "from importlib import import_module\ndef load(name):\n"
            "    return import_module(name).json\n",
        ),
        Example(
            "logger-under-own-name",
            "app/api.py",
            'import logging\nlog = logging.getLogger(f"{__name__}.json")\n',
        ),
        Example(
            "patch-create",
            "tests/t.py",
            'MODULE = "app.api"\nmock.patch(f"{MODULE}.json", create=True)\n',
        ),
        Example("module-alone", "tests/t.py", 'MODULE = "app.api"\nx = f"{MODULE}"\njson = 1\n'),
    ),
)
