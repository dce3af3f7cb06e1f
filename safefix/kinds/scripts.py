"""Scripts: a file without a suffix whose `#!` line runs Python (`bin/manage`, the `scripts=`
of setup.py, which setuptools only rewrites for such a line) is a program like any module,
though no linter picks it up by its name."""

from __future__ import annotations

from pathlib import Path

from safefix.kinds._code import code_consumers
from safefix.kinds._kind import Example, Kind, Screen, TextReader
from safefix.modules import ModuleMap
from safefix.types import Consumer, ConsumerKind


def is_python_script(text: str) -> bool:
    """Whether the first line is a `#!` that runs Python (`#!/usr/bin/env python3`)."""
    first = text.split("\n", 1)[0]
    if not first.startswith("#!"):
        return False
    return any(word.rsplit("/", 1)[-1].startswith("python") for word in first[2:].split())


def script_consumers(path: Path, text: str, modules: ModuleMap) -> list[Consumer]:
    """A Python script's consumers, read as a module's."""
    if not is_python_script(text):
        return []
    return code_consumers(path, [(text, 1)], modules, ConsumerKind.SCRIPT)


KIND = Kind(
    name="scripts",
    labels=(ConsumerKind.SCRIPT,),
    screen=Screen.NEAR_MODULE,
    text=TextReader(frozenset(), frozenset({""}), script_consumers),
    valid=(
        Example("env-python", "bin/tool", "#!/usr/bin/env python3\nfrom app.api import json\n"),
        Example(
            "interpreter-path",
            "scripts/run",
            "#!/usr/bin/python3.12 -u\nimport app.api\napp.api.json.dumps(1)\n",
        ),
    ),
    invalid=(
        Example("shell-script", "bin/tool", "#!/bin/sh\nfrom app.api import json\n"),
        Example("no-shebang", "bin/tool", "from app.api import json\n"),
        Example("python-suffix-text", "bin/tool.txt", "#!/usr/bin/env python\nimport app\n"),
        Example("other-module", "bin/tool", "#!/usr/bin/env python\nfrom app.other import json\n"),
    ),
)
