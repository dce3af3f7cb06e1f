"""The views of a run that CI bots read: GitHub annotations, SARIF 2.1.0, a pull-request body.

Each is a function of one `Report`, so the numbers agree with the text and JSON output.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from safefix import __version__
from safefix.report import FINDING_CODES, Report, sep
from safefix.ruff_report import HUMAN, Rendered, with_safefix_run
from safefix.types import Consumer, Decision, FileOutcome, Mode, OutputFormat

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFO_URI = "https://pypi.org/project/safefix/"
RUFF_RULE_URI = "https://docs.astral.sh/ruff/rules/"
#: Where safefix's findings and kept imports are explained.
HELP_URI = "https://github.com/safefix/safefix/blob/main/README.md"


def render(
    report: Report,
    output_format: OutputFormat,
    colour: bool = False,
    ruffs: Rendered | None = None,
    names: Mapping[str, str] | None = None,
) -> tuple[str, str]:
    """(stdout, stderr) for one output format; `ruffs` is ruff's own report of the tree on
    disk in that format (fix mode), to which safefix's notes are added; `names` the rules'
    names, for `--show-fixes`."""
    errors = "".join(f"{line}\n" for line in report.error_lines())
    if ruffs is not None:
        return with_ruffs(report, output_format, colour, ruffs, names or {})
    views: dict[OutputFormat, Callable[[], str]] = {
        OutputFormat.SAFEFIX_JSON: report.json_text,
        OutputFormat.GITHUB: lambda: github(report),
        OutputFormat.SARIF: lambda: sarif(report),
        OutputFormat.MARKDOWN: lambda: markdown(report),
    }
    if output_format not in views:  # ruff prints no report of its own under --diff
        out, err = report.text()
        return (colourise(out) if colour else out), err
    return views[output_format](), errors


def with_ruffs(
    report: Report,
    output_format: OutputFormat,
    colour: bool,
    ruffs: Rendered,
    names: Mapping[str, str],
) -> tuple[str, str]:
    """ruff's report passed through, safefix's notes where the format has room for them:
    after the diagnostics for people, as annotations or a SARIF run, else on stderr. In
    `check`, the notes are its findings and the summary line is ruff's, counting them too."""
    errors = [f"{line}\n" for line in report.error_lines()]
    notes = [f"{line}\n" for line in report.notes()]
    if report.options.show_fixes:
        notes += [f"{line}\n" for line in report.fixes_lines(names)]
    checking = report.options.mode is Mode.CHECK
    line = report.check_summary(ruffs.found) if checking else report.summary()
    summary = [f"{line}\n"] if line else []
    if report.options.quiet:
        return ruffs.body, "".join(errors)
    if output_format in HUMAN:
        mine = "".join([*notes, *summary, *(f"{hint}\n" for hint in ruffs.hints)])
        return ruffs.body + (colourise(mine) if colour else mine), "".join(errors)
    if output_format is OutputFormat.PYLINT:
        return ruffs.body + "".join(notes), "".join([*errors, *summary])
    if output_format is OutputFormat.GITHUB:
        return ruffs.body + github(report, remaining=False), "".join(errors)
    if output_format is OutputFormat.SARIF:
        return with_safefix_run(ruffs.body, sarif(report, remaining=False)), "".join(errors)
    return ruffs.body, "".join([*errors, *notes, *summary])


_LOCATION = re.compile(r"^(?P<where>[^\s:][^:]*:\d+(?::\d+)?):(?P<rest> .*)$")


def colourise(text: str) -> str:
    """ANSI colour for a terminal: locations bold, kept imports green, rule codes red."""
    lines = []
    for line in text.splitlines():
        if match := _LOCATION.match(line):
            rest = re.sub(r"^ (kept \S+)", "\x1b[32m \\1\x1b[0m", match["rest"])
            rest = re.sub(r"^ ([A-Z]+[0-9]+)", "\x1b[31m \\1\x1b[0m", rest)
            line = f"\x1b[1m{match['where']}\x1b[0m:{rest}"
        lines.append(line)
    return "".join(f"{line}\n" for line in lines)


# ----- GitHub workflow commands -----------------------------------------------------------


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, message: str, **properties: object) -> str:
    props = ",".join(
        f"{k}={_escape_property(str(v))}" for k, v in properties.items() if v is not None
    )
    return (
        f"::{kind} {props}::{_escape_data(message)}"
        if props
        else f"::{kind}::{_escape_data(message)}"
    )


