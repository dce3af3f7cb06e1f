"""Differential test of the static import-order model against real interpreters.

A seeded generator writes small packages with random import cycles among 3-6 modules: star
imports, `from pkg import NAME` back-imports of names the package binds, plain imports, names
bound before and after each import block, in random orders. The real ruff sorts them
(`ruff check --select I --fix`); each module is then imported first in a fresh interpreter
(a fork of a clean one) in the original and the sorted tree. The model must flag every entry
that imports before sorting and fails after (no miss); what it flags that imports fine is a
false alarm, counted and reported.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from support import ruff, write_tree

from safefix import import_order
from safefix.modules import ModuleMap, build_module_map
from safefix.order_passes import Passes

#: More packages: SAFEFIX_ORDER_SEEDS=500 make test.
SEEDS = int(os.environ.get("SAFEFIX_ORDER_SEEDS", "30"))
#: Imports each entry in a fork of a clean interpreter; prints one 0/1 per line.
ORACLE = """
import os, sys
for line in sys.stdin.read().splitlines():
    root, module = line.split(" ")
    pid = os.fork()
    if pid == 0:
        sys.path.insert(0, root)
        try:
            __import__(module)
        except BaseException:
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    print(1 if os.waitstatus_to_exitcode(status) == 0 else 0, flush=True)
"""


@dataclass
class Package:
    files: dict[str, str] = field(default_factory=dict)
    modules: list[str] = field(default_factory=list)


def _import(rng: random.Random, me: int, order: list[int], names: dict[int, list[str]]) -> str:
    """One import of module `me`: mostly what works in the package's own order (names bound
    by modules the package imports earlier), so that sorting is what breaks it."""
    earlier = order[: order.index(me)] if me in order else []
    other = rng.choice([i for i in order if i != me] or [me])
    relative = rng.random() < 0.3
    where = f".m{other}" if relative else f"pkg.m{other}"
    form = rng.random()
    if form < 0.25:
        return f"from {where} import *\n"
    if form < 0.45:
        return f"from {where} import {names[other][0]}\n"
    if form < 0.85 and earlier:  # a back-import of a name the package bound before `me`
        owner = rng.choice(earlier)
        return f"from {'.' if relative else 'pkg'} import {names[owner][0]}\n"
    return f"import pkg.m{other}\n"


def generate(seed: int) -> Package:
    rng = random.Random(seed)
    count = rng.randint(3, 6)
    names = {i: [f"n{i}_{k}" for k in range(rng.randint(1, 3))] for i in range(count)}
    package = Package(modules=["pkg", *(f"pkg.m{i}" for i in range(count))])
    order = rng.sample(range(count), count)
    package.files["pkg/__init__.py"] = "".join(
        f"from pkg.m{i} import *\n" if rng.random() < 0.6 else f"from .m{i} import {names[i][0]}\n"
        for i in order
    )
    for i in range(count):
        early = [n for n in names[i] if n == names[i][0] or rng.random() < 0.3]
        late = [n for n in names[i] if n not in early]
        block = [_import(rng, i, order, names) for _ in range(rng.randint(0, 3))]
        text = "".join(f"{n} = {seed}\n" for n in early)
        text += "".join(dict.fromkeys(block))
        text += "".join(f"\n\ndef {n}():\n    return {i}\n" for n in late)
        if rng.random() < 0.3:
            text += f"\n__all__ = {names[i]!r}\n"
        package.files[f"pkg/m{i}.py"] = text
    return package


def oracle(entries: list[tuple[Path, str]]) -> list[bool]:
    """Whether each (root, module) imports when it is imported first in a fresh interpreter."""
    lines = "".join(f"{root} {module}\n" for root, module in entries)
    done = subprocess.run(
        [sys.executable, "-I", "-B", "-c", ORACLE],
        input=lines,
        capture_output=True,
        text=True,
        check=True,
    )
    return [line == "1" for line in done.stdout.split()]


def flagged(original: Path, fixed: Path, module: str) -> bool:
    """Whether the model says importing `module` first fails after the sort and not before."""
    files = sorted(original.rglob("*.py"))
    modules = build_module_map(files, original)

    def tree(base: Path) -> Callable[[str], import_order.Skeleton | None]:
        def of(name: str) -> import_order.Skeleton | None:
            found = modules.files(name)
            if not found:
                return None
            path = found[0]
            source = (base / path.relative_to(original)).read_bytes()
            return import_order.skeleton(
                path, source, lambda level, m: modules.absolute(path, level, m) if level else m
            )

        return of

    return bool(import_order.introduced([module], tree(original), tree(fixed)))


def test_model_flags_every_failure_sorting_introduces(tmp_path: Path) -> None:
    cases: list[tuple[Path, Path, str]] = []
    for seed in range(SEEDS):
        package = generate(seed)
        for side in ("original", "sorted"):
            root = tmp_path / side / f"s{seed}"
            write_tree(
                root, {**package.files, "pyproject.toml": '[tool.ruff.lint]\nselect = ["I"]\n'}
            )
        cases += [
            (tmp_path / "original" / f"s{seed}", tmp_path / "sorted" / f"s{seed}", m)
            for m in package.modules
        ]
    sorting = ruff(tmp_path / "sorted", "check", "--fix", "--no-cache", "-q", ".")
    assert sorting.returncode in (0, 1), sorting.stderr
    before = oracle([(o, m) for o, _, m in cases])
    after = oracle([(f, m) for _, f, m in cases])
    working = sum(before)
    broken = [
        case for case, ok, still in zip(cases, before, after, strict=True) if ok and not still
    ]
    alarms = [case for case in cases if flagged(*case)]
    missed = [case for case in broken if case not in alarms]
    false = [case for case in alarms if case not in broken]
    print(
        f"\nimport order: {len(cases)} entries in {SEEDS} packages ({working} import before), "
        f"{len(broken)} broken by "
        f"sorting, {len(missed)} missed, {len(false)} false alarms "
        f"({100 * len(false) / max(len(alarms), 1):.1f}% of alarms)"
    )
    assert broken, "the generator must produce packages that sorting breaks"
    assert not missed, missed[:5]
    assert len(false) <= 0.05 * max(len(alarms), 1) + 1, false[:5]


def test_passes_rerun_every_entry_a_change_reaches(tmp_path: Path) -> None:
    """The check's passes (`order_passes.py`) keep an entry's result while no module its last
    run loaded changed: after each file of the sorted packages is put back one at a time, they
    find exactly what a fresh look at every entry finds."""
    for side in ("original", "sorted"):
        for seed in range(SEEDS):
            write_tree(tmp_path / side / f"s{seed}", generate(seed).files)
    (tmp_path / "sorted" / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["I"]\n')
    sorting = ruff(tmp_path / "sorted", "check", "--fix", "--no-cache", "-q", ".")
    assert sorting.returncode in (0, 1), sorting.stderr
    compared = 0
    for seed in range(SEEDS):
        original, fixed = tmp_path / "original" / f"s{seed}", tmp_path / "sorted" / f"s{seed}"
        modules = build_module_map(sorted(original.rglob("*.py")), original)
        put_back: set[str] = set()

        def tree(
            base: Path,
            modules: ModuleMap = modules,
            original: Path = original,
            put_back: set[str] = put_back,
        ) -> Callable[[str], import_order.Skeleton | None]:
            def of(name: str) -> import_order.Skeleton | None:
                found = modules.files(name)
                if not found:
                    return None
                path = found[0]
                side = original if name in put_back else base
                return import_order.skeleton(
                    path,
                    (side / path.relative_to(original)).read_bytes(),
                    lambda level, m: modules.absolute(path, level, m) if level else m,
                )

            return of

        entries = generate(seed).modules
        passes = Passes()
        for module in [None, *entries]:
            if module is not None:
                put_back.add(module)
                passes.changed([module])
            kept = passes.introduced("", entries, tree(original), tree(fixed))
            passes.settle()
            fresh = import_order.introduced(entries, tree(original), tree(fixed))
            assert {_key(f) for f in kept} == {_key(f) for f in fresh}, (seed, module)
            compared += bool(fresh)
    assert compared, "no pass found a failure: the test would prove nothing"


def _key(found: import_order.Introduced) -> tuple[str, str, str]:
    return (found.failure.module, found.failure.name, found.failure.importer)
