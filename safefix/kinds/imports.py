"""`from pkg.mod import NAME`, at any depth and any relative level: the plainest consumer."""

from __future__ import annotations

import ast

from safefix.kinds._kind import Example, Kind, Screen
from safefix.kinds._syntax import PythonFile
from safefix.types import ConsumerKind


def collect(file: PythonFile) -> None:
    for node in file.nodes[ast.ImportFrom]:
        base = file.import_base(node)
        if base is None:
            continue
        dots = "." * node.level
        for alias in node.names:
            if alias.name != "*":
                text = f"from {dots}{node.module or ''} import {alias.name}"
                file.add(node.lineno, base, alias.name, file.label(ConsumerKind.FROM_IMPORT), text)


KIND = Kind(
    name="imports",
    labels=(ConsumerKind.FROM_IMPORT,),
    screen=Screen.NEAR_MODULE,
    python=collect,
    valid=(
        Example("absolute", "app/main.py", "from app.api import json\n"),
        Example("lazy", "app/main.py", "def f():\n    from app.api import json\n"),
        Example("aliased", "tests/t.py", "from app.api import json as j\n"),
        Example("relative", "app/r.py", "def f():\n    from .api import json\n"),
        Example("relative-wrapped", "app/r.py", "from .api import (\n    os,\n    json,\n)\n"),
        Example("relative-parent", "app/sub/r.py", "from ..api import json\n"),
        Example(
            "typing-only",
            "app/t.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.api import json\n",
        ),
    ),
    invalid=(
        Example("other-names", "tests/t.py", "from app.api import os\nx = other.json\n"),
        Example("other-module", "app/r.py", "from .other import json\nfrom .api import x\n"),
        Example("third-party", "tests/t.py", "from api import json\n"),
    ),
)
