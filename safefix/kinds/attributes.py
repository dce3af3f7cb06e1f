"""`pkg.mod.NAME`, `m.NAME`: an attribute of a project module, reached through any expression
that evaluates to the module (`PythonFile.module_of`): a name an import or a loader bound
(`import pkg.mod as m`, `from pkg import mod`, `m = import_module("pkg.mod")`, `m: ModuleType
= sys.modules["pkg.mod"]`, `(m := importorskip("pkg.mod"))`), or the loader itself, inline
(`import_module("pkg.mod").NAME`, `import_module(".mod", __package__).NAME`,
`sys.modules["pkg.mod"].NAME`); and a module bound by another module's import
(`services.cache.NAME`, where `services` does `from backends import cache`: see
`bound_modules`)."""

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
    wanted, is_module, aliases = file.wanted, file.modules.is_module, file.aliases
    for node in file.nodes[ast.Attribute]:
        if wanted is not None and node.attr not in wanted:
            continue
        root = node.value
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and root.id not in aliases:
            continue  # `self.x.y`, `obj.y`: no module on the way (the common case, made quick)
        modules = file.module_of(node.value)
        for module in modules:
            if not is_module(f"{module}.{node.attr}"):
                file.add(node.lineno, module, node.attr, kind, f"{module}.{node.attr}")
        if not modules and isinstance(node.value, ast.Attribute):
            for path in _bound_paths(file, node.value):
                file.add(node.lineno, path, node.attr, kind, f"{path}.{node.attr}")


def _bound_paths(file: PythonFile, expr: ast.Attribute) -> list[str]:
    """`services.cache` of `services.cache.X`, where `services` is a module and `cache` a name
    it binds (by an import of another module, say): a path the index resolves to a module
    (`bound_modules`) once it can read the binding module."""
    rest: list[str] = []
    current: ast.expr = expr
    while isinstance(current, ast.Attribute):
        rest.insert(0, current.attr)
        current = current.value
        modules = file.module_of(current)
        if modules:
            return [".".join([module, *rest]) for module in modules]
    return []


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
        Example(
            "module-bound-by-another",
            "tests/t.py",
            "import app.services\nx = app.services.api.json\n",
            also=(("app/services.py", "from app import api\n"),),
        ),
        Example(
            "module-bound-in-a-package",
            "tests/t.py",
            "from app import services\nx = services.api.json\n",
            also=(
                (
                    "app/services/__init__.py",
                    "try:\n    from .. import api\nexcept ImportError:\n    api = None\n",
                ),
            ),
        ),
        Example("sys-modules", "tests/t.py", 'import sys\nx = sys.modules["app.api"].json\n'),
        Example(
            "sys-modules-bound", "tests/t.py", 'import sys\nm = sys.modules["app.api"]\nm.json\n'
        ),
    ),
    invalid=(
        Example("other-module", "tests/t.py", "import app.other\nx = app.other.json\n"),
        Example(
            "other-module-bound",
            "tests/t.py",
            "import app.services\nx = app.services.api.json\n",
            also=(("app/services.py", "from app import other as api\n"),),
        ),
        Example(
            "bound-to-no-module",
            "tests/t.py",
            "import app.services\nx = app.services.api.json\n",
            also=(("app/services.py", "api = object()\n"),),
        ),
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
