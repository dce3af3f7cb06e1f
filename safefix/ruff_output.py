"""What ruff says, parsed: its concise report, its `--show-fixes` summary, its JSON report, its
warnings and its reason for failing. Pure text in, values out: no process is run here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safefix.types import Diagnostic

_CONCISE = re.compile(
    r"^(?P<path>.+?)(?::cell (?P<cell>\d+))?:(?P<line>\d+):(?P<col>\d+): (?P<rest>.*)$"
)
_CODE = re.compile(r"^(?P<code>[A-Z]+[0-9]+) (?:\[\*\] )?(?P<message>.*)$")
_FIXED_FILE = re.compile(r"^- (?P<path>.+):$")
_FIXED_RULE = re.compile(r"^\s+(?P<count>\d+) \u00d7 (?P<first>\S+)(?: \((?P<second>[^)]+)\))?")
_RULE_CODE = re.compile(r"^[A-Z]+[0-9]+$")
#: Lines of ruff's stderr that are no report of the file: warnings and errors.
_NOTICE = re.compile(r"^(?:warning|error): ")


@dataclass(frozen=True)
class FixRun:
    """What one `ruff check --fix` run reported."""

    remaining: tuple[Diagnostic, ...]
    #: Fixes applied, per absolute file path, as {rule code: count}.
    fixed: dict[Path, dict[str, int]]
    #: ruff's own warnings ("Failed to lint x.py: stream did not contain valid UTF-8").
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class JsonDiagnostic:
    """A diagnostic from `--output-format json`, with the row its `# noqa` belongs on."""

    path: Path
    code: str
    noqa_row: int
    #: (first row, last row) of each edit the fix would make; empty when there is no fix.
    edits: tuple[tuple[int, int], ...]

    def edits_row(self, row: int) -> bool:
        return any(first <= row <= last for first, last in self.edits)


@dataclass(frozen=True)
class LintRun:
    """What `ruff check --no-fix` reported on the user's own tree (with ruff's own cache)."""

    diagnostics: tuple[Diagnostic, ...]
    #: Files with at least one violation ruff can fix: the only ones a fix run can change.
    fixable: frozenset[Path]
    warnings: tuple[str, ...]


def first_error_line(stderr: str, code: int) -> str:
    """ruff's own reason, on one line: its `Cause:` line where it gives one."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    causes = [line.removeprefix("Cause:").strip() for line in lines if line.startswith("Cause:")]
    if causes:
        return f"ruff failed: {causes[-1]}"
    if lines:
        return f"ruff failed: {lines[0].removeprefix('error: ')}"
    return f"ruff failed with exit code {code}"


def warnings(stderr: str) -> tuple[str, ...]:
    return tuple(
        line.removeprefix("warning: ").strip()
        for line in stderr.splitlines()
        if line.startswith("warning: ")
    )


def without_notices(stderr: str) -> str:
    """A report on stderr (ruff's stdin mode) without its warning and error lines."""
    return "\n".join(line for line in stderr.splitlines() if not _NOTICE.match(line))


def merged(runs: Sequence[FixRun]) -> FixRun:
    return FixRun(
        remaining=tuple(d for run in runs for d in run.remaining),
        fixed={path: rules for run in runs for path, rules in run.fixed.items()},
        warnings=tuple(dict.fromkeys(w for run in runs for w in run.warnings)),
    )


def parse_fix_output(stdout: str, cwd: Path, locate: Callable[[Path], Path] = Path) -> FixRun:
    """Parse remaining diagnostics and the `Fixed N errors:` summary of `--show-fixes`."""
    remaining: list[Diagnostic] = []
    fixed: dict[Path, dict[str, int]] = {}
    current: dict[str, int] | None = None
    seen: dict[str, Path] = {}
    for line in stdout.splitlines():
        if current is not None and (rule := _FIXED_RULE.match(line)):
            code = rule["first"]
            if not _RULE_CODE.match(code) and rule["second"]:
                code = rule["second"]
            current[code] = int(rule["count"])
            continue
        if fixed_file := _FIXED_FILE.match(line):
            current = fixed.setdefault(locate(cwd / fixed_file["path"]), {})
            continue
        current = None
        if found := _CONCISE.match(line):
            remaining.append(_diagnostic(found, cwd, seen, locate))
    return FixRun(remaining=tuple(remaining), fixed=fixed)


def _diagnostic(
    found: re.Match[str], cwd: Path, seen: dict[str, Path], locate: Callable[[Path], Path] = Path
) -> Diagnostic:
    """One concise-format line; `seen` reuses the Path of a file seen before (ruff reports
    many violations per file, and building a Path is most of the cost of a line)."""
    rest = found["rest"]
    if coded := _CODE.match(rest):
        code, message = coded["code"], coded["message"]
    else:  # e.g. "invalid-syntax: unexpected EOF while parsing"
        code, _, message = rest.partition(": ")
    path = seen.get(found["path"])
    if path is None:
        path = seen[found["path"]] = locate(cwd / found["path"])
    return Diagnostic(
        path=path,
        line=int(found["line"]),
        col=int(found["col"]),
        code=code,
        message=message,
        cell=int(found["cell"]) if found["cell"] else None,
    )


def parse_lint_output(stdout: str, stderr: str, cwd: Path) -> LintRun:
    """A lint's concise report: `[*]` marks exactly the violations `--fix` would fix."""
    diagnostics = []
    fixable = set()
    seen: dict[str, Path] = {}
    for line in stdout.splitlines():
        if found := _CONCISE.match(line):
            diagnostic = _diagnostic(found, cwd, seen)
            diagnostics.append(diagnostic)
            if found["rest"].startswith(f"{diagnostic.code} [*] "):
                fixable.add(diagnostic.path)
    return LintRun(tuple(diagnostics), frozenset(fixable), warnings(stderr))


def json_diagnostics(raw: list[dict[str, Any]]) -> list[JsonDiagnostic]:
    """`--output-format json`, each violation with the row its `noqa` belongs on."""
    return [
        JsonDiagnostic(
            path=Path(item["filename"]),
            code=item.get("code") or "",
            noqa_row=int(item.get("noqa_row") or item["location"]["row"]),
            edits=tuple(
                (int(edit["location"]["row"]), int(edit["end_location"]["row"]))
                for edit in (item.get("fix") or {}).get("edits", [])
            ),
        )
        for item in raw
    ]
