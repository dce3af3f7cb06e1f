"""The results table of `make realworld`, rendered from results.json's document."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from audit import rate_rows

_QUOTED = re.compile(r"""['\"]([A-Za-z_][\w.]*)['\"]""")

HEADER = (
    "| project | selection | files | import lines removed: ruff / safefix | kept | tests "
    "| broken after ruff | broken after safefix | verdict | ruff s | safefix s |\n"
    "|---|---|--:|--:|--:|--:|--:|--:|---|--:|--:|\n"
)


def breakdown(counts: Mapping[str, int]) -> str:
    """`12` plus its kinds: failing, errored, vanished (no longer collected), skipped."""
    if not counts:
        return "0"
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    return f"{sum(counts.values())} ({kinds})"


def verdict(row: Mapping[str, Any]) -> str:
    """Whether safefix prevents what ruff breaks, in one phrase."""
    if 2 in (row["ruff"]["exit_code"], row["safefix"]["exit_code"]):
        return "tool error"  # exit 3 (safefix left some files unchanged) is not one
    ruff, safefix = sum(row["ruff_counts"].values()), sum(row["safefix_counts"].values())
    if ruff == 0:
        return "safefix breaks tests" if safefix else "ruff breaks nothing"
    if safefix == 0:
        return "**prevented**"
    if safefix < ruff:
        return f"partly ({ruff - safefix} of {ruff})"
    return "not prevented"


def table_row(row: Mapping[str, Any]) -> str:
    ruff, safefix = row["ruff"], row["safefix"]
    kept = "?" if safefix["kept"] is None else str(safefix["kept"])
    cells = (
        f"{row['project']} {row['version']}",
        row["selection"],
        str(row["files"]),
        f"{ruff['removed_lines']} / {safefix['removed_lines']}",
        kept,
        str(row["tests"]),
        breakdown(row["ruff_counts"]),
        breakdown(row["safefix_counts"]),
        verdict(row),
        f"{ruff['seconds']:.1f}",
        f"{safefix['seconds']:.1f}",
    )
    return "| " + " | ".join(cells) + " |\n"


def _codes(items: Sequence[str], limit: int) -> str:
    """`a`, `b`, … : a list of code spans, cut at `limit`."""
    shown = ", ".join(f"`{item}`" for item in items[:limit])
    return shown + (" …" if len(items) > limit else "") if items else "none"


def failures(rows: Sequence[Mapping[str, Any]]) -> str:
    """Every test broken after safefix, grouped by its `why` note, or where it has none by the
    shape of its message (quoted names taken out): how many, the first message, the names
    quoted, the suspect imports, three test ids, and why."""
    lines = []
    for row in rows:
        groups: dict[str, list[Mapping[str, Any]]] = {}
        for test in row["safefix_broken"]:
            shape = _QUOTED.sub("'…'", test["message"] or f"({test['category']})")
            groups.setdefault(test["why"] or shape, []).append(test)
        for tests in groups.values():
            shape = _QUOTED.sub("'…'", tests[0]["message"] or f"({tests[0]['category']})")
            names = sorted({n for t in tests for n in _QUOTED.findall(t["message"])})
            found = sorted({s for t in tests for s in t["suspects"]})
            kinds = "/".join(sorted({t["category"] for t in tests}))
            why = next((t["why"] for t in tests if t["why"]), "")
            lines.append(
                f"- **{row['project']}** ({row['selection']}), {len(tests)} {kinds}: "
                f"`{shape[:160]}`; names: {_codes(names, 12)}. "
                f"Tests: {_codes([t['test'] for t in tests], 3)}. "
                f"Suspect imports (by name): {_codes(found, 6)}."
                + (f" **Why:** {why}" if why else "")
                + "\n"
            )
        total = sum(row["safefix_counts"].values())
        if total > len(row["safefix_broken"]):
            lines.append(
                f"  - ({row['project']}, {row['selection']}: {total} tests in all; "
                f"results.json lists the first {len(row['safefix_broken'])})\n"
            )
    return "".join(lines) or "None.\n"


def total_seconds(rows: Sequence[Mapping[str, Any]]) -> int:
    """The wall time of the rows' measuring, each project once."""
    seconds: dict[str, float] = {r["project"]: r.get("seconds", 0.0) for r in rows}
    return round(sum(seconds.values()))


