"""Project layouts: where the consumer index's root is, the source roots module names start at,
and which of two same-named modules a consumer means."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from support import safefix_json

from safefix.modules import build_module_map
from safefix.project_root import find_project_root


def make(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


UV = '[tool.uv.workspace]\nmembers = ["packages/*"]\n'
HATCH = '[tool.hatch.envs.default.workspace]\nmembers = ["libs/a"]\n'


@pytest.mark.parametrize(
    ("files", "given", "expected"),
    [
        pytest.param(
            {"pyproject.toml": UV, "packages/a/pyproject.toml": "", "packages/a/m.py": ""},
            "packages/a",
            ".",
            id="uv-workspace-member",
        ),
        pytest.param(
            {"pyproject.toml": HATCH, "libs/a/pyproject.toml": "", "libs/a/m.py": ""},
            "libs/a/m.py",
            ".",
            id="hatch-workspace-member",
        ),
        pytest.param(
            {"pyproject.toml": UV, "tools/x/pyproject.toml": "", "tools/x/m.py": ""},
            "tools/x",
            "tools/x",
            id="not-a-member",
        ),
        pytest.param(
            {".git/HEAD": "", "svc/pyproject.toml": "", "svc/m.py": ""},
            "svc/m.py",
            ".",
            id="git-top",
        ),
        pytest.param(
            {".git": "gitdir: /elsewhere\n", "a/setup.py": "", "a/m.py": ""},
            "a",
            ".",
            id="git-worktree-file",
        ),
        pytest.param(
            {"a/pyproject.toml": "", "a/b/m.py": ""}, "a/b/m.py", "a", id="nearest-marker"
        ),
        pytest.param(
            {"pyproject.toml": '[tool.uv.workspace]\nmembers = "packages/*"\n', "p/m.py": ""},
            "p",
            ".",
            id="bad-members-nearest-marker",
        ),
    ],
)
def test_project_root(tmp_path: Path, files: dict[str, str], given: str, expected: str) -> None:
    make(tmp_path, files)
    assert find_project_root([tmp_path / given]) == (tmp_path / expected)


def test_git_ignored_project_is_its_own_root(tmp_path: Path) -> None:
    """A project unpacked in a directory its enclosing repository ignores is not that
    repository's code (an sdist in a cache): its own marker is the root."""
    make(tmp_path, {".gitignore": "cache/\n", "cache/pkg/pyproject.toml": "", "cache/pkg/m.py": ""})
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert find_project_root([tmp_path / "cache/pkg/m.py"]) == tmp_path / "cache/pkg"
    make(tmp_path, {"svc/pyproject.toml": "", "svc/m.py": ""})
    assert find_project_root([tmp_path / "svc/m.py"]) == tmp_path


@pytest.mark.parametrize(
    ("files", "file", "display"),
    [
        pytest.param({"src/shop/__init__.py": ""}, "src/shop/models.py", "shop.models", id="src"),
        pytest.param(
            {"Lib/fontTools/__init__.py": ""}, "Lib/fontTools/ttLib.py", "fontTools.ttLib", id="Lib"
        ),
        pytest.param({}, "lib/tool.py", "lib.tool", id="lib-without-packages-is-a-package"),
        pytest.param(
            {"packages/acme-core/src/acme/core/__init__.py": ""},
            "packages/acme-core/src/acme/core/api.py",
            "acme.core.api",
            id="namespace-package-in-member-src",
        ),
        pytest.param(
            {"a/pyproject.toml": '[tool.setuptools.packages.find]\nwhere = ["code"]\n'},
            "a/code/pkg/m.py",
            "pkg.m",
            id="setuptools-where",
        ),
        pytest.param(
            {"pyproject.toml": '[tool.setuptools]\npackage-dir = {"" = "python"}\n'},
            "python/pkg/m.py",
            "pkg.m",
            id="setuptools-package-dir",
        ),
        pytest.param(
            {"pyproject.toml": '[tool.setuptools.package-dir]\npkg = "code/pkg"\n'},
            "code/pkg/m.py",
            "pkg.m",
            id="setuptools-package-dir-per-package",
        ),
        pytest.param(
            {"pyproject.toml": '[tool.hatch.build.targets.wheel]\npackages = ["py/pkg"]\n'},
            "py/pkg/m.py",
            "pkg.m",
            id="hatch-packages",
        ),
        pytest.param(
            {"pyproject.toml": '[tool.pdm.build]\npackage-dir = "code"\n'},
            "code/pkg/m.py",
            "pkg.m",
            id="pdm-package-dir",
        ),
        pytest.param(
            {"pyproject.toml": '[tool.poetry]\npackages = [{include = "pkg", from = "code"}]\n'},
            "code/pkg/m.py",
            "pkg.m",
            id="poetry-from",
        ),
        pytest.param(
            {"setup.cfg": "[options]\npackage_dir =\n    =code\n"},
            "code/pkg/m.py",
            "pkg.m",
            id="setup-cfg-package-dir",
        ),
        pytest.param(
            {"pyproject.toml": '[tool.setuptools.packages.find]\nwhere = [".."]\n'},
            "pkg/m.py",
            "pkg.m",
            id="declared-outside-the-root-ignored",
        ),
        pytest.param({"app/__init__.py": ""}, "app/models.py", "app.models", id="flat"),
    ],
)
def test_display_name(tmp_path: Path, files: dict[str, str], file: str, display: str) -> None:
    """Messages name a module by its import name, from the innermost source root."""
    make(tmp_path, {**files, file: ""})
    init = [tmp_path / f for f in files if f.endswith(".py")]
    package_files = [tmp_path / f for f in [file, *files] if f.endswith(".py")]
    modules = build_module_map([*package_files, *init], tmp_path)
    assert modules.display_name(tmp_path / file) == display


