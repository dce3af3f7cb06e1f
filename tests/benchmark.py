"""`make bench`: ruff and safefix side by side on the same trees. Not a test: a measurement.

    python tests/benchmark.py [--runs N] [--trees small,networkx,...] [--quick]

Prepares, once, into .bench-cache/: a small generated project, the source of networkx,
django and sympy (sdists downloaded by pip), a synthetic 10,000-file tree built from them,
and a generated 1,000-module project for `--verify`. Then, for each tree and rule selection,
times `ruff check --fix` and `safefix` alternately on fresh copies of the same tree, several
runs each, and reports median wall time, peak RSS and the ratio safefix/ruff for:

- cold: no caches;
- warm: both tools' caches warm, nothing changed since their last run;
- incremental: one file edited since the last run.

Writes tests/benchmarks/results.json and tests/benchmarks/results.md.

`--big MB` instead measures one generated module of about MB megabytes (issue 20's big
input: thousands of imports, some unused, two consumed by another module, and functions),
ruff against safefix, cold, and writes tests/benchmarks/big.json.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".bench-cache"
OUT = REPO / "tests" / "benchmarks"
SDISTS = {"networkx": "networkx==3.6.1", "django": "django==5.2.19", "sympy": "sympy==1.14.0"}
SELECTIONS = {"F401": ["--select", "F401"], "default": []}
BIN = Path(sys.executable).parent
#: A fresh copy has no cache of either tool's in it; both are also told not to use one.
COLD_FLAGS = {"ruff": ["--no-cache"], "safefix": ["--no-cache"]}


@dataclass
class Sample:
    seconds: float
    max_rss_mb: float
    #: CPU time (user + system) of the command and the children it waited for: steadier than
    #: wall time on a shared machine.
    cpu_s: float = 0.0


@dataclass
class Row:
    tree: str
    files: int
    selection: str
    scenario: str
    ruff_s: float
    safefix_s: float
    ratio: float
    ruff_rss_mb: float
    safefix_rss_mb: float


def byte_compile() -> None:
    """Compile safefix's modules as `pip install safefix` does (ruff is a binary; libcst and
    the other dependencies arrive compiled). This checkout is installed editable, and where
    PYTHONDONTWRITEBYTECODE is set (as on the machine these figures come from) Python would
    never keep its bytecode: every run would compile the package anew, which no user's does."""
    compileall.compile_dir(REPO / "safefix", quiet=1)


def timed(args: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Run a command; wall time and the peak RSS of it and its children (wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        args,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **env} if env else None,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1, 3):
        raise SystemExit(f"{args[0]} failed with {proc.returncode} in {cwd}")
    return Sample(elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


# ----- trees ------------------------------------------------------------------------------


def sdist_tree(name: str) -> Path:
    target = CACHE / name
    if target.is_dir():
        return target
    download = CACHE / "downloads"
    download.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--no-binary",
            ":all:",
            "-q",
            "-d",
            str(download),
            SDISTS[name],
        ],
        check=True,
    )
    archive = next(download.glob(f"{name}-*.tar.gz"), None) or next(
        download.glob(f"{name.capitalize()}-*.tar.gz")
    )
    with tempfile.TemporaryDirectory(dir=CACHE) as temp, tarfile.open(archive) as tar:
        tar.extractall(temp, filter="data")
        (top,) = Path(temp).iterdir()
        shutil.move(str(top), target)
    return target


def synthetic_tree(size: int = 10_000) -> Path:
    """Copies of the real trees' Python files, in numbered top-level folders, up to `size` files."""
    target = CACHE / f"synthetic-{size}"
    if target.is_dir():
        return target
    sources = [p for name in SDISTS for p in sorted(sdist_tree(name).rglob("*.py"))]
    building = CACHE / f"building-{size}"
    shutil.rmtree(building, ignore_errors=True)
    (building / "pyproject.toml").parent.mkdir(parents=True)
    (building / "pyproject.toml").write_text('[project]\nname = "synthetic"\nversion = "0"\n')
    count = 0
    copy = 0
    while count < size:
        for source in sources:
            if count >= size:
                break
            root = next(r for r in (sdist_tree(n) for n in SDISTS) if source.is_relative_to(r))
            dest = building / f"copy{copy}" / root.name / source.relative_to(root)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)
            count += 1
        copy += 1
    building.rename(target)
    return target


