"""Import statements found in bytes, without a parse: which changed files need one.

Most files ruff changes keep every import (it re-sorted, merged or re-wrapped them, or fixed
something else): `same_imports` says so from the bytes. For the rest, `import_section` cuts
the part of the file that holds the module-level imports, so only that part is parsed.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

from safefix.bindings import parse

#: Import statements, parenthesised ones whole, with their indentation (so a move into or out
#: of a block counts as a change). Comments inside parentheses cannot hold ")" here; a stray
#: one only makes two versions look different, which costs a parse, never a missed removal.
_IMPORT_STATEMENT = re.compile(
    rb"^(?:\xef\xbb\xbf)?[ \t]*(?:from[ \t]+[\w.]+[ \t]+import[ \t]*(?:\([^)]*\)|(?:[^\\\n]|\\\r?\n|\\.)*)"
    rb"|import[ \t](?:[^\\\n]|\\\r?\n|\\.)*)",
    re.MULTILINE,
)


def line_matches(
    source: bytes, hits: Iterable[int], pattern: re.Pattern[bytes]
) -> Iterator[re.Match[bytes]]:
    """`pattern`, which starts at a line start, matched on just the lines that hold a hit
    (positions in increasing order), each line once and none inside an earlier match.

    Several times faster than `pattern.finditer(source)` for a `^` pattern under MULTILINE,
    which `re` tries at every byte.
    """
    done = -1
    for position in hits:
        start = source.rfind(b"\n", 0, position) + 1
        if start > done:
            match = pattern.match(source, start)
            done = start if match is None else match.end()
            if match is not None:
                yield match


_IMPORT_WORD = re.compile(rb"import")


def statement_matches(source: bytes) -> Iterator[re.Match[bytes]]:
    """`_IMPORT_STATEMENT.finditer(source)`: every statement has `import` on its first line."""
    hits = (hit.start() for hit in _IMPORT_WORD.finditer(source))
    return line_matches(source, hits, _IMPORT_STATEMENT)


def _statements(source: bytes) -> list[bytes]:
    return [match.group() for match in statement_matches(source)]


def same_imports(before: bytes, after: bytes) -> bool:
    """Whether both versions import the same names the same way, cheaply, without parsing:
    the same multiset of (indentation, module, name, alias).

    If so, no binding can have been removed or moved: sorting (I001) reorders, merges, splits
    and re-wraps statements but keeps every alias; every other way ruff loses a name edits,
    moves or deletes one.
    """
    old, new = _statements(before), _statements(after)
    if Counter(old) == Counter(new):
        return True  # the common case, without normalising
    return _imported(old) == _imported(new)


def lost_nested_imports(before: bytes, after: bytes) -> bool:
    """Whether an indented import statement (in a function, a `with`, a `try`...) lost a name.

    Every import whose execution is the point stands in some block: inside `pytest.raises`, a
    probe's `try`, a function that is nothing but the import. Where none lost a name, no such
    import can have been removed, and the whole files need no closer look.
    """
    old = _imported(s for s in _statements(before) if s[:1] in b" \t")
    new = _imported(s for s in _statements(after) if s[:1] in b" \t")
    return bool(old - new)


def _imported(statements: Iterable[bytes]) -> Counter[bytes]:
    return Counter(alias for statement in statements for alias in _aliases(statement))


_COMMENT = re.compile(rb"#[^\n]*")
_SPACE = re.compile(rb"\s+")


def _aliases(statement: bytes) -> list[bytes]:
    """One token per imported name; text after a `;` that is not an import stays as it is."""
    text = statement.removeprefix(b"\xef\xbb\xbf")
    indent = text[: len(text) - len(text.lstrip(b" \t"))]
    text = _SPACE.sub(b" ", _COMMENT.sub(b"", text).replace(b"\\", b" "))
    tokens = []
    for part in text.split(b";"):
        words = part.replace(b"(", b" ").replace(b")", b" ").split(b" import ", 1)
        head = words[0].split()
        if len(words) == 2 and len(head) == 2 and head[0] == b"from":
            prefix, names = indent + b"from " + head[1] + b" ", words[1]
        elif part.strip().startswith(b"import "):
            prefix, names = indent + b"import ", part.strip()[len(b"import ") :]
        else:
            tokens.append(indent + part.strip())
            continue
        tokens += [
            prefix + b" ".join(alias.split()) for alias in names.split(b",") if alias.strip()
        ]
    return tokens


_TOP_LEVEL_CODE = re.compile(rb"^[^\s#]", re.MULTILINE)
#: A top-level statement whose body's imports bind nothing at module level.
_SCOPE_HEADER = re.compile(rb"(?:async[ \t]+)?def[ \t]|class[ \t(:]")
#: Where the module-level analysis needs more than the leading import section.
WHOLE_FILE = re.compile(rb"def[ \t]+__getattr__|ImportError|ModuleNotFoundError")


def _section(source: bytes, matches: Sequence[re.Match[bytes]]) -> bytes:
    if not matches:
        return b""
    following = _TOP_LEVEL_CODE.search(source, matches[-1].end())
    return source if following is None else source[: following.start()]


def import_section(source: bytes, parsed: set[bytes] | None = None) -> bytes:
    """The top-level statements up to and including the one that holds the last import that
    can bind a module-level name.

    Module-level bindings ruff can take away are imports, and imports usually open a module:
    parsing just this section instead of the whole file is what keeps a run over thousands
    of changed files fast. Statements after it bind nothing ruff removes.

    Imports inside a top-level `def` or `class` body bind nothing at module level, and in
    large modules (test files above all) they are what makes a plain section most of the file.
    A column-0 `def`/`class` line is such a body's header unless it is text inside a string
    that spans lines; that string would then close between the header and the imports, so
    where that stretch holds a triple quote, a backslash-newline or a quote on the header line,
    it must parse by itself (a string's closing quotes left unmatched do not), or the section
    ends at the last import. `parsed` remembers the stretches already parsed.
    """
    matches = list(statement_matches(source))
    starts = [match.start() for match in matches]
    reverse = source[::-1]
    kept = len(matches)
    while kept:
        match = matches[kept - 1]
        if source[match.start() : match.start() + 1] not in b" \t":
            break  # a column-0 import
        header = _header_above(source, reverse, match.start())
        if header < 0 or not _SCOPE_HEADER.match(source, header):
            break
        if not _is_header(source, header, match.end(), parsed):
            return _section(source, matches)
        kept = bisect.bisect_left(starts, header)  # the header's body holds all of them
    return _section(source, matches[:kept])


#: In the reversed text: the first character of a line that starts at column 0 with code.
_LINE_START_REVERSED = re.compile(rb"[^\s#]\n")
_UNSURE = re.compile(rb'"""|\'\'\'|\\\r?\n')
#: A column-0 line that closes a bracket: in formatted code, the end of a `def`'s signature.
_CLOSING = re.compile(rb"[)\]}]")


