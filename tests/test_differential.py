"""Differential test: random small projects, before and after safefix, judged at runtime.

A seeded generator writes a package of providers, hubs that import from them, and consumers of
every kind safefix knows (from-imports absolute and relative, at module level and inside
functions; module attributes; dotted strings; getattr; star-import chains; doctests; entry
points), plus imports nobody consumes. The property: every consumer target that resolved at
runtime before safefix still resolves after, and every import with no consumer is removed.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from support import runtime_check, safefix, write_tree
from test_scenarios import runtime_import_names

KINDS = ("from", "relative", "attribute", "string", "getattr", "star", "doctest", "entry")
STDLIB = ("os", "sys", "json", "re", "math")


@dataclass
class Project:
    files: dict[str, str] = field(default_factory=dict)
    targets: list[str] = field(default_factory=list)
    unconsumed: list[tuple[str, str]] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)

    def add(self, path: str, text: str) -> None:
        self.files[path] = self.files.get(path, "") + text


def generate(seed: int) -> Project:
    rng = random.Random(seed)
    project = Project()
    project.add("gen/__init__.py", "")
    names: list[str] = []
    for p in range(rng.randint(1, 3)):
        for v in range(rng.randint(2, 4)):
            name = f"p{p}_v{v}"
            names.append(f"{p}:{name}")
            project.add(f"gen/p{p}.py", f"def {name}():\n    return {v}\n\n\n")
    rng.shuffle(names)
    hubs = rng.randint(1, 3)
    docstrings: dict[int, list[str]] = {h: [] for h in range(hubs)}
    imports: dict[int, list[str]] = {h: [] for h in range(hubs)}
    for index, spec in enumerate(names):
        provider, name = spec.split(":")
        hub = index % hubs
        bound = f"{name}_alias" if rng.random() < 0.25 else name
        alias = f" as {bound}" if bound != name else ""
        imports[hub].append(f"from gen.p{provider} import {name}{alias}\n")
        kind = rng.choice((*KINDS, None, None))
        module = f"gen.hub{hub}"
        if kind is None:
            project.unconsumed.append((f"gen/hub{hub}.py", bound))
            continue
        consumer = f"gen/c{index}.py"
        if kind == "from":
            where = rng.choice(("module", "function"))
            if where == "module":
                project.add(consumer, f"from {module} import {bound}\n\nVALUE = {bound}()\n")
            else:
                project.add(
                    consumer,
                    f"def use():\n    from {module} import {bound}\n\n    return {bound}()\n",
                )
        elif kind == "relative":
            project.add(
                consumer, f"def use():\n    from .hub{hub} import {bound}\n\n    return {bound}()\n"
            )
        elif kind == "attribute":
            project.add(
                consumer, f"import {module} as hub\n\n\ndef use():\n    return hub.{bound}()\n"
            )
        elif kind == "string":
            project.add(consumer, f'HANDLERS = ["{module}.{bound}"]\n')
        elif kind == "getattr":
            project.add(
                consumer,
                f'import {module}\n\n\ndef use():\n    return getattr({module}, "{bound}")()\n',
            )
        elif kind == "star":
            project.add(f"gen/star{hub}.py", f"from {module} import *  # noqa: F403\n")
            project.add(consumer, f"from gen.star{hub} import {bound}\n\nVALUE = {bound}()\n")
        elif kind == "doctest":
            docstrings[hub].append(f">>> {bound}() >= 0\nTrue\n")
        elif kind == "entry":
            project.scripts.append(f'cmd{index} = "{module}:{bound}"\n')
        project.targets.append(f"{module}:{bound}")
    for hub in range(hubs):
        if rng.random() < 0.5:
            imports[hub] = _grouped(imports[hub])
        doc = '"""Hub.\n\n' + "\n".join(docstrings[hub]) + '"""\n\n' if docstrings[hub] else ""
        unused = "".join(f"import {m}\n" for m in rng.sample(STDLIB, rng.randint(0, 2)))
        project.add(f"gen/hub{hub}.py", doc + unused + "".join(imports[hub]))
        project.unconsumed += [(f"gen/hub{hub}.py", m) for m in STDLIB if f"import {m}\n" in unused]
    scripts = "[project.scripts]\n" + "".join(project.scripts) if project.scripts else ""
    project.add(
        "pyproject.toml",
        f'[project]\nname = "gen"\nversion = "0"\n\n{scripts}\n[tool.ruff.lint]\nselect = ["F401"]\n',
    )
    project.add(".runtime-targets", "\n".join(project.targets) + "\n")
    return project


#: More seeds: SAFEFIX_DIFF_SEEDS=500 make test (200 were run clean when this was written).
SEEDS = int(os.environ.get("SAFEFIX_DIFF_SEEDS", "24"))


def _grouped(lines: list[str]) -> list[str]:
    """Merge `from M import a` lines into one parenthesised multi-name import per M."""
    by_module: dict[str, list[str]] = {}
    for line in lines:
        module, _, name = line.strip().removeprefix("from ").partition(" import ")
        by_module.setdefault(module, []).append(name)
    return [
        f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")\n"
        for module, names in by_module.items()
    ]


@pytest.mark.parametrize("seed", range(SEEDS))
def test_random_project(seed: int, tmp_path: Path) -> None:
    project = generate(seed)
    write_tree(tmp_path, project.files)
    before = runtime_check(tmp_path)
    assert before.returncode == 0, before.stdout

    proc = safefix(tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    after = runtime_check(tmp_path)
    assert after.returncode == 0, after.stdout + "\n" + proc.stdout
    for rel, name in project.unconsumed:
        assert name not in runtime_import_names((tmp_path / rel).read_bytes()), (rel, name)