def small_tree() -> Path:
    target = CACHE / "small"
    if target.is_dir():
        return target
    generate_project(target, modules=60, unused=2)
    return target


def generate_project(target: Path, modules: int, unused: int) -> None:
    """A package whose modules import each other (acyclically), with some unused imports and
    lazily consumed re-exports, like the incident."""
    package = target / "big"
    for index in range(modules):
        sub = package / f"sub{index % 20}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / "__init__.py").touch()
        lines = ["import os", "import sys", "import json"][: unused + 1]
        deps = [d for d in (index - 1, index // 2, index // 3) if 0 <= d < index]
        lines += [f"from big.sub{d % 20}.m{d} import value{d}" for d in dict.fromkeys(deps)]
        body = "\n".join(lines) + f"\n\n\ndef value{index}():\n    return {index}\n"
        if deps:
            body += f"\n\ndef lazy{index}():\n    from big.sub{deps[0] % 20}.m{deps[0]} import value{deps[0]}\n"
            body += f"\n    return value{deps[0]}()\n"
        (sub / f"m{index}.py").write_text(body)
    (package / "__init__.py").touch()
    (target / "pyproject.toml").write_text('[project]\nname = "big"\nversion = "0"\n')


TREES: dict[str, Callable[[], Path]] = {
    "small": small_tree,
    "networkx": lambda: sdist_tree("networkx"),
    "django": lambda: sdist_tree("django"),
    "sympy": lambda: sdist_tree("sympy"),
    "synthetic-10k": synthetic_tree,
}


# ----- measuring --------------------------------------------------------------------------


def fresh_copy(tree: Path, parent: Path, name: str) -> Path:
    """A new copy of `tree`. The last copy is moved aside, not deleted: the work directory goes
    at the very end. Deleting thousands of files makes every file created in the next minutes
    cost up to a millisecond of kernel time on a journal-less ext4 (it skips recently deleted
    inodes), which would bill the benchmark's own clean-up to whichever tool creates files."""
    dest = parent / name
    if dest.exists():
        trash = parent / ".trash"
        trash.mkdir(exist_ok=True)
        dest.rename(trash / f"{name}-{len(list(trash.iterdir()))}")
    shutil.copytree(tree, dest, symlinks=True)
    return dest


def touch_one(tree: Path) -> None:
    """Edit one file: an unused import for the tools to fix."""
    victim = min(tree.rglob("*.py"), key=lambda p: (len(p.parts), str(p)))
    victim.write_text("import os  # edited\n" + victim.read_text())


def measure(tree_name: str, tree: Path, selection: str, runs: int, work: Path) -> list[Row]:
    flags = SELECTIONS[selection]
    ruff_cmd = [str(BIN / "ruff"), "check", "--fix", *flags, "."]
    safefix_cmd = [str(BIN / "safefix"), *flags, "."]
    samples: dict[tuple[str, str], list[Sample]] = {}
    for _ in range(runs):
        for tool, command in (("ruff", ruff_cmd), ("safefix", safefix_cmd)):
            copy = fresh_copy(tree, work, f"{tool}-tree")
            cold = [*command[:-1], *COLD_FLAGS[tool], "."]
            samples.setdefault((tool, "cold"), []).append(timed(cold, copy))
            timed(command, copy)  # warm the cache on the fixed tree
            samples.setdefault((tool, "warm"), []).append(timed(command, copy))
            touch_one(copy)
            samples.setdefault((tool, "incremental"), []).append(timed(command, copy))
    files = sum(1 for _ in tree.rglob("*.py"))
    rows = []
    for scenario in ("cold", "warm", "incremental"):
        ruff_s = statistics.median(s.seconds for s in samples[("ruff", scenario)])
        safefix_s = statistics.median(s.seconds for s in samples[("safefix", scenario)])
        rows.append(
            Row(
                tree=tree_name,
                files=files,
                selection=selection,
                scenario=scenario,
                ruff_s=round(ruff_s, 3),
                safefix_s=round(safefix_s, 3),
                ratio=round(safefix_s / ruff_s, 2) if ruff_s else float("inf"),
                ruff_rss_mb=round(max(s.max_rss_mb for s in samples[("ruff", scenario)]), 1),
                safefix_rss_mb=round(max(s.max_rss_mb for s in samples[("safefix", scenario)]), 1),
            )
        )
    return rows


def measure_order_check(tree_name: str, tree: Path, runs: int, work: Path) -> dict[str, Any]:
    """What the import-order check costs in a cold run with ruff's default rules (I001 among
    them): safefix with it and without it (`SAFEFIX_ORDER_CHECK=off`, for this only),
    alternately on fresh copies."""
    command = [str(BIN / "safefix"), *COLD_FLAGS["safefix"], "."]
    samples: dict[str, list[Sample]] = {"with": [], "without": []}
    for _ in range(runs):
        for key, env in (("with", None), ("without", {"SAFEFIX_ORDER_CHECK": "off"})):
            samples[key].append(timed(command, fresh_copy(tree, work, "order-tree"), env))
    wall = {k: statistics.median(s.seconds for s in v) for k, v in samples.items()}
    cpu = {k: statistics.median(s.cpu_s for s in v) for k, v in samples.items()}
    return {
        "tree": tree_name,
        "cold_s": round(wall["with"], 3),
        "cold_without_check_s": round(wall["without"], 3),
        "cpu_s": round(cpu["with"], 3),
        "cpu_without_check_s": round(cpu["without"], 3),
        "check_share": round((cpu["with"] - cpu["without"]) / cpu["with"], 3)
        if cpu["with"]
        else 0.0,
    }


def measure_verify(modules: int, work: Path) -> dict[str, float]:
    """Wall time of the --verify import check on a generated project of `modules` modules."""
    tree = CACHE / f"verify-{modules}"
    if not tree.is_dir():
        generate_project(tree, modules=modules, unused=1)
    return {"modules": modules, **verify_time(tree, ["--select", "F401"], work)}


def measure_verify_tree(name: str, work: Path) -> dict[str, object]:
    """--verify on a real package with ruff's default rules (`--isolated`: its own config
    ignores I001 in `__init__.py`; the default rules sort them into import cycles that
    --verify must find and take back)."""
    tree = TREES[name]()
    return {"tree": name, "rules": "--isolated", **verify_time(tree, ["--isolated"], work)}


def verify_time(tree: Path, flags: list[str], work: Path) -> dict[str, float]:
    plain = timed([str(BIN / "safefix"), *flags, "--diff", "."], fresh_copy(tree, work, "v1"))
    verified = timed(
        [str(BIN / "safefix"), *flags, "--diff", "--verify", "."], fresh_copy(tree, work, "v2")
    )
    return {
        "safefix_s": round(plain.seconds, 2),
        "safefix_verify_s": round(verified.seconds, 2),
        "verify_s": round(verified.seconds - plain.seconds, 2),
        "peak_rss_mb": round(verified.max_rss_mb, 1),
    }


def generate_load_project(target: Path, modules: int, reexports: int) -> set[tuple[str, str]]:
    """A dense import graph: every module imports five earlier ones and uses them; `reexports`
    hub modules import a name they never use, which a later module imports lazily from them.
    Returns the (file, name) pairs that must be kept."""
    package = target / "load"
    package.mkdir(parents=True)
    (package / "__init__.py").touch()
    (target / "pyproject.toml").write_text(
        '[project]\nname = "load"\nversion = "0"\n\n[tool.ruff.lint]\nselect = ["F401"]\n'
    )
    keep: set[tuple[str, str]] = set()
    hubs = set(range(1, modules, max(1, modules // reexports)))
    for index in range(modules):
        sub = f"s{index % 50}"
        (package / sub).mkdir(exist_ok=True)
        (package / sub / "__init__.py").touch()
        deps = sorted(
            {
                d
                for d in (index - 1, index - 7, index // 2, index // 3, index // 5)
                if 0 <= d < index
            }
        )
        lines = ["import os", "import json"]
        lines += [f"from load.s{d % 50}.m{d} import value{d}" for d in deps]
        uses = " + ".join(f"value{d}()" for d in deps) or "0"
        if index in hubs and deps:
            lines.append(
                f"from load.s{deps[0] % 50}.m{deps[0]} import value{deps[0]} as reexport{index}"
            )
            keep.add((f"load/{sub}/m{index}.py", f"reexport{index}"))
        body = (
            "\n".join(lines)
            + f"\n\n\ndef value{index}():\n    return json.dumps({index}) and {uses}\n"
        )
        (package / sub / f"m{index}.py").write_text(body)
    consumer = "".join(
        f"def use{i}():\n    from load.s{int(f.split('/')[1][1:])}.m{f.split('/m')[1][:-3]} import {name}\n    return {name}\n\n\n"
        for i, (f, name) in enumerate(sorted(keep))
    )
    (package / "consumers.py").write_text(consumer)
    return keep


def generate_big_module(target: Path, megabytes: float) -> None:
    """A project whose `app/big.py` is about `megabytes` MB: imports (the `name*` ones used,
    the rest unused), functions, and an `app/user.py` that consumes two of the unused imports
    (so that safefix keeps them: its restore path runs on the big file too)."""
    functions = int(megabytes * 9_300)
    lines = []
    for i in range(functions // 20):
        lines.append(f"import mod{i}\nfrom pkg{i} import name{i}, other{i}")
    for i in range(functions):
        lines.append(
            f'def f{i}(x, y={i}):\n    "doc {i}"\n    z = x + y * {i}\n'
            f"    return name{i % (functions // 20)}(str(z), 'p{i}')\n"
        )
    (target / "app").mkdir(parents=True)
    (target / "app/__init__.py").write_text("")
    (target / "app/big.py").write_text("\n".join(lines) + "\n")
    (target / "app/user.py").write_text("from app.big import mod7, other9\n\nprint(mod7, other9)\n")
    (target / "pyproject.toml").write_text('[project]\nname = "big"\n')


def measure_big(megabytes: float, runs: int, work: Path) -> dict[str, object]:
    """ruff and safefix, cold, alternately on fresh copies of one big module's project."""
    tree = work / "big-source"
    generate_big_module(tree, megabytes)
    commands = {
        "ruff": [str(BIN / "ruff"), "check", "--fix", "--no-cache", "."],
        "safefix": [str(BIN / "safefix"), "--no-cache", "."],
    }
    samples: dict[str, list[Sample]] = {"ruff": [], "safefix": []}
    for _ in range(runs):
        for tool, command in commands.items():
            samples[tool].append(timed(command, fresh_copy(tree, work, f"big-{tool}")))
    size = (tree / "app/big.py").stat().st_size
    found: dict[str, object] = {"module_mb": round(size / 1e6, 1), "runs": runs}
    for tool, taken in samples.items():
        found[f"{tool}_s"] = round(statistics.median(s.seconds for s in taken), 2)
        found[f"{tool}_rss_mb"] = round(max(s.max_rss_mb for s in taken), 1)
    return found


def measure_load(modules: int, reexports: int, work: Path) -> dict[str, object]:
    """safefix on a generated project of `modules` modules: time, peak RSS, and correctness."""
    tree = work / "load-project"
    keep = generate_load_project(tree, modules, reexports)
    out = work / "load-report.json"
    start = time.perf_counter()
    with out.open("w") as handle:
        proc = subprocess.Popen(
            [str(BIN / "safefix"), "--no-cache", "--output-format", "safefix-json", "."],
            cwd=tree,
            stdout=handle,
            stderr=subprocess.DEVNULL,
        )
        _, _, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    report = json.loads(out.read_text())
    kept = {(f["path"], k["name"]) for f in report["files"] for k in f["kept"]}
    removed = sum(len(f["removed"]) for f in report["files"])
    return {
        "modules": modules,
        "load_bearing": len(keep),
        "kept_exactly_the_load_bearing": kept == keep,
        "removed": removed,
        "seconds": round(elapsed, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ruff_version = subprocess.run(
        [str(BIN / "ruff"), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {ruff_version}, "
        f"scratch on {'/dev/shm' if os.access('/dev/shm', os.W_OK) else 'disk'}"
    )


def markdown(
    rows: Sequence[Row],
    verify: dict[str, float] | None,
    where: str,
    verify_trees: Sequence[dict[str, Any]] = (),
    order_checks: Sequence[dict[str, Any]] = (),
) -> str:
    lines = [
        "# Benchmark: safefix vs ruff check --fix",
        "",
        f"Measured by `make bench` on {where}; medians of alternating runs on fresh copies of the same tree.",
        "",
        "| tree | .py files | rules | scenario | ruff (s) | safefix (s) | safefix/ruff | ruff RSS (MB) | safefix RSS (MB) |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.tree} | {r.files} | {r.selection} | {r.scenario} | {r.ruff_s} | {r.safefix_s} | "
        f"{r.ratio} | {r.ruff_rss_mb} | {r.safefix_rss_mb} |"
        for r in rows
    ]
    for check in order_checks:
        lines += [
            "",
            (
                f"Import-order check on {check['tree']}, ruff's default rules, cold: "
                f"{check['cold_s']} s with it, {check['cold_without_check_s']} s without it "
                f"(CPU: {check['cpu_s']} s against {check['cpu_without_check_s']} s, so the "
                f"check is {check['check_share']:.1%} of the run's CPU time)."
            ),
        ]
    for tree in verify_trees:
        lines += [
            "",
            (
                f"`--verify` on {tree['tree']} with ruff's default rules (`{tree['rules']}`): "
                f"{tree['safefix_verify_s']} s against {tree['safefix_s']} s without it (the "
                f"import check: {tree['verify_s']} s); peak RSS {tree['peak_rss_mb']} MB."
            ),
        ]
    if verify:
        lines += [
            "",
            (
                f"`--verify` on a generated project of {verify['modules']} modules: the whole run "
                f"took {verify['safefix_verify_s']} s against {verify['safefix_s']} s without it, so "
                "the import check (every module imported before and after, one fork each, on every "
                f"core) took {verify['verify_s']} s; peak RSS {verify['peak_rss_mb']} MB."
            ),
        ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--trees", default=",".join(TREES))
    parser.add_argument("--selections", default=",".join(SELECTIONS))
    parser.add_argument("--verify-modules", type=int, default=1000)
    parser.add_argument("--verify-trees", default="networkx", help="real trees to --verify")
    parser.add_argument("--load-modules", type=int, default=5000)
    parser.add_argument("--load-only", action="store_true", help="only the load test")
    parser.add_argument("--quick", action="store_true", help="one run, small tree only")
    parser.add_argument("--big", type=float, metavar="MB", help="only one MB-sized module")
    args = parser.parse_args()
    if args.big:
        with tempfile.TemporaryDirectory(prefix="safefix-big-") as temp:
            big = measure_big(args.big, args.runs, Path(temp))
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "big.json").write_text(json.dumps({"machine": machine(), **big}, indent=2) + "\n")
        print(json.dumps(big))
        return 0
    if args.quick:
        args.runs, args.trees, args.verify_modules, args.load_modules = 1, "small", 200, 500
    if args.load_only:
        with tempfile.TemporaryDirectory(prefix="safefix-load-") as temp:
            load = measure_load(args.load_modules, 200, Path(temp))
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "load.json").write_text(json.dumps({"machine": machine(), **load}, indent=2) + "\n")
        print(json.dumps(load))
        return 0 if load["kept_exactly_the_load_bearing"] else 1
    CACHE.mkdir(exist_ok=True)
    (CACHE / ".gitignore").write_text("*\n")
    byte_compile()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="safefix-bench-") as temp:
        work = Path(temp)
        for name in args.trees.split(","):
            tree = TREES[name]()
            for selection in args.selections.split(","):
                rows += measure(name, tree, selection, args.runs, work)
                print(
                    *(
                        f"{r.tree} {r.selection} {r.scenario}: ruff {r.ruff_s}s safefix {r.safefix_s}s"
                        for r in rows[-3:]
                    ),
                    sep="\n",
                    flush=True,
                )
        order_checks = [
            measure_order_check(name, TREES[name](), args.runs, work)
            for name in args.trees.split(",")
            if "default" in args.selections.split(",")
        ]
        print(*order_checks, sep="\n", flush=True)
        verify = measure_verify(args.verify_modules, work) if args.verify_modules else None
        verify_trees = [
            measure_verify_tree(name, work)
            for name in args.verify_trees.split(",")
            if name and not args.quick
        ]
    where = machine()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(
        json.dumps(
            {
                "machine": where,
                "rows": [asdict(r) for r in rows],
                "verify": verify,
                "verify_trees": verify_trees,
                "order_checks": order_checks,
            },
            indent=2,
        )
        + "\n"
    )
    text = markdown(rows, verify, where, verify_trees, order_checks)
    (OUT / "results.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
