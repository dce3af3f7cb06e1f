"""Module names and the consumer index, on small real trees."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import write_tree

from safefix.consumers import build_index
from safefix.modules import ModuleMapBuilder, build_module_map
from safefix.types import ConsumerKind


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("app/main.py", ("app.main",)),
        ("app/__init__.py", ("app",)),
        ("src/lib/core.py", ("lib.core", "src.lib.core")),
        ("ns/tools/fmt.py", ("ns.tools.fmt", "fmt")),
        ("tests/test_x.py", ("tests.test_x", "test_x")),
        ("src/lib/sub/deep.py", ("lib.sub.deep", "src.lib.sub.deep", "deep")),
        ("data.v2/load.py", ("load",)),  # a directory that is no name: importable from inside
        ("app/x.tar.py", ()),  # nor is a file's
        ("app/__init__/y.py", ("app.__init__.y", "y")),
    ],
)
def test_module_names(tmp_path: Path, rel: str, expected: tuple[str, ...]) -> None:
    files = write_tree(tmp_path, {"app/__init__.py": "", "src/lib/__init__.py": "", rel: ""})
    modules = build_module_map(files, tmp_path)
    assert modules.names[tmp_path / rel] == expected


def test_a_module_map_built_a_share_at_a_time_is_the_same(tmp_path: Path) -> None:
    """The map is built in shares while ruff fixes, and finished only if a run needs it."""
    files = write_tree(
        tmp_path,
        {"app/__init__.py": "", "app/main.py": "", "src/lib/__init__.py": "", "src/lib/x.py": ""}
        | {f"app/sub/m{i}.py": "" for i in range(7)},
    )
    builder = ModuleMapBuilder(files, tmp_path)
    steps = 0
    while not builder.advance(2):
        steps += 1
    assert steps == 5
    assert builder.finish() == build_module_map(files, tmp_path)


@pytest.mark.parametrize(
    ("level", "module", "expected"),
    [
        (1, "b", "pkg.sub.b"),
        (2, None, "pkg"),
        (3, "top", "top"),
        (2, "x.y", "pkg.x.y"),
        (4, "z", None),
    ],
)
def test_relative_imports(
    tmp_path: Path, level: int, module: str | None, expected: str | None
) -> None:
    files = write_tree(
        tmp_path, {"pkg/__init__.py": "", "pkg/sub/__init__.py": "", "pkg/sub/a.py": ""}
    )
    modules = build_module_map(files, tmp_path)
    assert modules.absolute(tmp_path / "pkg/sub/a.py", level, module) == expected


TREE = {
    "app/__init__.py": "",
    "app/main.py": "",
    "app/other.py": "HELPER = 1\n",
    "app/routers/__init__.py": "",
    "app/routers/r.py": (
        "def f():\n"
        "    from app.main import KEEPALIVE\n"
        "    from ..main import SEEN_TTL as ttl\n"
        "    from app.other import HELPER\n"
    ),
    "scripts/s.py": (
        "import app.main\nimport app.main as m\nfrom app import main\n"
        "app.main.JSON.dumps()\nm.PATH\nmain.TOKEN\n"
    ),
}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("KEEPALIVE", [("app/routers/r.py", 2, ConsumerKind.FROM_IMPORT)]),
        ("SEEN_TTL", [("app/routers/r.py", 3, ConsumerKind.FROM_IMPORT)]),
        ("JSON", [("scripts/s.py", 4, ConsumerKind.ATTRIBUTE)]),
        ("PATH", [("scripts/s.py", 5, ConsumerKind.ATTRIBUTE)]),
        ("TOKEN", [("scripts/s.py", 6, ConsumerKind.ATTRIBUTE)]),
        ("HELPER", []),  # consumed from app.other, not from app.main
    ],
)
def test_consumers_of_app_main(
    tmp_path: Path, name: str, expected: list[tuple[str, int, ConsumerKind]]
) -> None:
    files = write_tree(tmp_path, TREE)
    modules = build_module_map(files, tmp_path)
    index = build_index(files, {}, {name: ["app.main"]}, modules)
    found = index.consumers_of(tmp_path / "app/main.py", name)
    assert [(str(c.path.relative_to(tmp_path)), c.line, c.kind) for c in found] == expected


def test_prefilter_skips_files_that_never_mention_the_name(tmp_path: Path) -> None:
    files = write_tree(tmp_path, TREE)
    index = build_index(files, {}, {"KEEPALIVE": ["app.main"]}, build_module_map(files, tmp_path))
    assert set(index.by_file) == {tmp_path / "app/routers/r.py"}


def test_contents_override_disk(tmp_path: Path) -> None:
    files = write_tree(tmp_path, TREE)
    r = tmp_path / "app/routers/r.py"
    index = build_index(
        files,
        {r: b"def f():\n    pass\n"},
        {"KEEPALIVE": ["app.main"]},
        build_module_map(files, tmp_path),
    )
    assert index.consumers_of(tmp_path / "app/main.py", "KEEPALIVE") == []


def test_prefilter_keeps_relative_consumers_that_never_name_the_module(tmp_path: Path) -> None:
    files = write_tree(
        tmp_path, {**TREE, "app/routers/q.py": "def g():\n    from .. import ROOT\n"}
    )
    index = build_index(files, {}, {"ROOT": ["app"]}, build_module_map(files, tmp_path))
    (consumer,) = index.consumers_of(tmp_path / "app/__init__.py", "ROOT")
    assert (consumer.path, consumer.text) == (tmp_path / "app/routers/q.py", "from .. import ROOT")


@pytest.mark.parametrize(
    ("line", "typing_only"),
    [
        pytest.param('Path = Union[str, "os.PathLike[str]"]', True, id="generic-argument"),
        pytest.param('def f(p: "os.PathLike[str]") -> None: ...', True, id="annotation"),
        pytest.param('x: "os.PathLike[str]" = None', True, id="variable-annotation"),
        pytest.param('SEP = "os.sep"', False, id="plain-string"),
        pytest.param('K = Literal["os"]', False, id="literal-is-a-value"),
    ],
)
def test_strings_a_module_evaluates_are_typing_only_in_type_expressions(
    tmp_path: Path, line: str, typing_only: bool
) -> None:
    """black's pgen.py: a module that `eval`s computed strings, where `os` is named only in a
    forward reference; TC003 may move `import os` under TYPE_CHECKING, as type checkers are
    the only readers of that string."""
    source = f"import os\nfrom typing import Literal, Union\n{line}\n\n\ndef run(label):\n"
    files = write_tree(
        tmp_path, {"app/__init__.py": "", "app/pgen.py": source + "    eval(label)\n"}
    )
    pgen = tmp_path / "app/pgen.py"
    index = build_index(
        files, {}, {"os": ["app.pgen"]}, build_module_map(files, tmp_path), own_names={pgen: ["os"]}
    )
    found = index.consumers_of(pgen, "os")
    assert found and all(c.kind is ConsumerKind.GLOBALS for c in found)
    assert {c.typing_only for c in found} == {typing_only}
