"""`make realworld`: what plain `ruff check --fix` and safefix do to real projects' test suites.

    python tests/realworld/run.py [--quick] [--projects click,attrs] [--selections F401,wide]

For each project of projects.py: its sdist, downloaded once by pip into .realworld-cache/, and a
venv with its test dependencies (cached too). Then, for each rule selection, three copies of
the tree, one after the other at the same path (so paths in tracebacks and caches match):
pristine, after `ruff check --fix` and after `safefix` (same flags). Each runs the project's
tests with junit XML; a test is broken by a tool when it passed in the pristine tree and now
fails, errors, is skipped, or is no longer collected.

Writes tests/realworld/results.json and results.md (a run of a few projects replaces their
rows and keeps the others'); `--quick` writes to .realworld-cache/quick/ instead.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit import Keep, keeps_and_removed, unbind, verdict
from junit import (
    Comparison,
    Outcome,
    compare,
    parse_junit,
    removed_imports,
    suspects,
)
from projects import PROJECTS, Project
from report import render_markdown

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".realworld-cache"
OUT = REPO / "tests" / "realworld"
#: Outside the repository: ruff looks for configuration in the parents of the tree, and would
#: find safefix's own where a project has none. Always the same path, for every tree.
WORK = Path(tempfile.gettempdir()) / "safefix-realworld"
BIN = Path(sys.executable).parent
PYTHON = shutil.which("python3.11") or sys.executable
TEST_TIMEOUT = 600
#: Broken tests listed per row and tool in results.json (all are counted).
LISTED = 40
#: The quick run: project -> (test files, selection), each where plain ruff breaks something.
QUICK: dict[str, tuple[tuple[str, ...], str]] = {
    "mpmath": (("mpmath/tests/test_basic_ops.py", "mpmath/tests/test_convert.py"), "F401"),
    "networkx": (("networkx/utils/tests/test__init.py",), "F401"),
    "requests": (("tests/test_utils.py", "tests/test_structures.py"), "F401"),
    "click": (("tests/test_utils.py",), "wide"),
    "python-dateutil": (("tests/test_imports.py",), "F401"),
}


@dataclass(frozen=True)
class ToolRun:
    """One tool's pass over a fresh tree: what it cost and what it took out."""

    seconds: float
    exit_code: int
    files_changed: int
    removed_lines: int
    kept: int | None
    error: str
    #: safefix only: the imports ruff's fixes removed that it let go, and those it kept.
    imports_removed: int | None = None
    kept_imports: tuple[Keep, ...] = ()


@dataclass(frozen=True)
class Broken:
    """A test a tool broke: the comparison's category, the failure's first line, the import
    lines the tool removed whose names the message mentions, and the project's `why` note."""

    test: str
    category: str
    message: str
    suspects: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class Row:
    """One project under one selection: the table's row and its broken tests."""

    project: str
    version: str
    selection: str
    flags: tuple[str, ...]
    files: int
    tests: int
    pristine_failing: int
    ruff: ToolRun
    safefix: ToolRun
    ruff_broken: tuple[Broken, ...]
    safefix_broken: tuple[Broken, ...]
    test_seconds: float
    seconds: float


def selections(project: Project) -> dict[str, tuple[str, ...]]:
    """F401 alone, ignoring the project's configuration: the stress test. `wide`: the project's
    own configuration plus isort and pyupgrade (and F811/TC where it type-annotates), with
    unsafe fixes, as someone modernising a codebase would run it."""
    extra = "I,UP,F811,TC" if project.typed else "I,UP"
    return {
        "F401": ("--isolated", "--select", "F401"),
        "wide": ("--extend-select", extra, "--unsafe-fixes"),
    }


# ----- preparing: sdists and venvs, cached ------------------------------------------------


def source_tree(project: Project) -> Path:
    """The pristine sdist tree, unpacked once into the cache."""
    target = CACHE / "src" / f"{project.name}-{project.version}"
    if target.is_dir():
        return target
    download = CACHE / "sdists"
    download.mkdir(parents=True, exist_ok=True)
    pip = [PYTHON, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q"]
    subprocess.run([*pip, "-d", str(download), project.requirement], check=True)
    prefix = normalised(f"{project.name}-{project.version}-")
    archive = next(p for p in download.glob("*.tar.gz") if normalised(p.name).startswith(prefix))
    with tempfile.TemporaryDirectory(dir=CACHE) as temp, tarfile.open(archive) as tar:
        tar.extractall(temp, filter="data")
        (top,) = Path(temp).iterdir()
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(top), target)
    return target


