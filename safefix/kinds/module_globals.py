"""Strings a module evaluates in its own globals: `@pytest.mark.skipif("not HAS_X")`,
`eval("NAME")`, `exec(...)`, `globals()["NAME"]`. The module consumes its own import."""

from __future__ import annotations

import ast

from safefix.kinds._kind import Example, Kind, Screen
from safefix.kinds._syntax import BUILTINS, PythonFile, call_name, keyword, string_value
from safefix.types import ConsumerKind

_CONDITION_CALLS = frozenset({"skipif", "xfail"})


def collect(file: PythonFile) -> None:
    if not file.own_module:
        return
    for call in file.nodes[ast.Call]:
        name = call_name(call)
        if name in _CONDITION_CALLS:
            condition = string_value(call.args[0] if call.args else keyword(call, "condition"))
            if condition:
                text = f"{ast.unparse(call.func)}({condition!r})"
                _evaluated(file, condition, "eval", call.lineno, text)
        elif name in ("eval", "exec") and isinstance(call.func, ast.Name) and call.args:
            source = string_value(call.args[0])
            if source:
                _evaluated(file, source, name, call.lineno, f"{name}({source!r})")
    for node in file.nodes[ast.Subscript]:
        _globals_subscript(file, node)


def _evaluated(file: PythonFile, source: str, mode: str, line: int, text: str) -> None:
    """Names a string evaluated in this module's own globals needs."""
    try:
        tree = ast.parse(source.strip(), mode=mode)
    except SyntaxError:
        return
    assert file.own_module is not None
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in BUILTINS:
            file.add(line, file.own_module, node.id, ConsumerKind.GLOBALS, text)


def _globals_subscript(file: PythonFile, node: ast.Subscript) -> None:
    value = node.value
    is_globals = (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in ("globals", "vars")
        and not value.args
    )
    name = string_value(node.slice)
    if is_globals and name and file.own_module:
        text = f"globals()[{name!r}]"
        file.add(node.lineno, file.own_module, name, ConsumerKind.GLOBALS, text)


KIND = Kind(
    name="module_globals",
    labels=(ConsumerKind.GLOBALS,),
    screen=Screen.OWN_GLOBALS,
    own_markers=(b"skipif", b"xfail", b"globals(", b"vars(", b"eval(", b"exec("),
    python=collect,
    valid=(
        Example("skipif", "app/api.py", '@pytest.mark.skipif("not json")\ndef t(): pass\n'),
        Example(
            "xfail-keyword",
            "app/api.py",
            '@pytest.mark.xfail(condition="json is None")\ndef t(): pass\n',
        ),
        Example("globals-subscript", "app/api.py", 'x = globals()["json"]\n'),
        Example("vars-subscript", "app/api.py", 'x = vars()["json"]\n'),
        Example("eval", "app/api.py", 'eval("json.dumps(1) + re")\n'),
        Example("exec", "app/api.py", 'exec("x = json.dumps(1)")\n'),
    ),
    invalid=(
        Example("string-literal-in-eval", "app/api.py", "eval(\"'json'\")\n"),
        Example(
            "another-modules-skipif",
            "app/other.py",
            '@pytest.mark.skipif("not json")\ndef t(): pass\n',
        ),
        Example("method-eval", "app/api.py", 'x = model.eval("json")\n'),
    ),
)