SERVICES = ["services/search/app/__init__.py", "services/billing/app/__init__.py"]


@pytest.mark.parametrize(
    ("files", "consumer", "module", "target", "reaches"),
    [
        pytest.param(
            SERVICES,
            "services/search/app/views.py",
            "app.models",
            "services/billing/app/models.py",
            False,
            id="other-service",
        ),
        pytest.param(
            SERVICES,
            "services/search/app/views.py",
            "app.models",
            "services/search/app/models.py",
            True,
            id="own-service",
        ),
        pytest.param(
            SERVICES,
            "services/search/tests/test_views.py",
            "app.models",
            "services/search/app/models.py",
            True,
            id="own-service-tests",
        ),
        pytest.param(
            SERVICES,
            "tests/test_all.py",
            "app.models",
            "services/billing/app/models.py",
            True,
            id="outside-every-service-may-mean-any",
        ),
        pytest.param(
            ["examples/a/utils.py", "examples/b/utils.py"],
            "examples/b/main.py",
            "utils",
            "examples/a/utils.py",
            False,
            id="example-directories-each-with-a-module-utils",
        ),
        pytest.param(
            ["examples/a/utils.py", "examples/b/main.py"],
            "examples/b/main.py",
            "utils",
            "examples/b/utils.py",
            True,
            id="example-directory-own-utils",
        ),
        pytest.param(
            ["app/__init__.py", "tests/app/__init__.py"],
            "tests/app/test_models.py",
            "app.models",
            "app/models.py",
            True,
            id="tests-mirroring-the-package-may-mean-the-outer-one",
        ),
        pytest.param(
            ["app/__init__.py", "tests/app/__init__.py"],
            "tests/app/test_models.py",
            "app.models",
            "tests/app/models.py",
            True,
            id="tests-mirroring-the-package-may-mean-their-own",
        ),
        pytest.param(
            ["a/src/acme/core/__init__.py", "b/src/acme/web/__init__.py"],
            "b/src/acme/web/forms.py",
            "acme.core.api",
            "a/src/acme/core/api.py",
            True,
            id="namespace-portions-merge",
        ),
    ],
)
def test_same_name_other_code(
    tmp_path: Path, files: list[str], consumer: str, module: str, target: str, reaches: bool
) -> None:
    """A name means the code under the innermost source root above its consumer."""
    make(tmp_path, dict.fromkeys([*files, consumer, target], ""))
    paths = [tmp_path / f for f in [*files, consumer, target]]
    modules = build_module_map(paths, tmp_path)
    assert modules.reaches(tmp_path / consumer, module, tmp_path / target) is reaches


def test_repository_top_config_excluding_the_project(tmp_path: Path) -> None:
    """The repository's top config excludes a project that has its own config; a consumer in
    that project, beside the path given, still counts (ruff prunes excluded directories when
    it walks from the top, not a path it is given)."""
    make(
        tmp_path,
        {
            "pyproject.toml": '[tool.ruff]\nextend-exclude = ["legacy"]\n',
            "legacy/pyproject.toml": '[tool.ruff.lint]\nselect = ["F401"]\n',
            "legacy/app/__init__.py": "",
            "legacy/app/text.py": "def slugify(s):\n    return s\n",
            "legacy/app/models.py": "from app.text import slugify\n",
            "legacy/app/views.py": "from app.models import slugify\n",
        },
    )
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    code, report = safefix_json(tmp_path / "legacy", "--diff", "app/models.py")
    assert code == 1, report
    assert report["root"] == str(tmp_path), report
    kept = [(f["path"], k["name"]) for f in report["files"] for k in f["kept"]]
    assert kept == [("app/models.py", "slugify")], report  # paths relative to the cwd