def normalised(name: str) -> str:
    """Sdist file names spell the project as they like (`jaraco_functools`, `Django`)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def project_venv(project: Project) -> Path:
    """A venv with the pinned release (for metadata and entry points) and the test
    dependencies; reused while the requirement list is the same."""
    venv = CACHE / "venvs" / project.name
    wanted = "\n".join((project.requirement, *project.requires))
    stamp = venv / "requirements.done"
    if stamp.is_file() and stamp.read_text() == wanted:
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([PYTHON, "-m", "venv", str(venv)], check=True)
    pip = [
        str(venv / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
    ]
    subprocess.run([*pip, project.requirement, *project.requires], check=True)
    stamp.write_text(wanted)
    return venv


def fresh_tree(source: Path, tree: Path) -> Path:
    """A copy of the pristine tree at the project's one fixed path."""
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(source, tree, symlinks=True)
    return tree


# ----- running ----------------------------------------------------------------------------


def run_tool(
    tool: str, flags: tuple[str, ...], tree: Path, source: Path
) -> tuple[ToolRun, tuple[str, ...]]:
    """`ruff check --fix` or `safefix` on the tree, then what it changed, against the pristine."""
    if tool == "ruff":
        command = [str(BIN / "ruff"), "check", "--fix", "--no-cache", "-q", *flags, "."]
    else:
        command = [
            str(BIN / "safefix"),
            "--no-cache",
            "--output-format",
            "safefix-json",
            *flags,
            ".",
        ]
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=tree, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    kept, imports_removed = None, None
    keeps: tuple[Keep, ...] = ()
    if tool == "safefix":
        try:
            report = json.loads(proc.stdout)
            kept = report["summary"]["kept"]
            keeps, imports_removed = keeps_and_removed(report)
        except (ValueError, KeyError):
            kept = None
    error = (proc.stderr.strip().splitlines() or [""])[-1][:300] if proc.returncode >= 2 else ""
    changed, removed = tree_changes(source, tree)
    run = ToolRun(
        round(seconds, 2), proc.returncode, changed, len(removed), kept, error,
        imports_removed, keeps,
    )  # fmt: skip
    return run, tuple(removed)


def python_files(tree: Path) -> list[Path]:
    """What either tool may edit: Python sources, stubs and notebooks."""
    return sorted(p for s in ("*.py", "*.pyi", "*.ipynb") for p in tree.rglob(s) if p.is_file())


def tree_changes(source: Path, tree: Path) -> tuple[int, list[str]]:
    """Files that differ from the pristine tree, and the import lines removed in them, each
    as `path: line`."""
    changed = 0
    removed: list[str] = []
    for path in python_files(source):
        relative = path.relative_to(source)
        edited = tree / relative
        before = path.read_text(errors="replace")
        after = edited.read_text(errors="replace") if edited.is_file() else ""
        if before != after:
            changed += 1
            removed += [f"{relative}: {line}" for line in removed_imports(before, after)]
    return changed, removed


