"""Does a project still work at runtime? Run as a script, in a fresh interpreter, never imported.

    python -I -B tests/runtime_check.py PROJECT_DIR

Imports every module of the project, then resolves every consumer it can see statically, at
any depth (including lazy imports inside functions, which an import alone never executes):
`from M import N`, `import M` + `M.N`, `import M as m` + `m.N`, and the dotted targets listed
in `PROJECT_DIR/.runtime-targets` (one `module:attr` a line, for string consumers;
`module:function()` is also called, for imports whose effect is the point). Code that is no
module runs too: the code cells of every Jupyter notebook (IPython's `%`/`!` lines left out) and
the top level of every `#!...python` script without a suffix (with `__name__` not `"__main__"`).
Prints one line per failure and exits 1 if there is any.

`sys.path` is `src/` and the project directory, or each line of `PROJECT_DIR/.runtime-roots`
(directories relative to it, separated by spaces; several lines are checked each in its own
interpreter: services that each have a package `app` cannot share one).

This is deliberately independent of safefix's own consumer index: it is the oracle the
scenarios are judged by.
"""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

SKIP_DIRS = {
    ".venv",
    "venv",
    ".git",
    "__pycache__",
    "build",
    "dist",
    ".ruff_cache",
    ".safefix_cache",
}


def module_names(root: Path, bases: list[Path]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for file in sorted(root.rglob("*.py")):
        if SKIP_DIRS & set(file.relative_to(root).parts):
            continue
        for base in bases:
            try:
                parts = list(file.relative_to(base).with_suffix("").parts)
            except ValueError:
                continue
            if parts[-1] == "__init__":
                parts.pop()
            if parts and all(p.isidentifier() for p in parts):
                found[".".join(parts)] = file
                break
    return found


def resolve(module: str, attrs: list[str]) -> str | None:
    """None if module.attr1.attr2... resolves, else the reason it does not."""
    try:
        obj = importlib.import_module(module)
    except Exception as exc:  # noqa: BLE001 - any failure is a finding
        return f"import {module}: {type(exc).__name__}: {exc}"
    path = module
    for attr in attrs:
        path = f"{path}.{attr}"
        if hasattr(obj, attr):
            obj = getattr(obj, attr)
            continue
        try:
            obj = importlib.import_module(path)
        except ImportError:
            return f"{path} does not exist"
    return None


def check_target(target: str) -> str | None:
    """`module:attr.path` must resolve; `module:function()` must also run without raising."""
    module, _, attr = target.partition(":")
    call = attr.endswith("()")
    attrs = attr.removesuffix("()").split(".") if attr else []
    if (reason := resolve(module, attrs)) is not None or not call:
        return reason
    obj: Any = importlib.import_module(module)  # then whatever the target names
    for part in attrs:
        obj = getattr(obj, part)
    try:
        obj()
    except BaseException as exc:  # noqa: BLE001 - pytest.fail raises outside Exception
        return f"{target}: {type(exc).__name__}: {exc}"
    return None


def consumers(file: Path, name: str, project: dict[str, Path]) -> list[tuple[int, str, list[str]]]:
    tree = ast.parse(file.read_bytes())
    package = name if file.stem == "__init__" else name.rpartition(".")[0]
    aliases: dict[str, str] = {}
    found: list[tuple[int, str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            if base in project:
                for alias in node.names:
                    if alias.name != "*":
                        found.append((node.lineno, base, [alias.name]))
                        if f"{base}.{alias.name}" in project:
                            aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    aliases[alias.name.split(".")[0]] = alias.name.split(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain: list[str] = []
            current: ast.expr = node
            while isinstance(current, ast.Attribute):
                chain.insert(0, current.attr)
                current = current.value
            if isinstance(current, ast.Name) and current.id in aliases:
                target = aliases[current.id]
                while chain and f"{target}.{chain[0]}" in project:
                    target = f"{target}.{chain.pop(0)}"
                if target in project and chain:
                    found.append((node.lineno, target, chain[:1]))
    return found


def path_groups(root: Path) -> list[list[Path]]:
    """Each interpreter's `sys.path` entries for the project."""
    listed = root / ".runtime-roots"
    if listed.is_file():
        lines = listed.read_text().splitlines()
        return [[root / part for part in line.split()] for line in lines if line.strip()]
    return [[root / "src", root] if (root / "src").is_dir() else [root]]


def code_outside_modules(root: Path) -> dict[Path, str]:
    """Notebooks' code cells and suffix-less Python scripts, by file: code a module is not."""
    found: dict[Path, str] = {}
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        if SKIP_DIRS & set(file.relative_to(root).parts):
            continue
        if file.suffix == ".ipynb":
            cells = json.loads(file.read_text())["cells"]
            lines = [
                "" if line.lstrip().startswith(("%", "!")) else line.rstrip("\n")
                for cell in cells
                if cell["cell_type"] == "code"
                for line in cell["source"]
            ]
            found[file] = "\n".join(lines) + "\n"
        elif not file.suffix and file.read_bytes()[:2] == b"#!":
            text = file.read_text()
            if "python" in text.split("\n", 1)[0]:
                found[file] = text
    return found


def run_code(file: Path, code: str) -> str | None:
    """None if the code runs, else the reason it does not."""
    try:
        exec(compile(code, str(file), "exec"), {"__name__": "__script__"})  # noqa: S102
    except Exception as exc:  # noqa: BLE001 - any failure is a finding
        return f"{type(exc).__name__}: {exc}"
    return None


def main(root: Path, bases: list[Path]) -> int:
    sys.path[:0] = [str(b) for b in bases]
    project = module_names(root, bases)
    failures = []
    for name in project:
        if (reason := resolve(name, [])) is not None:
            failures.append(f"{project[name]}: {reason}")
    for name, file in project.items():
        for line, module, attrs in consumers(file, name, project):
            if (reason := resolve(module, attrs)) is not None:
                failures.append(f"{file.relative_to(root)}:{line}: {reason}")
    for file, code in code_outside_modules(root).items():
        if (reason := run_code(file, code)) is not None:
            failures.append(f"{file.relative_to(root)}: {reason}")
    targets = root / ".runtime-targets"
    if targets.is_file():
        for target in targets.read_text().split():
            if (reason := check_target(target)) is not None:
                failures.append(f".runtime-targets: {reason}")
    for failure in dict.fromkeys(failures):
        print(failure)
    return 1 if failures else 0


def run_groups(root: Path) -> int:
    """Check each group of `sys.path` entries, several each in a fresh interpreter."""
    groups = path_groups(root)
    if len(groups) == 1:
        return main(root, groups[0])
    command = [sys.executable, "-I", "-B", __file__, str(root)]
    return max(
        subprocess.run([*command, *map(str, group)], check=False).returncode for group in groups
    )


if __name__ == "__main__":
    project = Path(sys.argv[1]).resolve()
    if len(sys.argv) > 2:  # one group, from run_groups
        sys.exit(main(project, [Path(arg) for arg in sys.argv[2:]]))
    sys.exit(run_groups(project))