def _header_above(source: bytes, reverse: bytes, position: int) -> int:
    """Where the nearest column-0 line above `position` that opens a statement starts (-1 if
    none): the closing `):` of a signature split over lines is passed over to its `def`."""
    size = len(source)
    while True:
        found = _LINE_START_REVERSED.search(reverse, size - position)
        if found is None:
            return -1
        line = size - found.end() + 1
        if not _CLOSING.match(source, line):
            return line
        position = line


def _is_header(source: bytes, header: int, end: int, parsed: set[bytes] | None) -> bool:
    """Whether the column-0 `def`/`class` line at `header` starts a real body that runs at
    least to `end` (see `import_section`).

    Where the stretch between them could hide the end of a string, one text must parse: the
    stretch, the whole top-level statement, or everything above the header (which then ends
    between statements), tried smallest first. A stretch cut inside a `try` block, say, does
    not parse alone; the statement or the text above it may, at a fraction of the whole file.
    """
    stretch = source[header:end]
    first_line = stretch.split(b"\n", 1)[0]
    if not _UNSURE.search(stretch) and b"'" not in first_line and b'"' not in first_line:
        return True
    following = _TOP_LEVEL_CODE.search(source, end)
    statement = source[header : following.start()] if following else source[header:]
    return any(
        _parses(text, parsed)
        for text in sorted({stretch, statement, source[:header]}, key=len)
        if text
    )


def _parses(text: bytes, parsed: set[bytes] | None) -> bool:
    if parsed is not None and text in parsed:
        return True
    try:
        parse(text)
    except SyntaxError:
        return False
    if parsed is not None:
        parsed.add(text)
    return True
