"""`from pkg.mod import *`, then NAME used bare. (A module that only re-exports NAME by its own
star import passes it on to its star-importers: the index follows those chains.)"""

from __future__ import annotations

import ast

from safefix.kinds._kind import Example, Kind, Screen
from safefix.kinds._syntax import BUILTINS, PythonFile
from safefix.types import ConsumerKind


def collect(file: PythonFile) -> None:
    stars = file.stars
    if not stars:
        return
    bound = file.bound
    for node in file.nodes[ast.Name]:
        name = node.id
        if not isinstance(node.ctx, ast.Load) or name in bound or name in BUILTINS:
            continue
        for module in stars:
            text = f"{name} (from {module} import *)"
            file.add(node.lineno, module, name, ConsumerKind.STAR_IMPORT, text)


KIND = Kind(
    name="star_imports",
    labels=(ConsumerKind.STAR_IMPORT,),
    screen=Screen.THROUGH_STAR,
    python=collect,
    valid=(
        Example("use", "app/star.py", "from app.api import *\nx = json\n"),
        Example("relative-use", "app/r.py", "from .api import *\nx = json\n"),
        Example("in-a-function", "app/r.py", "from .api import *\ndef f():\n    return json\n"),
    ),
    invalid=(
        Example("alone", "app/star.py", "from app.api import *\n"),
        Example("bound-here", "app/star.py", "from app.api import *\njson = 1\nx = json\n"),
        Example("other-module", "app/star.py", "from app.other import *\nx = json\n"),
    ),
)
