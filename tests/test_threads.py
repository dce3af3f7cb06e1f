"""Two runs in one process at once (a library caller's threads) each get their own answer:
nothing a run needs is handed to its workers through module state another run can change."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from support import write_tree

import safefix
from safefix.consumers import build_index
from safefix.modules import build_module_map

#: Consumers per tree: above `parallel.MIN_PARALLEL`, so each index forks its workers.
CONSUMERS = 60


def _tree(root: Path, name: str) -> list[Path]:
    files = {"pkg/__init__.py": "", "pkg/mod.py": f"import os\n{name} = os\n"}
    for number in range(CONSUMERS):
        files[f"pkg/use{number}.py"] = (
            f"def f():\n    from pkg.mod import {name}\n    return {name}\n"
        )
    return sorted(write_tree(root, files))


def _together(*jobs: Callable[[], object]) -> list[object]:
    """Run the jobs in threads released at the same moment; their results, in order."""
    start = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def work(at: int) -> None:
        start.wait()
        results[at] = jobs[at]()

    threads = [threading.Thread(target=work, args=(at,)) for at in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_indexings_at_once_each_find_their_own(tmp_path: Path) -> None:
    trees = {name: _tree(tmp_path / name, name) for name in ("ALPHA", "BETA")}
    maps = {name: build_module_map(files, tmp_path / name) for name, files in trees.items()}

    def consumers(name: str) -> Callable[[], object]:
        def job() -> object:
            index = build_index(trees[name], {}, {name: ["pkg.mod"]}, maps[name])
            return len(index.consumers_of(tmp_path / name / "pkg/mod.py", name))

        return job

    for _ in range(50):
        assert _together(consumers("ALPHA"), consumers("BETA")) == [CONSUMERS, CONSUMERS]


def test_two_runs_at_once_each_keep_their_own(tmp_path: Path) -> None:
    for name in ("ALPHA", "BETA"):
        _tree(tmp_path / name, name)
        (tmp_path / name / "pkg/mod.py").write_text(f"from os import path as {name}\n")
        (tmp_path / name / "pyproject.toml").write_text("[tool.ruff.lint]\nselect = ['F401']\n")

    def fix(name: str) -> Callable[[], object]:
        return lambda: safefix.run(["."], cwd=tmp_path / name)

    reports = _together(fix("ALPHA"), fix("BETA"))
    for name, report in zip(("ALPHA", "BETA"), reports, strict=True):
        kept = [
            (d.removal.name, len(d.consumers))
            for outcome in report.result.outcomes  # type: ignore[attr-defined]
            for d in outcome.kept
        ]
        assert kept == [(name, CONSUMERS)]
        assert (
            (tmp_path / name / "pkg/mod.py")
            .read_text()
            .startswith(f"from os import path as {name}")
        )
