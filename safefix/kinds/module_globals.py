"""Strings a module evaluates in its own globals: `@pytest.mark.skipif("not HAS_X")`,
`eval("NAME")`, `exec(...)`, `globals()["NAME"]`. The module consumes its own import."""

from __future__ import annotations

import ast
import re

from safefix.kinds._kind import Example, Kind, Screen
from safefix.kinds._syntax import BUILTINS, PythonFile, call_name, keyword, string_value
from safefix.types import ConsumerKind

_CONDITION_CALLS = frozenset({"skipif", "xfail"})
_NAMESPACES = frozenset({"globals", "locals", "vars"})
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


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
    how = _runs_strings_in_namespace(file)
    if how is not None:
        _identifiers_in_strings(file, how)


def _runs_strings_in_namespace(file: PythonFile) -> str | None:
    """How the module runs code it builds in its own namespace, if it does: `eval`/`exec` of
    a computed string (in its globals, by default or by `globals()`), its namespace handed to
    a call (`exec_(code, globals(), ns)`, `"{x}".format(**locals())`), a computed key into it
    (`globals()[name]`), a skip condition held in a variable. Then any string may name any of
    its globals, and none of them can be judged unused from the code alone."""
    strings = _string_constants(file)
    for call in file.nodes[ast.Call]:
        name = call_name(call)
        code = call.args[0] if call.args else None
        computed = code is not None and string_value(code) is None
        builtin = name in ("eval", "exec") and isinstance(call.func, ast.Name)
        if builtin and computed and all(map(_namespace, call.args[1:2])):
            return f"{name}() of a computed string"
        if name in _CONDITION_CALLS and isinstance(code, ast.Name) and code.id in strings:
            return f"{ast.unparse(call.func)}({code.id})"
        values = [*call.args, *(k.value for k in call.keywords)]
        if any(_namespace(value) for value in values):
            return f"{ast.unparse(call.func)}(... {_namespace_name(values)}() ...)"
    for node in file.nodes[ast.Subscript]:
        if _namespace(node.value) and string_value(node.slice) is None:
            return f"{ast.unparse(node.value)}[...]"
    return None


def _string_constants(file: PythonFile) -> set[str]:
    """Names the module binds to a string (`COND = "not HAS_X"`): a skip condition held in one
    is evaluated; one held in a name bound to a bool is not."""
    return {
        target.id
        for node in file.nodes[ast.Assign]
        if string_value(node.value) is not None
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _namespace(node: ast.expr) -> bool:
    """`globals()`, `locals()` or `vars()`: the caller's own namespace."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _NAMESPACES
        and not node.args
    )


def _namespace_name(values: list[ast.expr]) -> str:
    call = next(v for v in values if _namespace(v))
    assert isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
    return call.func.id


def _identifiers_in_strings(file: PythonFile, how: str) -> None:
    """Every identifier in the module's strings (not its docstrings) may be a global looked up;
    one in a type expression (`Union[str, "os.PathLike[str]"]`, an annotation) is read by type
    checkers, so it holds an import under `TYPE_CHECKING` as well as at runtime."""
    assert file.own_module is not None
    docstrings = {id(node) for node, _ in file.docstrings}
    typed = _type_expression_strings(file)
    for node in file.nodes[ast.Constant]:
        if isinstance(node.value, str) and id(node) not in docstrings and file.mentions(node.value):
            for name in set(_IDENTIFIER.findall(node.value)):
                text = f"{node.value[:40]!r} (the module runs strings in its namespace: {how})"
                file.add(
                    node.lineno,
                    file.own_module,
                    name,
                    ConsumerKind.GLOBALS,
                    text,
                    typing_only=id(node) in typed,
                )


#: Subscripted names whose arguments are types (typing's generics, capitalised, and the
#: builtins that are generic); `Literal[...]` holds values, not types.
_GENERIC_BUILTINS = frozenset({"list", "dict", "tuple", "set", "frozenset", "type"})


def _type_expression_strings(file: PythonFile) -> set[int]:
    """The string constants that are forward references: in a generic's subscript or in an
    annotation."""
    found: set[int] = set()
    for sub in file.nodes[ast.Subscript]:
        head = sub.value
        name = head.id if isinstance(head, ast.Name) else getattr(head, "attr", "")
        if name != "Literal" and (name[:1].isupper() or name in _GENERIC_BUILTINS):
            found |= {id(n) for n in ast.walk(sub.slice) if isinstance(n, ast.Constant)}
    for ann in _annotations(file):
        found |= {id(n) for n in ast.walk(ann) if isinstance(n, ast.Constant)}
    return found


def _annotations(file: PythonFile) -> list[ast.expr]:
    found: list[ast.expr] = [n.annotation for n in file.nodes[ast.AnnAssign]]
    found += [a.annotation for a in file.nodes[ast.arg] if a.annotation is not None]
    for fn in [*file.nodes[ast.FunctionDef], *file.nodes[ast.AsyncFunctionDef]]:
        found += [fn.returns] if fn.returns is not None else []
    return found


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
    namespace_markers=(
        b"globals()",
        b"locals()",
        b"vars()",
        b"eval(",
        b"exec(",
        b"skipif(",
        b"xfail(",
    ),
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
        Example(
            "exec-wrapper-with-globals",
            "app/api.py",
            'CODE = "return json.dumps(x)"\ndef make(ns):\n    exec_(CODE, globals(), ns)\n',
        ),
        Example(
            "eval-of-a-computed-string",
            "app/api.py",
            'TEMPLATE = "{}.dumps(1)"\ndef run(name):\n    return eval(TEMPLATE.format(name))\n'
            'NAMES = ["json"]\n',
        ),
        Example(
            "skipif-condition-in-a-variable",
            "app/api.py",
            'COND = "not json"\n@pytest.mark.skipif(COND, reason="x")\ndef t(): pass\n',
        ),
        Example(
            "computed-globals-key",
            "app/api.py",
            'def get(n):\n    return globals()[n]\nN = "json"\n',
        ),
    ),
    invalid=(
        Example("string-literal-in-eval", "app/api.py", "eval(\"'json'\")\n"),
        Example(
            "another-modules-skipif",
            "app/other.py",
            '@pytest.mark.skipif("not json")\ndef t(): pass\n',
        ),
        Example("method-eval", "app/api.py", 'x = model.eval("json")\n'),
        Example("string-without-evaluation", "app/api.py", 'MESSAGE = "json is not used here"\n'),
        Example(
            "evaluation-in-a-fresh-namespace",
            "app/api.py",
            'CODE = "json"\ndef run(code):\n    return eval(code, {})\n',
        ),
        Example(
            "skipif-condition-a-bool",
            "app/api.py",
            'NO_JSON = not HAS\nX = "json"\n@pytest.mark.skipif(NO_JSON, reason="x")\ndef t(): pass\n',
        ),
        Example(
            "docstring-only",
            "app/api.py",
            '"""Talks json."""\ndef get(n):\n    return globals()[n]\n',
        ),
    ),
)
