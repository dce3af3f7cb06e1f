"""A module's top-level code without its definitions' bodies, cut from the bytes.

Whether importing a module has effects depends on its top-level statements only, and most of
a module is the bodies of its functions and classes: parsing just the rest is what keeps
`effects.py` cheap on large modules. The text is cut at lines that start in column 0; each
definition becomes a one-line stub and its other lines blank, so line numbers still hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

#: A line that starts a top-level statement: code in column 0 (a closing bracket in column 0
#: ends a statement that started above).
_STATEMENT_START = re.compile(rb"^(?=[^\s#)\]}])", re.MULTILINE)
#: Clauses that go on with the statement above them.
_CLAUSE = re.compile(rb"(?:else|elif|except|finally)\b")
_DEFINITION = re.compile(rb"(?:async[ \t]+)?(def|class)\b")
_IMPORT = re.compile(rb"(?:import|from)[ \t]")
#: Words that say a call or decorator hands something to a registry, a signal or a router
#: (`effects.registers` reads them; the byte cut below keeps decorators that name one).
REGISTERING = frozenset(
    {
        "register",
        "registers",
        "receiver",
        "connect",
        "subscribe",
        "listen",
        "listens",
        "listener",
        "hook",
        "hookimpl",
        "route",
        "task",
        "command",
        "on",
        "install",
        "plugin",
    }
)
#: A decorator registers with these words too: `@app.get("/")`, `@app.errorhandler(404)`.
DECORATING = REGISTERING | {"get", "post", "put", "patch", "delete", "websocket", "event"}
#: A decorator that names a registering word, as a whole part of a name, or ends like one.
_REGISTERING = re.compile(
    rb"(?i)(?<![a-z0-9])(?:"
    + b"|".join(sorted(word.encode() for word in DECORATING))
    + rb")(?![a-z0-9])|(?:register|errorhandler)(?![a-z0-9])"
)
_CODE = re.compile(rb"^[ \t]*[^\s#]", re.MULTILINE)
_COMMENT_LINE = re.compile(rb"^[ \t]*#[^\n]*", re.MULTILINE)
_DOCSTRING = re.compile(rb'[rRuU]?("""|\'\'\')')
_TRIPLE_QUOTES = re.compile(rb'"""|\'\'\'')
_OPENING, _CLOSING = re.compile(rb"[(\[{]"), re.compile(rb"[)\]}]")
_STRINGS_AND_COMMENTS = re.compile(rb"#[^\n]*|'[^'\n]*'|\"[^\"\n]*\"")


def top_level_code(source: bytes) -> bytes | None:
    """The module with each `def`/`class` reduced to a stub and each decorator that names no
    registering word blanked; None when what is left is imports and stubs (no effect).

    A cut that goes wrong (column-0 text inside a string the quote count missed) leaves text
    that does not parse; the caller then parses the whole module."""
    out: list[bytes] = []
    may_affect = False
    for chunk, whole in _statements(source):
        lines = chunk.count(b"\n")
        definition = _DEFINITION.match(chunk)
        if definition is not None and whole:
            stub = b"def _(): ..." if definition.group(1) == b"def" else b"class _: ..."
            out.append(stub + b"\n" * lines)
        elif chunk.startswith(b"@") and _REGISTERING.search(chunk) is None:
            out.append(b"\n" * lines)
        else:
            out.append(chunk)
            may_affect = may_affect or not _pure(chunk)
    return b"".join(out) if may_affect else None


_FUNCTION = re.compile(rb"(?:async[ \t]+)?def[ \t]+(\w+)")


def functions_stubbed(source: bytes) -> bytes:
    """The module with each top-level function's body cut to `...` (its name still bound, line
    numbers kept): what runs at import time but for the bodies that do not, most of a module.
    The import-order model reads this; a cut that goes wrong does not parse (parse the whole)."""
    out: list[bytes] = []
    for chunk, whole in _statements(source):
        function = _FUNCTION.match(chunk)
        if function is not None and whole:
            out.append(b"def " + function.group(1) + b"(): ..." + b"\n" * chunk.count(b"\n"))
        else:
            out.append(chunk)
    return b"".join(out)


def _pure(chunk: bytes) -> bool:
    """Comments, an import, or a docstring alone: nothing there can be an effect."""
    if _CODE.search(chunk) is None:
        return True
    if _IMPORT.match(chunk):
        return b";" not in chunk
    docstring = _DOCSTRING.match(chunk)
    text = _COMMENT_LINE.sub(b"", chunk).rstrip()
    return docstring is not None and text.endswith(docstring.group(1))


def _statements(source: bytes) -> Iterator[tuple[bytes, bool]]:
    """The text of each top-level statement, from its first line to the next one's; and
    whether it ends at the first column-0 line after it (False: it took in more, which may be
    text in a string or the following statements, the counts cannot tell)."""
    starts = [match.start() for match in _STATEMENT_START.finditer(source)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    pieces = [source[a:b] for a, b in zip(starts, [*starts[1:], len(source)], strict=True)]
    current: list[bytes] = []
    whole = definition = False
    quotes = depth = 0
    for piece in pieces:
        complete = quotes % 2 == 0 and (definition or depth <= 0)
        if current and not (complete and not current[-1].rstrip().endswith(b"\\")):
            whole = False
        elif current and _CLAUSE.match(piece):
            pass  # `else:`, `except ...:` go on with their statement
        else:
            if current:
                yield b"".join(current), whole
            current, whole, quotes, depth = [], True, 0, 0
            definition = _DEFINITION.match(piece) is not None
        current.append(piece)
        quotes += len(_TRIPLE_QUOTES.findall(piece))
        if not definition:  # a body's brackets close before its next column-0 line
            code = _STRINGS_AND_COMMENTS.sub(b"", piece)
            depth += len(_OPENING.findall(code)) - len(_CLOSING.findall(code))
    if current:
        yield b"".join(current), whole