def _annotated(report: Report, path: Path) -> str:
    """A path as GitHub wants it in an annotation: relative to the repository's root (the
    runner's GITHUB_WORKSPACE), else to the working directory."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace:
        try:
            return path.relative_to(Path(workspace).resolve()).as_posix()
        except ValueError:
            pass
    return report.rel(path)


def github(report: Report, remaining: bool = True) -> str:
    """Annotations GitHub shows on the diff: violations left, imports kept, findings, errors;
    `remaining=False` where ruff's own annotations show the violations."""
    lines = [
        _command(
            "error",
            f"{d.code}{sep(d.code)}{d.message}",
            title=f"ruff ({d.code})",
            file=_annotated(report, d.path),
            line=d.line,
            col=d.col,
            endLine=d.line,
        )
        for d in (report.result.remaining if remaining else ())
    ]
    for outcome, decision in report.kept:
        lines.append(
            _command(
                "notice",
                f"kept {decision.removal.name}{report.why(decision)}",
                title=f"safefix kept {decision.removal.name}",
                file=_annotated(report, outcome.path),
                line=report.kept_at(decision),
                endLine=report.kept_at(decision),
            )
        )
    for finding in report.result.findings:
        lines.append(
            _command(
                "warning",
                report.finding_line(finding),
                title=f"safefix {FINDING_CODES.get(finding.code, finding.code)}",
                file=_annotated(report, finding.path),
                line=finding.line,
                endLine=finding.line,
            )
        )
    for outcome in report.file_errors:
        lines.append(
            _command(
                "error", str(outcome.error), title="safefix", file=_annotated(report, outcome.path)
            )
        )
    lines.append(report.summary())
    return "".join(f"{line}\n" for line in lines)


# ----- SARIF 2.1.0 --------------------------------------------------------------------------


def _location(report: Report, path: Path, line: int, col: int | None = None) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(line, 1), "endLine": max(line, 1)}
    if col:
        region["startColumn"] = col
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(report, path), "uriBaseId": "%SRCROOT%"},
            "region": region,
        }
    }


def _uri(report: Report, path: Path) -> str:
    try:
        return path.relative_to(report.result.root).as_posix()
    except ValueError:
        return path.as_uri()


def _related(report: Report, consumers: tuple[Consumer, ...]) -> list[dict[str, Any]]:
    return [
        {
            "id": index,
            **_location(report, consumer.path, consumer.line),
            "message": {"text": f"{consumer.kind.value}: {consumer.text}"},
        }
        for index, consumer in enumerate(consumers)
    ]


#: safefix's rules in SARIF: (short description, full description, README anchor).
SAFEFIX_RULES = {
    "safefix/kept": (
        "An import ruff would delete is kept: another module consumes it.",
        (
            "ruff's fix would delete this import, but another module of the project reads the name "
            "through it; safefix kept it with a `# noqa` (or in `__all__`) so that the project still "
            "imports and runs."
        ),
        "what-counts-as-a-consumer",
    ),
    "safefix/unprotected": (
        "A load-bearing import is protected by nothing: the next ruff --fix deletes it.",
        (
            "SF001: another module consumes this import, but no `# noqa` or `__all__` entry keeps "
            "it; the next plain `ruff check --fix` deletes it and breaks that consumer."
        ),
        "on-the-command-line",
    ),
    "safefix/fallback": (
        "A try/except ImportError fallback binds different public names per branch.",
        (
            "SF002: the names a module's users import exist in one branch of its "
            "`try/except ImportError` only, so they fail where the other branch runs."
        ),
        "on-the-command-line",
    ),
    "safefix/missing": (
        "A name is imported from a project module that does not define it.",
        (
            "SF003: a module of the project imports a name that the module it names does not "
            "define (nor serve through `__getattr__` or a star import)."
        ),
        "on-the-command-line",
    ),
}


def sarif(report: Report, remaining: bool = True) -> str:
    """A SARIF 2.1.0 log, uploadable with github/codeql-action/upload-sarif; `remaining=False`
    where ruff's own run reports the violations."""
    results: list[dict[str, Any]] = []
    ruff_codes: set[str] = set()
    for d in report.result.remaining if remaining else ():
        ruff_codes.add(d.code)
        results.append(
            {
                "ruleId": d.code,
                "level": "error",
                "message": {"text": d.message},
                "locations": [_location(report, d.path, d.line, d.col)],
            }
        )
    for outcome, decision in report.kept:
        results.append(_kept_result(report, outcome, decision))
    for finding in report.result.findings:
        results.append(
            {
                "ruleId": f"safefix/{finding.code}",
                "level": "warning",
                "message": {"text": finding.message},
                "locations": [_location(report, finding.path, finding.line)],
                "relatedLocations": _related(report, finding.consumers),
            }
        )
    rules = [
        {
            "id": rule,
            "shortDescription": {"text": short},
            "fullDescription": {"text": full},
            "helpUri": f"{HELP_URI}#{anchor}",
        }
        for rule, (short, full, anchor) in SAFEFIX_RULES.items()
    ] + [
        {
            "id": code,
            "helpUri": f"{RUFF_RULE_URI}{code}",
            "shortDescription": {"text": f"ruff {code}"},
            "fullDescription": {"text": f"ruff's rule {code}; see its documentation."},
        }
        for code in sorted(ruff_codes)
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "safefix",
                        "version": __version__,
                        "informationUri": INFO_URI,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": report.result.root.as_uri() + "/"}},
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": not report.internal_errors,
                        "toolExecutionNotifications": [
                            {"level": "error", "message": {"text": message}}
                            for message in report.internal_errors
                        ],
                    }
                ],
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


