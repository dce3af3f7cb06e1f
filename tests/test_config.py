"""[tool.safefix] in pyproject.toml, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import SCENARIOS, copy_project, safefix, safefix_json, snapshot


def add_table(repo: Path, table: str) -> None:
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.safefix]\n" + table)


def test_unknown_key_warns_with_key_and_file(incident: Path) -> None:
    add_table(incident, 'restore-with = "noqa"\nverfy = true\n')
    proc = safefix(incident)
    assert proc.returncode == 0
    assert (
        f"warning: {incident / 'pyproject.toml'}: unknown key `verfy` in [tool.safefix]"
        in proc.stderr
    )


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("verify = 1\n", "[tool.safefix] verify must be a bool, not 1"),
        ('restore-with = "comment"\n', "restore-with must be one of auto, noqa, all"),
        ('keep = "app.main:*"\n', "[tool.safefix] keep must be a list"),
        ("keep = [1]\n", "keep must be a list of strings"),
    ],
)
def test_wrong_types_are_errors(incident: Path, table: str, message: str) -> None:
    add_table(incident, table)
    before = snapshot(incident)
    proc = safefix(incident)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert snapshot(incident) == before


def test_restore_with_from_config_and_cli_override(tmp_path: Path) -> None:
    repo = copy_project(SCENARIOS / "pinned-all" / "repo", tmp_path / "repo")
    add_table(repo, 'restore-with = "noqa"\n')
    _, report = safefix_json(repo, "--diff")
    assert report["files"][0]["kept"][0]["restored_with"] == "noqa: F401"
    _, report = safefix_json(repo, "--diff", "--restore-with", "all")
    assert report["files"][0]["kept"][0]["restored_with"] == "__all__"


def test_keep_globs_always_keep(tmp_path: Path) -> None:
    repo = copy_project(SCENARIOS / "plain-unused" / "repo", tmp_path / "repo")
    add_table(repo, 'keep = ["tool.run:Ordered*"]\n')
    code, report = safefix_json(repo)
    assert code == 0
    (kept,) = report["files"][0]["kept"]
    assert (kept["name"], kept["reason"]) == ("OrderedDict", "listed in [tool.safefix] keep")
    assert "OrderedDict" in (repo / "tool/run.py").read_text()


def test_consumer_roots_and_exclude(tmp_path: Path) -> None:
    repo = copy_project(SCENARIOS / "incident" / "repo", tmp_path / "repo")
    # the routers move to a sibling checkout; tests are excluded from the search
    sibling = tmp_path / "routers-repo"
    (repo / "app/routers").rename(sibling)
    (repo / "app/main.py").write_text(
        (repo / "app/main.py")
        .read_text()
        .replace("from app.routers import health, users\n", "")
        .replace('    return {"routes": [health.check, users.get_user]}', "    return {}")
    )
    (sibling / "health.py").write_text(
        "def check():\n    from app.main import KEEPALIVE\n    return KEEPALIVE\n"
    )
    (repo / "tests/test_ttl.py").write_text("from app.main import SEEN_TTL\n")  # excluded below
    add_table(repo, f'consumer-roots = ["{sibling}"]\nexclude = ["tests/*"]\n')
    code, report = safefix_json(repo)
    assert code == 0, report
    kept = {k["name"]: k["consumers"][0]["path"] for k in report["files"][0]["kept"]}
    assert kept == {"KEEPALIVE": str(sibling / "health.py")}
