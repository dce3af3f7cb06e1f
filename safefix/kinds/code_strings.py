"""Python code in a string that Python runs: `[sys.executable, "-c", CODE]`, a `python -c CODE`
command line, `timeit(stmt=..., setup=...)`, `exec(CODE)`. The string is read as Python where
it parses, by every kind that reads Python."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from safefix.kinds._code import code_consumers, command_code, shell_code
from safefix.kinds._kind import Example, Kind, Screen
from safefix.kinds._syntax import PythonFile, call_name, keyword, string_value
from safefix.types import ConsumerKind

#: Calls whose first two arguments (`stmt`, `setup`) are code: `timeit.timeit`, `Timer`, ...
TIMEIT = frozenset({"timeit", "repeat", "Timer"})
#: Builtins that run (or compile) their first argument as code.
RUNS_CODE = frozenset({"exec", "compile"})


def collect(file: PythonFile) -> None:
    pieces: list[tuple[str, int]] = []
    constants: dict[str, str] | None = None
    for call in file.nodes[ast.Call]:
        if _may_run_code(call):
            constants = _string_constants(file) if constants is None else constants
            pieces += _call_code(call, constants)
    for node in file.nodes[ast.Constant]:
        value = node.value
        if isinstance(value, str) and "-c" in value and file.mentions(value):
            pieces += [(code, node.lineno) for code in shell_code(value)]
    for code, line in pieces:
        if not file.mentions(code):
            continue
        for found in code_consumers(
            file.path, [(code, line)], file.modules, ConsumerKind.CODE_STRING
        ):
            file.add(
                found.line - file.line_offset, found.module, found.name, found.kind, found.text
            )


def _may_run_code(call: ast.Call) -> bool:
    """Whether a call can be given code: a timeit or exec call, or a command list."""
    return call_name(call) in TIMEIT | RUNS_CODE or any(
        isinstance(arg, (ast.List, ast.Tuple)) for arg in call.args[:1]
    )


def _string_constants(file: PythonFile) -> dict[str, str]:
    """Names the file binds to a string (`code = "from app import x"`): code handed on by name."""
    found = {}
    for node in file.nodes[ast.Assign]:
        value = string_value(node.value)
        if value is not None:
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = value
    return found


def _call_code(call: ast.Call, constants: dict[str, str]) -> Iterator[tuple[str, int]]:
    """The code strings a call runs: its timeit statements, exec's argument, or the `-c`
    argument of a Python command list it is given (`subprocess.run([sys.executable, ...])`);
    given as a string, or by a name bound to one."""
    name = call_name(call)
    given: list[ast.expr | None]
    if name in TIMEIT:
        given = [*call.args[:2], keyword(call, "stmt"), keyword(call, "setup")]
    elif name in RUNS_CODE:
        given = [*call.args[:1]]
    else:
        given = []
    for node in given:
        if node is not None and (value := _string(node, constants)) is not None:
            yield value, node.lineno
    for arg in call.args[:1]:
        if isinstance(arg, (ast.List, ast.Tuple)):
            words = [_word(element, constants) for element in arg.elts]
            for code in command_code(words):
                yield code, arg.lineno


def _string(node: ast.expr, constants: dict[str, str]) -> str | None:
    """A string argument's value, given as a literal or as a name bound to one."""
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return string_value(node)


def _word(node: ast.expr, constants: dict[str, str]) -> str:
    """An element of a command list as the word it stands for (`sys.executable` by name)."""
    value = _string(node, constants)
    if value is not None:
        return value
    return "sys.executable" if ast.unparse(node) == "sys.executable" else ""


KIND = Kind(
    name="code_strings",
    labels=(ConsumerKind.CODE_STRING,),
    screen=Screen.NEAR_MODULE,
    python=collect,
    valid=(
        Example(
            "subprocess-list",
            "tests/test_cli.py",
            "import subprocess, sys\n"
            'subprocess.run([sys.executable, "-c", "from app.api import json"], check=True)\n',
        ),
        Example(
            "shell-string",
            "tasks.py",
            "import os\nos.system(\"python3 -c 'import app.api; app.api.json.dumps(1)'\")\n",
        ),
        Example(
            "timeit-setup",
            "bench.py",
            'import timeit\ntimeit.timeit("json.dumps(1)", setup="from app.api import json")\n',
        ),
        Example(
            "timer-multiline",
            "bench.py",
            'from timeit import Timer\nTimer(stmt="""\nfrom app.api import json\n""")\n',
        ),
        Example("exec", "tests/t.py", 'exec("from app.api import json")\n'),
        Example(
            "by-name",
            "tests/t.py",
            'import subprocess, sys\nCODE = "import app.api; app.api.json"\n'
            'subprocess.run([sys.executable, "-c", CODE])\n',
        ),
    ),
    invalid=(
        Example(
            "not-python",
            "tests/t.py",
            'import subprocess\nsubprocess.run(["bash", "-c", "from app.api import json"])\n',
        ),
        Example("plain-string", "tests/t.py", 'MESSAGE = "from app.api import json"\n'),
        Example("comment", "tests/t.py", "# python -c 'from app.api import json'\n"),
        Example(
            "other-module",
            "bench.py",
            'import timeit\ntimeit.timeit("1", setup="from app.other import json")\n',
        ),
    ),
)