def _kept_result(report: Report, outcome: FileOutcome, decision: Decision) -> dict[str, Any]:
    line = report.kept_at(decision)
    return {
        "ruleId": "safefix/kept",
        "level": "note",
        "message": {"text": f"kept {decision.removal.name}{report.why(decision)}"},
        "locations": [_location(report, outcome.path, line)],
        "relatedLocations": _related(report, decision.consumers),
    }


# ----- Markdown pull-request body -----------------------------------------------------------


def _link(report: Report, path: Path, line: int) -> str:
    """`path:line`, linked absolutely where the runner says where the commit lives (a
    relative link does not resolve in a pull request's body); paths are the project root's,
    never the runner's absolute ones."""
    rel = _uri(report, path)
    if rel.startswith("file:"):  # outside the project: named, not linked
        return f"`{path.name}:{line}`"
    env = os.environ
    server, repository, sha = (
        env.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA")
    )
    prefix = (
        f"{server}/{repository}/blob/{sha}/{_in_repository(report, rel)}"
        if server and repository and sha
        else rel
    )
    return f"[`{rel}:{line}`]({prefix}#L{line})"


def _in_repository(report: Report, rel: str) -> str:
    """A root-relative path as the repository names it (the project may be a folder of it)."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if not workspace:
        return rel
    try:
        return (report.result.root / rel).relative_to(Path(workspace).resolve()).as_posix()
    except ValueError:
        return rel


def markdown(report: Report) -> str:
    """A pull-request body: what was fixed per rule, what was kept and why, what is left."""
    by_rule: Counter[str] = Counter()
    for outcome in report.result.outcomes:
        if outcome.changed and not outcome.error:
            by_rule.update(dict(outcome.fixes))
    changed = sum(1 for o in report.result.outcomes if o.changed and not o.error)
    lines = [
        "## safefix: ruff's fixes, minus the ones that would break the project",
        "",
        (
            f"{'Would fix' if report.options.mode is Mode.DIFF else 'Fixed'} "
            f"**{report.fixed}** {'error' if report.fixed == 1 else 'errors'} in "
            f"**{changed}** {'file' if changed == 1 else 'files'}; "
            f"{'would keep' if report.options.mode is Mode.DIFF else 'kept'} **{len(report.kept)}** "
            f"{'import' if len(report.kept) == 1 else 'imports'} that other modules need."
        ),
    ]
    if by_rule:
        lines += ["", "### Fixed, by rule", "", "| rule | fixes |", "|---|---:|"]
        lines += [
            f"| [`{code}`]({RUFF_RULE_URI}{code}) | {count} |"
            for code, count in sorted(by_rule.items())
        ]
    if report.kept:
        lines += ["", "### Kept, and why", ""]
        for outcome, decision in report.kept:
            where = _link(report, outcome.path, report.kept_at(decision))
            lines.append(
                f"- {where} keeps `{decision.removal.name}`: {_why_markdown(report, decision)}"
            )
    if report.result.remaining:
        lines += ["", "### Left for a human", ""]
        lines += [
            f"- {_link(report, d.path, d.line)} `{d.code}` {d.message}"
            for d in report.result.remaining
        ]
    problems = [*report.file_errors]
    if problems:
        lines += ["", "### Not changed", ""]
        lines += [f"- `{_uri(report, o.path)}`: {o.error}" for o in problems]
    lines += ["", f"<sub>safefix {__version__}, ruff {report.result.ruff_version}</sub>"]
    return "\n".join(lines) + "\n"


def _why_markdown(report: Report, decision: Decision) -> str:
    if not decision.consumers:
        return decision.reason
    shown = [
        f"{_link(report, c.path, c.line)} ({c.kind.value}: `{c.text}`"
        + (", typing only)" if c.typing_only else ")")
        for c in decision.consumers[:5]
    ]
    more = len(decision.consumers) - len(shown)
    return "needed by " + ", ".join(shown) + (f" and {more} more" if more > 0 else "")