def run_tests(project: Project, venv: Path, tree: Path, junit: Path) -> dict[str, Outcome]:
    """The project's tests on the tree at the fixed path, its import root first on the path."""
    env = {
        **os.environ,
        "PYTHONPATH": str(tree / project.pythonpath),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
    }
    env.pop("VIRTUAL_ENV", None)
    # Its own temporary directory: a test that leaves a file in /tmp (requests extracts
    # test_utils.py there and keeps an existing one) must not see the previous tree's.
    temp = junit.with_suffix(".tmp")
    shutil.rmtree(temp, ignore_errors=True)
    temp.mkdir()
    env["TMPDIR"] = str(temp)
    command = [
        *(str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"),
        *(f"--junitxml={junit}", "-o", "junit_logging=no", *project.pytest_args),
        *project.tests,
    ]
    log = junit.with_suffix(".log")
    with log.open("w") as handle:
        subprocess.run(
            command, cwd=tree, env=env, stdout=handle, stderr=subprocess.STDOUT,
            timeout=TEST_TIMEOUT, check=False,
        )  # fmt: skip
    if not junit.is_file():
        return {}
    return parse_junit(junit.read_text(errors="replace"))


def save_diff(source: Path, tree: Path, target: Path) -> None:
    """The tool's edits as a unified diff, kept in the cache for reading the failures."""
    with target.open("w") as handle:
        subprocess.run(
            ["diff", "-ruN", "-x", "__pycache__", str(source), str(tree)],
            stdout=handle, check=False,
        )  # fmt: skip


def broken_tests(
    comparison: Comparison,
    after: dict[str, Outcome],
    removed: tuple[str, ...],
    project: Project,
) -> tuple[Broken, ...]:
    """The comparison's tests, each with its message, suspect imports and `why` note."""
    category = {
        **{t: "vanished" for t in comparison.vanished},
        **{t: "skipped" for t in comparison.skipped},
        **{t: "errored" for t in comparison.errored},
        **{t: "failing" for t in comparison.failing},
    }
    rows = []
    for test in comparison.broken:
        message = after[test].message if test in after else ""
        why = next((note for prefix, note in project.why if test.startswith(prefix)), "")
        rows.append(Broken(test, category[test], message, suspects(message, removed), why))
    return tuple(rows)


def audit_keeps(
    project: Project, venv: Path, tree: Path, run: ToolRun, base: dict[str, Outcome], out: Path
) -> ToolRun:
    # `out`: the junit files' prefix, e.g. .realworld-cache/out/full/mpmath/F401-audit
    """Each kept import's evidence: safefix's tree with only that import removed (as ruff would
    remove it), the tests re-run, and the tests that pass with it and break without it."""
    audited = []
    for number, keep in enumerate(run.kept_imports):
        path = tree / keep.path
        text = path.read_text()
        edited = unbind(text, keep.kept_line, keep.name, keep.statement)
        if edited is None:
            audited.append(keep)
            continue
        path.write_text(edited)
        try:
            after = run_tests(project, venv, tree, out.with_name(f"{out.name}-{number}.xml"))
        finally:
            path.write_text(text)
        broken = compare(base, after).broken
        audited.append(replace(keep, needed_by=len(broken), first_test=next(iter(broken), "")))
        log(f"{project.name}: without {keep.path}:{keep.line} {keep.name}: {len(broken)} broken")
    return replace(run, kept_imports=tuple(audited))


def measure(
    project: Project, names: list[str], mode: str, audit: tuple[str, ...] = ()
) -> list[Row]:
    """Pristine once, then ruff and safefix per selection, each on a fresh tree."""
    source = source_tree(project)
    venv = project_venv(project)
    out = CACHE / "out" / mode / project.name
    at = WORK / mode / project.name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    start = time.perf_counter()
    pristine = run_tests(project, venv, fresh_tree(source, at), out / "pristine.xml")
    test_seconds = time.perf_counter() - start
    log(f"{project.name}: pristine {len(pristine)} tests in {test_seconds:.0f} s")
    if not any(outcome.status == "passed" for outcome in pristine.values()):
        log(f"{project.name}: no test passed in the pristine tree; see {out / 'pristine.log'}")
        return []
    rows = []
    for name in names:
        flags = selections(project)[name]
        runs: dict[str, tuple[ToolRun, tuple[Broken, ...]]] = {}
        for tool in ("ruff", "safefix"):
            tree = fresh_tree(source, at)
            run, removed = run_tool(tool, flags, tree, source)
            save_diff(source, tree, out / f"{name}-{tool}.diff")
            after = (
                run_tests(project, venv, tree, out / f"{name}-{tool}.xml")
                if run.files_changed
                else pristine  # the same tree: the same outcomes
            )
            broken = broken_tests(compare(pristine, after), after, removed, project)
            if tool == "safefix" and name in audit and run.kept_imports:
                run = audit_keeps(project, venv, tree, run, after, out / f"{name}-audit")
            runs[tool] = (run, broken)
            shown = replace(run, kept_imports=())  # each keep was logged by the audit
            log(f"{project.name} {name} {tool}: {shown}, {len(broken)} tests broken")
        rows.append(row(project, name, flags, source, pristine, runs, test_seconds))
    elapsed = round(time.perf_counter() - start, 1)
    return [replace(r, seconds=elapsed) for r in rows]


def row(
    project: Project,
    name: str,
    flags: tuple[str, ...],
    source: Path,
    pristine: dict[str, Outcome],
    runs: dict[str, tuple[ToolRun, tuple[Broken, ...]]],
    test_seconds: float,
) -> Row:
    return Row(
        project=project.name,
        version=project.version,
        selection=name,
        flags=flags,
        files=len(python_files(source)),
        tests=len(pristine),
        pristine_failing=sum(o.status in ("failed", "error") for o in pristine.values()),
        ruff=runs["ruff"][0],
        safefix=runs["safefix"][0],
        ruff_broken=runs["ruff"][1],
        safefix_broken=runs["safefix"][1],
        test_seconds=round(test_seconds, 1),
        seconds=0.0,
    )


def annotate(rows: list[dict[str, Any]]) -> None:
    """Each broken test's `why` note, from projects.py as it is now (notes are written after a
    run, once the failures have been read)."""
    notes = {p.name: p.why for p in PROJECTS}
    keeps = {p.name: p.keeps for p in PROJECTS}
    for row in rows:
        for keep in row["safefix"].get("kept_imports", []):
            keep["verdict"], keep["evidence"] = verdict(keep, keeps.get(row["project"], ()))
        for tool in ("ruff_broken", "safefix_broken"):
            for test in row[tool]:
                test["why"] = note_for(
                    notes.get(row["project"], ()), row["selection"], test["test"]
                )


def compact(row: dict[str, Any]) -> dict[str, Any]:
    """Counts per category and the tests only safefix broke, from the full lists; then the
    lists cut to their first LISTED entries (a tree that no longer imports breaks thousands)."""
    if "ruff_counts" not in row:
        for tool in ("ruff", "safefix"):
            counts: dict[str, int] = {}
            for test in row[f"{tool}_broken"]:
                counts[test["category"]] = counts.get(test["category"], 0) + 1
            row[f"{tool}_counts"] = counts
        ruff = {test["test"] for test in row["ruff_broken"]}
        row["safefix_only"] = sorted(
            t["test"] for t in row["safefix_broken"] if t["test"] not in ruff
        )
    for tool in ("ruff", "safefix"):
        row[f"{tool}_broken"] = row[f"{tool}_broken"][:LISTED]
    return row


def note_for(notes: tuple[tuple[str, str], ...], selection: str, test: str) -> str:
    """The first note whose key is a prefix of the test id; a key may start with `F401:` or
    `wide:` to hold for that selection only."""
    for key, note in notes:
        wanted, _, prefix = (
            key.partition(":") if key.startswith(("F401:", "wide:")) else ("", "", key)
        )
        if wanted in ("", selection) and test.startswith(prefix):
            return note
    return ""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ----- the run ----------------------------------------------------------------------------


def chosen(args: argparse.Namespace) -> list[Project]:
    """The projects of this run; in quick mode, with their quick test files."""
    wanted = set(args.projects.split(",")) if args.projects else None
    projects = [p for p in PROJECTS if wanted is None or p.name in wanted]
    if args.quick:
        projects = [replace(p, tests=QUICK[p.name][0]) for p in projects if p.name in QUICK]
    if wanted and len(projects) != len(wanted):
        raise SystemExit(f"unknown project in {args.projects!r}")
    return projects


def merge(previous: list[dict[str, Any]], rows: list[Row]) -> list[dict[str, Any]]:
    """The new rows replace those of the same project and selection; others stay."""
    new = {(r.project, r.selection): asdict(r) for r in rows}
    kept = [r for r in previous if (r["project"], r["selection"]) not in new]
    order = {p.name: i for i, p in enumerate(PROJECTS)}
    merged = kept + list(new.values())
    return sorted(merged, key=lambda r: (order.get(str(r["project"]), 99), str(r["selection"])))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few projects and test files")
    parser.add_argument("--projects", help="comma-separated names from projects.py")
    parser.add_argument("--render", action="store_true", help="only re-render results.md")
    parser.add_argument("--selections", default="F401,wide", help="F401, wide, or both")
    parser.add_argument(
        "--audit",
        default="",
        help="selections whose kept imports are each removed and the tests re-run (F401,wide)",
    )
    args = parser.parse_args(argv)
    out = CACHE / "quick" if args.quick else OUT
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    catalogue = chosen(args) if args.quick else list(PROJECTS)
    save(out, [], catalogue)  # --render, or a run's first rows' document without waiting
    for project in [] if args.render else chosen(args):
        names = [QUICK[project.name][1]] if args.quick else args.selections.split(",")
        audit = tuple(filter(None, args.audit.split(",")))
        save(out, measure(project, names, "quick" if args.quick else "full", audit), catalogue)
    log(f"done in {round(time.perf_counter() - start)} s: {out / 'results.md'}")
    return 0


def save(out: Path, rows: list[Row], catalogue: list[Project]) -> None:
    """Merge `rows` into results.json (read anew: two runs may share it), render results.md.
    Written after every project, so an interrupted run keeps what it measured."""
    results = out / "results.json"
    previous = json.loads(results.read_text()) if results.is_file() else {"rows": []}
    merged = [compact(row) for row in merge(previous["rows"], rows)]
    present = {row["project"] for row in merged}
    projects = [
        {"name": p.name, "version": p.version, "shape": p.shape, "tests": " ".join(p.tests)}
        for p in catalogue
        if p.name in present
    ]
    annotate(merged)
    document = {"machine": machine(), "projects": projects, "rows": merged}
    for path, text in (
        (results, json.dumps(document, indent=1) + "\n"),
        (out / "results.md", render_markdown(document)),
    ):
        temp = path.with_suffix(".tmp")
        temp.write_text(text)
        os.replace(temp, path)


def machine() -> str:
    """What the figures were measured with."""
    version = subprocess.run(
        [str(BIN / "ruff"), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    safefix = subprocess.run(
        [str(BIN / "safefix"), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    python = subprocess.run(
        [PYTHON, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return f"{os.cpu_count()} cores, {python} for the projects' tests, {version}, {safefix}"


if __name__ == "__main__":
    sys.exit(main())
