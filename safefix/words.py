"""Which of a set of words does a text hold, as whole words? The consumer screen's one
question to every file of the project, so its cost is paid per byte of the whole tree.

Two ways to answer, with the same answers: RE2's many-pattern search (`re2.Set`, from the
`google-re2` package) makes one pass of a compiled automaton over the bytes for all the words
at once, in C++; without it, the text is split into words (`translate` and `split`) and the
words intersected with the set, which builds an object for every word of the text and is some
four times slower. A word here is a run of ASCII letters, digits and `_`, as a bytes pattern's
`\\b` sees it: other bytes (non-ASCII ones too) separate words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import Any

#: Bytes that make up a word.
WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
#: Every byte that is not part of a word made a space.
_WORDS_ONLY = bytes(c if c in WORD_BYTES else ord(" ") for c in range(256))

#: RE2's memory budget for the automaton: its states are built as the text needs them and
#: dropped when the budget is spent, so this only has to hold a few states of the largest set.
_RE2_MEMORY = 256 << 20

Finder = Callable[[bytes], frozenset[bytes]]


def finder(
    words: Collection[bytes], markers: Collection[bytes] = (), compiled: bool = True
) -> Finder:
    """A function that tells which of `words` a text holds as whole words, and which of
    `markers` (regular expressions, in the syntax `re` and RE2 share) match in it anywhere,
    reported by their pattern: RE2 answers both in its one pass.

    Words that are not made of word bytes alone can never stand as whole words and are left
    out. `compiled=False` keeps to the plain split (the tests compare the two).
    """
    wanted = frozenset(word for word in words if word and _is_word(word))
    search = _re2_finder(wanted, list(markers)) if compiled and wanted else None
    return search if search is not None else _split_finder(wanted, markers)


def _is_word(word: bytes) -> bool:
    return all(byte in WORD_BYTES for byte in word)


def _split_finder(wanted: frozenset[bytes], markers: Collection[bytes]) -> Finder:
    patterns = [(marker, re.compile(marker)) for marker in markers]

    def search(data: bytes) -> frozenset[bytes]:
        found = wanted.intersection(data.translate(_WORDS_ONLY).split())
        marked = [marker for marker, pattern in patterns if pattern.search(data)]
        return found.union(marked) if marked else found

    return search


def _re2_finder(wanted: frozenset[bytes], markers: list[bytes]) -> Finder | None:
    """RE2's search for `wanted` and `markers`, or None where RE2 is not installed or cannot
    take them.

    RE2 reports a search that ran out of memory as a search that found nothing; so the set is
    tried once on a text that holds every word, and not used unless it finds them all.
    """
    try:
        import re2
    except ImportError:
        return None
    ordered: list[bytes] = sorted(wanted)
    options: Any = re2.Options()
    options.encoding = re2.Options.Encoding.LATIN1  # bytes as they are: no UTF-8 to decode
    options.max_mem = _RE2_MEMORY
    options.log_errors = False
    searcher: Any = re2.Set.SearchSet(options)
    try:
        for word in ordered:
            searcher.Add(rb"\b" + re.escape(word) + rb"\b")
        for marker in markers:
            searcher.Add(marker)
        searcher.Compile()
    except re2.error:
        return None
    match: Callable[[bytes], list[int] | None] = searcher.Match
    found_words = [i for i in match(b" ".join(ordered)) or () if i < len(ordered)]
    if sorted(found_words) != list(range(len(ordered))):
        return None
    ordered += markers  # a hit's index names its pattern

    def search(data: bytes) -> frozenset[bytes]:
        hits = match(data)
        return frozenset([ordered[i] for i in hits]) if hits else frozenset()

    return search