def summary(rows: Sequence[Mapping[str, Any]]) -> str:
    """Where ruff breaks tests, and how often safefix prevents all, part or none of it."""
    broken = [r for r in rows if r["ruff_counts"]]
    projects = {r["project"] for r in rows}
    verdicts = [verdict(r) for r in broken]
    per_selection = ", ".join(
        f"{name}: {sum(r['selection'] == name for r in broken)}"
        for name in sorted({r["selection"] for r in rows})
    )
    return (
        f"Plain ruff breaks tests in {len({r['project'] for r in broken})} of {len(projects)} "
        f"projects ({len(broken)} of {len(rows)} project-selection rows; {per_selection}). "
        f"Of those rows, safefix prevents all of it in {verdicts.count('**prevented**')}, part "
        f"of it in {sum(v.startswith('partly') for v in verdicts)}, none of it in "
        f"{verdicts.count('not prevented')}; it breaks nothing ruff does not.\n\n"
        if not any(r["safefix_only"] for r in rows)
        else "safefix breaks tests that ruff does not: "
        + ", ".join(f"`{test}`" for r in rows for test in r["safefix_only"])
        + ".\n\n"
    )


RATE = (
    "Of the imports ruff's fixes remove (one per bound name: safefix's JSON report lists each\n"
    "as `removed` or `kept`), the share safefix removes of those with no real consumer:\n"
    "*rate* = removed / (removed + kept imports that are false or unaudited). A kept import\n"
    "counts as consumed when a test breaks with only that import removed from safefix's tree\n"
    "(`run.py --audit F401,wide`: its name taken out of the statement, as ruff would, and the\n"
    "tests re-run), or when a note in projects.py (`keeps`, read by hand) names its consumer;\n"
    "*intent only*: kept for documentation or public-API intent, not counted against the rate;\n"
    "a keep with neither is counted as false.\n\n"
)


def render_markdown(document: Mapping[str, Any]) -> str:
    rows = document["rows"]
    errors = [
        f"- {r['project']} ({r['selection']}), {tool}: exit {r[tool]['exit_code']}: "
        f"`{r[tool]['error']}`\n"
        for r in rows
        for tool in ("ruff", "safefix")
        if r[tool]["error"]
    ]
    return (
        "# Real projects: what `ruff check --fix` and safefix do to their test suites\n\n"
        "Generated by `make realworld` (tests/realworld/run.py); do not edit by hand: the\n"
        "notes on why an import was load-bearing live in tests/realworld/projects.py.\n\n"
        f"Machine: {document['machine']}. Measuring all of it took {total_seconds(rows)} s\n"
        "(each project's pristine run, then both tools and their test runs per selection).\n\n"
        "Selections: `F401` = `--isolated --select F401`; `wide` = the project's own ruff\n"
        "configuration `--extend-select I,UP` (plus `F811,TC` where it type-annotates)\n"
        "`--unsafe-fixes`. *Broken*: tests that passed in the pristine tree (same path, same\n"
        "venv) and then fail, error, are skipped, or are no longer collected. Import lines\n"
        "removed: lines `import`/`from` of the pristine files that are gone after the fix\n"
        "(a kept line with a `# noqa` added is not gone; moved lines are not counted).\n"
        "A collection error ends pytest's run (its default), so every test of that run\n"
        "then counts as vanished. *kept*: safefix's own count of imports it kept. Times: one\n"
        "cold run of each tool (`--no-cache`) on a machine shared with other work.\n\n"
        + summary(rows)
        + HEADER
        + "".join(table_row(r) for r in rows)
        + "\n## Removal rate (issue #16)\n\n"
        + RATE
        + rate_rows(rows)
        + "\n## The projects\n\n| project | why it is here | tests run (pytest arguments) |\n"
        + "|---|---|---|\n"
        + "".join(
            f"| {p['name']} {p['version']} | {p['shape']} | `{p['tests']}` |\n"
            for p in document.get("projects", [])
        )
        + "\n## Tests broken after safefix\n\n"
        + failures(rows)
        + ("\n## Tool errors and files left unchanged\n\n" + "".join(errors) if errors else "")
    )
