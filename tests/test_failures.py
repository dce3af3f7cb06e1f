"""Failures contained per file, through the real CLI: `SAFEFIX_FAULT` (see safefix/failures.py)
makes one stage raise for one file, or outside any one file's work."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from support import safefix, safefix_json, snapshot

F401 = '[tool.ruff.lint]\nselect = ["F401"]\n'
#: app/a.py re-exports X (consumed lazily by app/user.py) and imports os for nothing; the
#: others each import something for nothing.
FILES = {
    "pyproject.toml": F401,
    "app/__init__.py": "",
    "app/a.py": "import os\nfrom app.b import X\n",
    "app/b.py": "import sys\nX = 1\n",
    "app/c.py": "import json\n",
    "app/user.py": "def f():\n    from app.a import X\n    return X\n",
}


def project(root: Path, files: dict[str, str] = FILES) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


@pytest.mark.parametrize("stage", ["removals", "protect", "write"])
def test_an_exception_in_one_file_leaves_it_alone_and_the_others_fixed(
    tmp_path: Path, stage: str
) -> None:
    repo = project(tmp_path / "repo")
    proc = safefix(repo, env={"SAFEFIX_FAULT": f"{stage}:app/a.py"})
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert (
        f"error: app/a.py: internal error: InjectedFault: SAFEFIX_FAULT={stage}:app/a.py; "
        "left unchanged\n" in proc.stderr
    )
    assert "Traceback" not in proc.stderr
    assert (repo / "app/a.py").read_text() == FILES["app/a.py"]
    assert (repo / "app/b.py").read_text() == "X = 1\n"
    assert (repo / "app/c.py").read_text() == ""


def test_the_json_report_names_the_file_and_the_error(tmp_path: Path) -> None:
    repo = project(tmp_path / "repo")
    code, report = safefix_json(repo, env={"SAFEFIX_FAULT": "protect:app/a.py"})
    assert code == 3
    schema = resources.files("safefix").joinpath("schema/report.schema.json").read_text()
    jsonschema.validate(report, json.loads(schema))
    (failed,) = [f for f in report["files"] if f["error"]]
    assert failed["path"] == "app/a.py"
    assert (failed["changed"], failed["written"]) == (False, False)
    assert report["errors"] == [
        "app/a.py: internal error: InjectedFault: SAFEFIX_FAULT=protect:app/a.py; left unchanged"
    ]


def test_when_every_file_fails_nothing_could_be_done_exit_2(tmp_path: Path) -> None:
    repo = project(tmp_path / "repo", {"pyproject.toml": F401, "a.py": "import os\n"})
    proc = safefix(repo, env={"SAFEFIX_FAULT": "removals:a.py"})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "error: a.py: internal error: InjectedFault" in proc.stderr
    assert (repo / "a.py").read_text() == "import os\n"


def test_an_exception_outside_one_files_work_is_one_line_and_exit_2(tmp_path: Path) -> None:
    repo = project(tmp_path / "repo")
    before = snapshot(repo)
    proc = safefix(repo, env={"SAFEFIX_FAULT": "index"})
    assert proc.returncode == 2
    assert proc.stderr == (
        "error: internal error: InjectedFault: SAFEFIX_FAULT=index "
        "(run with -v for the traceback)\n"
    )
    assert snapshot(repo) == before
    verbose = safefix(repo, "-v", env={"SAFEFIX_FAULT": "index"})
    assert verbose.returncode == 2
    assert "Traceback (most recent call last)" in verbose.stderr
    assert verbose.stderr.endswith("error: internal error: InjectedFault: SAFEFIX_FAULT=index\n")
    code, report = safefix_json(repo, env={"SAFEFIX_FAULT": "index"})
    assert (code, report["errors"], report["flow"]) == (
        2,
        ["internal error: InjectedFault: SAFEFIX_FAULT=index"],
        None,
    )
    assert snapshot(repo) == before


def test_the_hook_is_inert_for_other_files_and_stages(tmp_path: Path) -> None:
    repo = project(tmp_path / "repo")
    proc = safefix(repo, env={"SAFEFIX_FAULT": "protect:app/nowhere.py"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (repo / "app/a.py").read_text() == "from app.b import X  # noqa: F401\n"
