"""The `# noqa` comment edit, on text: merging codes into a line's comment.

Shared by the text edit of `restore` and the libcst edits of `restore_cst`, which is why it is
a module of its own (each of them imports it; neither imports the other at load time).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_NOQA = re.compile(
    r"#\s*noqa(?P<colon>:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+|\s+[A-Z]+[0-9]+)*))?",
    re.IGNORECASE,
)


def merge_noqa(comment: str | None, codes: Iterable[str]) -> str | None:
    """Add `codes` to a line's comment, merging into an existing `# noqa` rather than repeating it."""
    wanted = sorted(set(codes))
    if not wanted:
        return comment
    if not comment:
        return f"# noqa: {', '.join(wanted)}"
    match = _NOQA.search(comment)
    if match is None:
        return f"{comment}  # noqa: {', '.join(wanted)}"
    if match["codes"] is None:
        return comment  # a blanket noqa comment already covers every code
    present = {code.upper() for code in re.split(r"[\s,]+", match["codes"]) if code}
    missing = [code for code in wanted if code not in present]
    if not missing:
        return comment
    end = match.end("codes")
    return f"{comment[:end]}, {', '.join(missing)}{comment[end:]}"


def line_with_noqa(line: bytes, col: int, codes: Iterable[str]) -> bytes | None:
    """The line with `codes` merged into its comment; None if it holds more than the statement
    (a `;`, a compound statement's header, a continuation) or is not UTF-8."""
    body = line.rstrip(b"\r\n")
    ending = line[len(body) :]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    code, hash_, comment = text.partition("#")  # import statements hold no strings
    if code[:col].strip() or ";" in code or code.rstrip().endswith("\\"):
        return None
    old = hash_ + comment if hash_ else None
    new = merge_noqa(old, codes)
    if new is None or new == old:
        return line
    kept = code if old else code.rstrip(" \t") + "  "
    return (kept + new).encode("utf-8") + ending
