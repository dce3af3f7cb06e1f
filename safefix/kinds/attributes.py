"""`pkg.mod.NAME`, `m.NAME`: an attribute of a project module, reached through any expression
that evaluates to the module (`PythonFile.module_of`): a name an import or a loader bound
(`import pkg.mod as m`, `from pkg import mod`, `m = import_module("pkg.mod")`, `m: ModuleType
= sys.modules["pkg.mod"]`, `(m := importorskip("pkg.mod"))`), or the loader itself, inline
(`import_module("pkg.mod").NAME`, `import_module(".mod", __package__).NAME`,
`sys.modules["pkg.mod"].NAME`)."""

from __future__ import annotations

import ast

from safefix.kinds._kind import Example, Kind, Screen
from safefix.kinds._syntax import PythonFile
from safefix.types import ConsumerKind


def collect(file: PythonFile) -> None:
    """Each wanted attribute read off a module-valued expression. (A submodule reached as an
    attribute is the `submodules` kind's: it is set by whoever imports it, not by a name its
    package binds.)"""
    kind = file.label(ConsumerKind.ATTRIBUTE)
    wanted, is_module = file.wanted, file.modules.is_module
    for node in file.nodes[ast.Attribute]:
        if wanted is not None and node.attr not in wanted:
            continue
        for module in file.module_of(node.value):
            if not is_module(f"{module}.{node.attr}"):
                file.add(node.lineno, module, node.attr, kind, f"{module}.{node.attr}")


KIND = Kind(
    name="attributes",
    labels=(ConsumerKind.ATTRIBUTE,),
    screen=Screen.NEAR_MODULE,
    python=collect,
    valid=(
        Example("dotted", "tests/t.py", "import app.api\nx = app.api.json\n"),
        Example("module-alias", "tests/t.py", "from app import api as a\nx = a.json\n"),
        Example("import-as", "tests/t.py", "import app.api as a\nx = a.json.dumps\n"),
        Example(
            "importorskip",
            "tests/t.py",
            'import pytest\napi = pytest.importorskip("app.api")\napi.json\n',
        ),
        Example("relative-module", "app/r.py", "from . import api\napi.json\n"),
        Example("relative-alias", "app/r.py", "from . import api as a\nx = a.json\n"),
        Example(
            "import-module-inline",
            "tests/t.py",
            'import importlib\nx = importlib.import_module("app.api").json\n',
        ),
        Example(
            "importorskip-inline",
            "tests/t.py",
            'import pytest\npytest.importorskip("app.api").json\n',
        ),
        Example(
            "annotated-loader",
            "tests/t.py",
            "from types import ModuleType\nfrom importlib import import_module\n"
            'm: ModuleType = import_module("app.api")\nm.json\n',
        ),
        Example(
            "walrus-loader",
            "tests/t.py",
            'import importlib\nif (m := importlib.import_module("app.api")):\n    m.json\n',
        ),
        Example(
            "relative-to-own-package",
            "app/r.py",
            'import importlib\nx = importlib.import_module(".api", __package__).json\n',
        ),
        Example(
            "relative-to-named-package",
            "tests/t.py",
            'import importlib\nx = importlib.import_module(".api", "app").json\n',
        ),
        Example("sys-modules", "tests/t.py", 'import sys\nx = sys.modules["app.api"].json\n'),
        Example(
            "sys-modules-bound", "tests/t.py", 'import sys\nm = sys.modules["app.api"]\nm.json\n'
        ),
    ),
    invalid=(
        Example("other-module", "tests/t.py", "import app.other\nx = app.other.json\n"),
        Example(
            "import-module-other",
            "tests/t.py",
            'import importlib\nx = importlib.import_module("app.other").json\n',
        ),
        Example(
            "relative-to-another-package",
            "tests/t.py",
            'import importlib\nx = importlib.import_module(".api", "tests").json\n',
        ),
        Example(
            "sys-modules-other", "tests/t.py", 'import sys\nx = sys.modules["app.other"].json\n'
        ),
        Example(
            "walrus-other",
            "tests/t.py",
            'import importlib\nif (m := importlib.import_module("app.other")):\n    m.json\n',
        ),
        Example("unbound-name", "tests/t.py", "import app\nx = api.json\n"),
        Example("another-object", "tests/t.py", "import app.api\nx = request.json\n"),
    ),
)
