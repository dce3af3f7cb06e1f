"""Every folder of scenarios/ through the real CLI, judged at runtime in a fresh interpreter.

A scenario is `scenarios/NAME/repo/` (a tiny project with its own ruff config) plus
`scenarios/NAME/expected.toml`; optional `scenarios/NAME/expected/` holds golden copies of the
files safefix must produce. Adding a case is adding a folder.
"""

from __future__ import annotations

import ast
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from support import (
    SCENARIOS,
    copy_project,
    ruff,
    run,
    runtime_check,
    safefix,
    safefix_json,
    snapshot,
)

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

#: safefix's own flags, left out when plain ruff runs with a scenario's arguments.
SAFEFIX_ONLY = frozenset({"--verify", "--trust-config"})
SCHEMA = json.loads(resources.files("safefix").joinpath("schema/report.schema.json").read_text())
NAMES = sorted(p.name for p in SCENARIOS.iterdir() if (p / "expected.toml").is_file())


def load(name: str) -> dict[str, Any]:
    spec: dict[str, Any] = tomllib.loads((SCENARIOS / name / "expected.toml").read_text())
    return spec


def runtime_import_names(source: bytes) -> set[str]:
    """Names bound by imports that run at module level (not under TYPE_CHECKING)."""
    names: set[str] = set()

    def walk(body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for alias in stmt.names:
                    names.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(stmt, ast.If) and "TYPE_CHECKING" in ast.unparse(stmt.test):
                walk(stmt.orelse)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            else:
                for field in ("body", "orelse", "finalbody", "handlers"):
                    walk(getattr(stmt, field, []))

    walk(ast.parse(source).body)
    return names


def imported_names(source: bytes) -> set[str]:
    """Names bound by import statements at any depth."""
    return {
        alias.asname or alias.name.split(".")[0]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }


def pairs(entries: list[str]) -> set[tuple[str, str]]:
    return {(e.rsplit(":", 1)[0], e.rsplit(":", 1)[1]) for e in entries}


#: safefix's three ways of running ruff, which must fix alike: a lint of the tree in place and a
#: fix of copies of the fixable files (among empty stand-ins; chosen by itself on a cold tree);
#: without ruff's cache, one fix of a full copy (chosen by a sample on big trees, forced here);
#: and, after a warm lint, a fix of each fixable file from stdin in the tree itself (chosen by
#: itself for up to 4 files, forced here for any number). The JSON report names the flow that
#: ran, so a flow switched off fails every scenario's test of it.
FLOWS: dict[str, tuple[list[str], dict[str, str]]] = {
    "lint-then-fix": ([], {}),
    "one-pass": (["--no-cache"], {"SAFEFIX_FLOW": "one-pass"}),
    "stdin": ([], {"SAFEFIX_FLOW": "stdin"}),
}


@pytest.mark.parametrize("flow", FLOWS)
@pytest.mark.parametrize("name", NAMES)
def test_scenario(name: str, flow: str, tmp_path: Path) -> None:
    spec = load(name)
    ruff_args = [a for a in spec.get("args", []) if a not in SAFEFIX_ONLY]
    flags, env = FLOWS[flow]
    args = [*spec.get("args", []), *flags]
    repo = copy_project(SCENARIOS / name / "repo", tmp_path / "repo")
    if spec.get("git"):  # a git work tree: its .gitignore says what is not the program
        assert run(["git", "init", "-q"], repo).returncode == 0
    assert runtime_check(repo).returncode == 0, "the scenario must work before any fix"
    if flow == "stdin":  # ruff's cache, warm: safefix's lint is the quick one of a day's edit
        warmed = ruff(repo, "check", "--no-fix", "--exit-zero", "-q", *ruff_args)
        assert warmed.returncode == 0, warmed.stderr

    code, report = safefix_json(repo, *args, env=env)
    assert code == spec.get("exit_code", 0), report
    assert report["flow"] == flow, report["flow"]

    jsonschema.validate(report, SCHEMA)
    kept_items = {(f["path"], k["name"]): k for f in report["files"] for k in f["kept"]}
    assert set(kept_items) == pairs(spec.get("kept", []))
    for path, kept_name in kept_items:
        assert kept_name in imported_names((repo / path).read_bytes()), (path, kept_name)
    for entry, kinds in spec.get("kinds", {}).items():
        found = {c["kind"] for c in kept_items[tuple(entry.rsplit(":", 1))]["consumers"]}
        assert set(kinds) <= found, (entry, found)
    for entry, module in spec.get("modules", {}).items():  # messages name import names
        assert kept_items[tuple(entry.rsplit(":", 1))]["module"] == module, entry
    for entry in spec.get("typing_only", []):
        consumers = kept_items[tuple(entry.rsplit(":", 1))]["consumers"]
        assert consumers and all(c["typing_only"] for c in consumers), consumers
    for path, removed in pairs(spec.get("removed", [])):
        assert removed not in runtime_import_names((repo / path).read_bytes()), (path, removed)

    golden = SCENARIOS / name / "expected"
    if golden.is_dir():
        for file in sorted(p for p in golden.rglob("*") if p.is_file()):
            rel = file.relative_to(golden)
            assert (repo / rel).read_bytes() == file.read_bytes(), f"{rel} differs from golden"

    if spec.get("matches_ruff"):
        plain = copy_project(SCENARIOS / name / "repo", tmp_path / "plain")
        plain_run = ruff(plain, "check", "--fix", "--no-cache", *ruff_args)
        assert plain_run.returncode in (0, 1), plain_run.stderr
        keeping = {path for path, _ in kept_items}
        theirs, ours = snapshot(plain), snapshot(repo)
        assert set(theirs) == set(ours)
        differ = {path for path in ours if ours[path] != theirs[path]}
        assert differ == keeping, "safefix must apply exactly ruff's fixes, minus the kept imports"

    checked = runtime_check(repo)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    if spec.get("ruff_clean_after", True):
        again = ruff(repo, "check", "--fix", "--diff", "--no-cache", *ruff_args)
        assert again.stdout == "", f"plain ruff still wants to change:\n{again.stdout}"

    before = snapshot(repo)
    second = safefix(repo, *args, env=env)
    assert second.returncode == code, second.stderr
    assert snapshot(repo) == before, "a second safefix run changed the tree"


@pytest.mark.parametrize("name", [n for n in NAMES if load(n).get("ruff_breaks")])
def test_plain_ruff_breaks_it(name: str, tmp_path: Path) -> None:
    """The scenario is real: plain `ruff check --fix` with the same flags breaks the project."""
    repo = copy_project(SCENARIOS / name / "repo", tmp_path / "repo")
    args = [a for a in load(name).get("args", []) if a not in SAFEFIX_ONLY]
    fixed = ruff(repo, "check", "--fix", "--no-cache", *args)
    assert fixed.returncode in (0, 1), fixed.stderr
    assert runtime_check(repo).returncode == 1
