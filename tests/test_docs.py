"""The README's claims that must follow the code: its consumer-kind table names every kind."""

from __future__ import annotations

import re
from pathlib import Path

from safefix.types import ConsumerKind

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
#: The section that holds the table, up to the next heading of the same level.
SECTION = re.compile(r"^## What counts as a consumer\n(.*?)(?=^## )", re.DOTALL | re.MULTILINE)


def table_kinds(text: str) -> list[str]:
    """The first cell of each row of the section's `| kind | examples |` table, unquoted."""
    section = SECTION.search(text)
    assert section, "README.md has no '## What counts as a consumer' section"
    return re.findall(r"^\| `([^`]+)` \|", section.group(1), re.MULTILINE)


def test_the_readme_table_lists_every_consumer_kind_once() -> None:
    kinds = table_kinds(README)
    assert sorted(kinds) == sorted(kind.value for kind in ConsumerKind)


def test_a_kind_missing_from_the_table_is_noticed() -> None:
    """The check reads the table itself: a row taken out is a kind missing."""
    row = "| `doctest` |"
    assert row in README
    without = "\n".join(line for line in README.splitlines() if not line.startswith(row))
    assert "doctest" not in table_kinds(without + "\n## End\n")
