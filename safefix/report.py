"""Counters, exit code and the text / JSON / diff views of one run.

The CLI stays thin: every format is a view of the same `RunResult`, so the numbers a person
reads and the numbers a CI bot parses cannot disagree.
"""

from __future__ import annotations

import difflib
import io
import json
import os
import tokenize
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from safefix import __version__
from safefix.types import (
    Consumer,
    ConsumerKind,
    Decision,
    ExitCode,
    FileOutcome,
    Finding,
    KeptOrder,
    Mode,
    Options,
    RunResult,
    Verdict,
)

SCHEMA_VERSION = 1
#: The rule codes `safefix check` gives its findings beside ruff's (documented in the README).
FINDING_CODES = {"unprotected": "SF001", "fallback": "SF002", "missing": "SF003"}
#: Consumers named per kept import in text output; JSON lists them all.
SHOWN_CONSUMERS = 3


def sep(code: str) -> str:
    """ruff writes `F401 message` for rules, `invalid-syntax: message` for everything else."""
    return " " if code[:1].isupper() and code[-1:].isdigit() else ": "


def order_reason(order: KeptOrder) -> str:
    """Which module needs which name, bound by which line, while which module initialises."""
    bound = f" (bound by line {order.bound_line})" if order.bound_line else ""
    return (
        f"{order.importer} needs {order.name} from {order.module}{bound} "
        f"while {order.module} is initialising"
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class Report:
    result: RunResult
    options: Options
    #: `safefix check`: whether ruff's lint of the tree found violations.
    ruff_violations: bool = False

    @property
    def fixed(self) -> int:
        return sum(n for o in self._applied() for _, n in o.fixes)

    @property
    def kept(self) -> list[tuple[FileOutcome, Decision]]:
        return [(o, d) for o in self._applied() for d in o.kept]

    @property
    def file_errors(self) -> list[FileOutcome]:
        return [o for o in self.result.outcomes if o.error]

    @property
    def internal_errors(self) -> list[str]:
        """Files an exception of safefix's own left unchanged, as `path: internal error: ...`."""
        return [f"{self.rel(o.path)}: {o.error}" for o in self.result.outcomes if o.failed]

    def _applied(self) -> list[FileOutcome]:
        return [o for o in self.result.outcomes if o.changed and not o.error]

    def exit_code(self) -> ExitCode:
        """ruff's codes; `--exit-zero` hides findings in every mode, as for ruff, but never
        an error or a file left unchanged."""
        if self.file_errors:
            # left alone, as any file safefix cannot fix safely; but when every file failed
            # with an error of safefix's own, nothing could be done: an internal error
            nothing_done = all(o.failed for o in self.result.outcomes)
            return ExitCode.ERROR if nothing_done else ExitCode.NOT_WRITTEN
        if self.options.exit_zero:
            return ExitCode.OK
        if self.options.mode is Mode.CHECK:
            found = self.result.findings or self.ruff_violations
            return ExitCode.VIOLATIONS if found else ExitCode.OK
        if self.options.mode is Mode.DIFF:
            return ExitCode.VIOLATIONS if self._applied() else ExitCode.OK
        counted = self.result.remaining and not self.options.fix_only
        if counted or (self.options.exit_non_zero_on_fix and self.fixed):
            return ExitCode.VIOLATIONS
        return ExitCode.OK

    def rel(self, path: Path) -> str:
        return relative(path, self.options.cwd)

    # ----- text -------------------------------------------------------------------------

    def kept_at(self, decision: Decision) -> int:
        """The kept import's line in the file on disk after the command: the written file in
        fix mode, the original (as the removed lines are) when nothing is written."""
        if self.options.mode is Mode.FIX and decision.kept_line:
            return decision.kept_line
        return decision.removal.line

    def kept_lines(self) -> list[str]:
        return [
            f"{self.rel(o.path)}:{self.kept_at(d)}: kept {d.removal.name}{self.why(d)}"
            for o, d in self.kept
        ]

    def notes(self) -> list[str]:
        """safefix's lines beside ruff's diagnostics: kept imports, kept order, and (verbose)
        every removal; in `check`, its findings."""
        if self.options.mode is Mode.CHECK:
            return [self.finding_line(f) for f in self.result.findings]
        lines = [*self.kept_lines(), *self.order_lines()]
        return lines + (self.removed_lines() if self.options.verbose else [])

    def order_lines(self) -> list[str]:
        """`path:line: kept import order: a.b needs NAME from P (bound by line L) while ...`."""
        return [
            f"{self.rel(o.path)}:{k.line}: kept import order: {order_reason(k)}"
            for o in self._applied()
            for k in o.orders
        ]

    def why(self, decision: Decision) -> str:
        if not decision.consumers:
            return f": {decision.reason}"
        limit = len(decision.consumers) if self.options.verbose else SHOWN_CONSUMERS
        shown = [self.consumer_text(c) for c in decision.consumers[:limit]]
        more = len(decision.consumers) - limit
        return " for " + ", ".join(shown) + (f" and {more} more" if more > 0 else "")

    def consumer_text(self, consumer: Consumer) -> str:
        """`path:line (kind: text)`; the kind goes without saying for a plain from-import."""
        kind = "" if consumer.kind is ConsumerKind.FROM_IMPORT else f"{consumer.kind.value}: "
        typing = ", typing only" if consumer.typing_only else ""
        return f"{self.rel(consumer.path)}:{consumer.line} ({kind}{consumer.text}{typing})"

    def finding_line(self, finding: Finding) -> str:
        needed = ""
        if finding.consumers:
            shown = [self.consumer_text(c) for c in finding.consumers[:SHOWN_CONSUMERS]]
            more = len(finding.consumers) - SHOWN_CONSUMERS
            needed = "; needed by " + ", ".join(shown) + (f" and {more} more" if more > 0 else "")
        code = FINDING_CODES.get(finding.code, finding.code)
        return f"{self.rel(finding.path)}:{finding.line}: {code} {finding.message}{needed}"

    def check_summary(self, ruffs: str) -> str:
        """ruff's summary line of its lint, with safefix's findings counted beside it."""
        count = len(self.result.findings)
        if not count:
            return ruffs
        mine = f"{_plural(count, 'import contract')} unprotected or broken (SF00x)"
        if ruffs.startswith("Found "):
            return f"{ruffs.rstrip('.')}; {mine}."
        return f"Found {mine}."

    def error_lines(self) -> list[str]:
        lines = [f"warning: {note}" for note in self.result.notes]
        lines += [f"error: {self.rel(o.path)}: {o.error}" for o in self.file_errors]
        return lines

    def fixes_lines(self, names: Mapping[str, str]) -> list[str]:
        """ruff's `--show-fixes` summary of the fixes made, file by file (empty if none)."""
        applied = [o for o in self._applied() if o.fixes]
        if not applied:
            return []
        lines = ["", f"Fixed {_plural(self.fixed, 'error')}:"]
        for outcome in applied:
            lines.append(f"- {self.rel(outcome.path)}:")
            lines += [
                f"    {count} \u00d7 {code}" + (f" ({names[code]})" if code in names else "")
                for code, count in outcome.fixes
            ]
        return [*lines, ""]

    def summary(self) -> str:
        fixed, remaining, kept = self.fixed, len(self.result.remaining), len(self.kept)
        if self.options.mode is Mode.CHECK:
            count = len(self.result.findings)
            if count:
                return f"Found {_plural(count, 'problem')}."
            return "All checks passed: every load-bearing import is protected."
        if self.options.fix_only and self.options.mode is Mode.FIX:
            text = f"Fixed {_plural(fixed, 'error')}" if fixed else "No errors fixed"
            return text + (f"; kept {_plural(kept, 'import')} needed elsewhere." if kept else ".")
        if self.options.mode is Mode.DIFF:
            if not fixed:
                return "No errors would be fixed."
            text = f"Would fix {_plural(fixed, 'error')}"
            return text + (
                f", keeping {_plural(kept, 'import')} needed elsewhere." if kept else "."
            )
        if not (fixed or remaining or kept):
            return "All checks passed!"
        if not (fixed or remaining):
            return f"Kept {_plural(kept, 'import')} needed elsewhere; nothing else to fix."
        text = f"Found {_plural(fixed + remaining, 'error')} ({fixed} fixed, {remaining} remaining)"
        return text + (f"; kept {_plural(kept, 'import')} needed elsewhere." if kept else ".")

    def text(self) -> tuple[str, str]:
        """(stdout, stderr) in ruff's style: diagnostics and kept imports, then a summary."""
        err = self.error_lines()
        if self.options.mode is Mode.CHECK:
            out = [*self.notes(), self.summary()]
            return "".join(f"{line}\n" for line in out), "".join(f"{e}\n" for e in err)
        if self.options.mode is Mode.DIFF:
            err += [*self.kept_lines(), *self.order_lines(), self.summary()]
            return self.diff(), "".join(f"{e}\n" for e in err)
        if self.options.quiet:
            return "", "".join(f"{e}\n" for e in err)
        out = [
            f"{self.rel(d.path)}{f':cell {d.cell}' if d.cell else ''}:{d.line}:{d.col}: "
            f"{d.code}{sep(d.code)}{d.message}"
            for d in self.result.remaining
        ]
        out += self.notes()
        out.append(self.summary())
        return "".join(f"{line}\n" for line in out), "".join(f"{e}\n" for e in err)

    def removed_lines(self) -> list[str]:
        return [
            f"{self.rel(o.path)}:{d.removal.line}: removed {d.removal.name}: {d.reason}"
            for o in self._applied()
            for d in o.decisions
            if d.verdict is Verdict.REMOVE
        ]

    def diff(self) -> str:
        chunks: list[str] = []
        for outcome in self._applied():
            name = self.rel(outcome.path)
            chunks += difflib.unified_diff(
                _lines(outcome.before), _lines(outcome.after), fromfile=name, tofile=name
            )
        return "".join(chunks)

    # ----- json -------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "safefix_version": __version__,
            "ruff_version": self.result.ruff_version,
            "mode": self.options.mode.value,
            "flow": self.result.flow.value if self.result.flow else None,
            "root": str(self.result.root),
            "exit_code": int(self.exit_code()),
            "summary": {
                "fixed": self.fixed,
                "remaining": len(self.result.remaining),
                "kept": len(self.kept),
                "files_changed": len(self._applied()),
                "files_written": sum(1 for o in self.result.outcomes if o.written),
            },
            "files": [self._file_json(o) for o in self.result.outcomes if o.changed or o.error],
            "remaining": [
                {
                    "path": self.rel(d.path),
                    "line": d.line,
                    "column": d.col,
                    "code": d.code,
                    "message": d.message,
                }
                for d in self.result.remaining
            ],
            "errors": self.internal_errors,
            "notes": list(self.result.notes),
            "findings": [
                {
                    "path": self.rel(f.path),
                    "line": f.line,
                    "code": f.code,
                    "message": f.message,
                    "consumers": [consumer_json(c, self.options.cwd) for c in f.consumers],
                }
                for f in self.result.findings
            ],
        }

    def _file_json(self, outcome: FileOutcome) -> dict[str, Any]:
        return {
            "path": self.rel(outcome.path),
            "changed": outcome.changed and not outcome.error,
            "written": outcome.written,
            "fixes": [{"code": code, "count": count} for code, count in outcome.fixes],
            "kept": [self._decision_json(d) for d in outcome.kept],
            "removed": [
                self._removal_json(d) for d in outcome.decisions if d.verdict is Verdict.REMOVE
            ],
            "kept_order": [
                {**asdict(k), "reason": order_reason(k)}
                for k in (outcome.orders if outcome.changed and not outcome.error else ())
            ],
            "error": outcome.error,
        }

    def _removal_json(self, decision: Decision) -> dict[str, Any]:
        removal = decision.removal
        return {
            "name": removal.name,
            "module": removal.module,
            "line": removal.line,
            "statement": removal.statement,
            "branch": list(removal.branch),
        }

    def _decision_json(self, decision: Decision) -> dict[str, Any]:
        return {
            **self._removal_json(decision),
            "kept_line": decision.kept_line,
            "effect": decision.removal.effect,
            "reason": decision.reason,
            "restored_with": decision.restored_with,
            "consumers": [consumer_json(c, self.options.cwd) for c in decision.consumers],
        }

    def json_text(self) -> str:
        return json.dumps(self.to_json(), indent=2) + "\n"


