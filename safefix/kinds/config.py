"""Entry points and settings in configuration files: `[project.scripts]`, setup.cfg's
`entry_points`, and every `module:attr` / `module.attr` value of a configuration file (TOML,
INI/CFG, YAML, JSON) or a command line (Procfile, Dockerfile, Makefile): `-p plugin.name`,
logging's `class=`, dictConfig's `()`, Hydra's `_target_`, `gunicorn app.wsgi:application`,
and the code of a `python -c "..."` command. Comments are not values."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from safefix.kinds._code import code_consumers, shell_code
from safefix.kinds._config_files import CONFIG_FILES
from safefix.kinds._kind import Example, Kind, Screen, TextReader
from safefix.kinds._syntax import resolve_target
from safefix.modules import ModuleMap
from safefix.types import Consumer, ConsumerKind

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ENTRY_POINT_TABLES = {
    ("project", "scripts"),
    ("project", "gui-scripts"),
    ("project", "entry-points"),
}
_TOKEN = re.compile(r"[A-Za-z_]\w*(?:[.:][A-Za-z_]\w*)+")
#: Files of command lines, read line by line like an INI file.
COMMAND_FILES = frozenset({"Procfile", "Dockerfile", "Makefile"})
#: Configuration files by suffix; TOML and JSON are parsed, the others read line by line.
CONFIG_SUFFIXES = frozenset({".toml", ".ini", ".cfg", ".conf", ".yaml", ".yml", ".json"})
#: A comment after a value: `#` after white space (`x = a.b  # note`), not in `a#b`.
_TRAILING_COMMENT = re.compile(r"\s[#;].*$")


def config_consumers(path: Path, text: str, modules: ModuleMap) -> list[Consumer]:
    """Entry points and `module:attr` / `module.attr` settings that name project code."""
    if path.suffix == ".toml":
        return _toml_consumers(path, text, modules)
    if path.suffix == ".json":
        return _json_consumers(path, text, modules)
    found = []
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith(("#", ";")):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1].strip().lower()
            continue
        kind = ConsumerKind.ENTRY_POINT if "entry_points" in section else ConsumerKind.CONFIG
        value = _TRAILING_COMMENT.sub("", line)
        for token in _TOKEN.finditer(value):
            if target := resolve_target(token.group(), modules):
                found.append(Consumer(path, number, *target, kind, stripped))
        for code in shell_code(value):
            found += code_consumers(path, [(code, number)], modules, ConsumerKind.CODE_STRING)
    return found


def _json_consumers(path: Path, text: str, modules: ModuleMap) -> list[Consumer]:
    """Every string of a JSON document that names project code whole (`"()": "app.log.make"`)."""
    try:
        data = json.loads(text)
    except ValueError:
        return []
    found = []
    for keys, value in _toml_strings(data, ()):
        if target := resolve_target(value, modules):
            offset = text.find(json.dumps(value))
            line = text.count("\n", 0, offset) + 1 if offset >= 0 else 1
            found.append(
                Consumer(path, line, *target, ConsumerKind.CONFIG, f"{'.'.join(keys)}: {value!r}")
            )
    return found


def _toml_consumers(path: Path, text: str, modules: ModuleMap) -> list[Consumer]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    found = []
    for keys, value in _toml_strings(data, ()):
        target = resolve_target(value, modules)
        if target is None:
            continue
        is_entry = any(keys[: len(table)] == table for table in ENTRY_POINT_TABLES)
        kind = ConsumerKind.ENTRY_POINT if is_entry else ConsumerKind.CONFIG
        offset = text.find(value)
        line = text.count("\n", 0, offset) + 1 if offset >= 0 else 1
        found.append(Consumer(path, line, *target, kind, f"{'.'.join(keys)} = {value!r}"))
    return found


def _toml_strings(value: Any, keys: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(value, str):
        yield keys, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _toml_strings(item, (*keys, str(key)))
    elif isinstance(value, list):
        for item in value:
            yield from _toml_strings(item, keys)


KIND = Kind(
    name="config",
    labels=(ConsumerKind.ENTRY_POINT, ConsumerKind.CONFIG, ConsumerKind.CODE_STRING),
    screen=Screen.NEAR_MODULE,
    text=TextReader(CONFIG_FILES | COMMAND_FILES, CONFIG_SUFFIXES, config_consumers),
    valid=(
        Example(
            "setup-cfg",
            "setup.cfg",
            "[options.entry_points]\nconsole_scripts =\n    x = app.api:json\n",
        ),
        Example("scripts", "pyproject.toml", '[project.scripts]\nx = "app.api:json"\n'),
        Example("gui-scripts", "pyproject.toml", '[project.gui-scripts]\nx = "app.api:json"\n'),
        Example("tool-setting", "pyproject.toml", '[tool.x]\nhook = "app.api.json"\n'),
        Example("tox-ini", "tox.ini", "[pytest]\naddopts = -p app.api.json\n"),
        Example(
            "logging-file-config",
            "logging.ini",
            "[handler_file]\nclass=app.api.json\nargs=('x.log',)\n",
        ),
        Example("hydra-target", "conf/model.yaml", "model:\n  _target_: app.api.json\n"),
        Example("dict-config", "logging.json", '{"handlers": {"x": {"()": "app.api.json"}}}\n'),
        Example("procfile", "Procfile", "web: gunicorn app.api:json --workers 2\n"),
        Example("other-toml", "conf/app.toml", '[worker]\nfactory = "app.api:json"\n'),
        Example(
            "python-c",
            "tox.ini",
            '[testenv]\ncommands = python -c "from app.api import json"\n',
        ),
        Example(
            "ci-workflow",
            ".github/workflows/ci.yml",
            "jobs:\n  t:\n    steps:\n      - run: python -c 'from app.api import json'\n",
        ),
        Example(
            "python-c-yaml",
            "ci.yml",
            "steps:\n  - run: python3 -c 'import app.api; app.api.json.dumps(1)'\n",
        ),
    ),
    invalid=(
        Example("comment", "setup.cfg", "[metadata]\n# see app.api.json\n"),
        Example("other-module", "pyproject.toml", '[project.scripts]\nx = "app.other:json"\n'),
        Example("bad-toml", "pyproject.toml", '[project.scripts\nx = "app.api:json"\n'),
        Example("unread-file", "app.txt", "x = app.api:json\n"),
        Example("yaml-comment", "conf/model.yaml", "model: 1  # was app.api.json\n"),
        Example("json-prose", "data.json", '{"note": "use app.api.json to serialise"}\n'),
        Example("shell-not-python", "Makefile", "run:\n\tbash -c 'from app.api import json'\n"),
    ),
)