def relative(path: Path, cwd: Path) -> str:
    """`path` relative to `cwd` if it lies inside (as `Path.relative_to`, on strings: a report
    of ruff's can name tens of thousands of violations)."""
    text, base = str(path), str(cwd)
    if text == base:
        return "."
    prefix = base if base.endswith(os.sep) else base + os.sep
    return text.removeprefix(prefix)


def consumer_json(consumer: Consumer, cwd: Path) -> dict[str, Any]:
    return {
        "path": relative(consumer.path, cwd),
        "line": consumer.line,
        "kind": consumer.kind.value,
        "module": consumer.module,
        "name": consumer.name,
        "text": consumer.text,
        "typing_only": consumer.typing_only,
    }


def consumer_line(consumer: Consumer, cwd: Path) -> str:
    """`path:line: kind text`, one consumer a line, for `safefix why`."""
    typing = " (typing only)" if consumer.typing_only else ""
    return f"{relative(consumer.path, cwd)}:{consumer.line}: {consumer.kind.value} {consumer.text}{typing}"


def failure_json(message: str, mode: Mode) -> str:
    """The JSON document for a run that stopped before producing a result."""
    document = {
        "schema_version": SCHEMA_VERSION,
        "safefix_version": __version__,
        "ruff_version": None,
        "mode": mode.value,
        "flow": None,
        "root": None,
        "exit_code": int(ExitCode.ERROR),
        "summary": {"fixed": 0, "remaining": 0, "kept": 0, "files_changed": 0, "files_written": 0},
        "files": [],
        "remaining": [],
        "errors": [message],
        "notes": [],
        "findings": [],
    }
    return json.dumps(document, indent=2) + "\n"


def _lines(data: bytes) -> list[str]:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        text = data.decode("utf-8", errors="replace")
    return text.splitlines(keepends=True)
