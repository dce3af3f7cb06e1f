"""The whole-word search of the consumer screen: RE2's answers are the plain split's answers.

The screen drops every file whose bytes hold no removed name, so a word the search misses is a
consumer lost. The two ways of searching must agree on every text, whatever surrounds the
words: punctuation, digits, non-ASCII letters, invalid UTF-8, line ends, the text's edges.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import SCENARIOS, copy_project, run

from safefix.words import finder

WORDS = [b"os", b"re", b"np", b"main", b"models", b"_private", b"x1", b"KEEPALIVE", b"utils"]
#: Pieces a text is made of: the words, words that hold them, and everything between words.
PIECES = [
    *WORDS,
    b"pos",
    b"res",
    b"main_",
    b"models2",
    b"2models",
    b"_",
    b"\xc3\xa9",
    b"\xff",
    b"\xe9",
    b" ",
    b".",
    b"\n",
    b"\r\n",
    b"\t",
    b'"',
    b"#",
    b"\\",
    b"\x00",
    b"import",
    b"from",
    b"*",
]
#: As the consumer screen asks: a star import, a relative import.
MARKERS = [rb"import[ \t]*\*", rb"from[ \t]+\."]


def test_re2_is_installed_and_used() -> None:
    """The declared dependency is there: the fast path is the one that runs."""
    pytest.importorskip("re2", reason="google-re2 has no wheel for this platform")
    search = finder(WORDS)
    assert search.__qualname__.startswith("_re2_finder")


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), max_size=40).map(b"".join),
    st.lists(st.sampled_from(WORDS), unique=True),
)
def test_both_searches_find_the_same_words(text: bytes, words: list[bytes]) -> None:
    expected = frozenset(word for word in words if word in text.replace(b".", b" ").split())
    compiled, plain = finder(words, MARKERS), finder(words, MARKERS, compiled=False)
    assert plain(text) == compiled(text)
    assert expected <= plain(text)  # every word standing alone between spaces is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (b"from pkg import *", {MARKERS[0]}),
        (b"from pkg import\t*", {MARKERS[0]}),
        (b"from .mod import os", {MARKERS[1], b"os"}),
        (b"from\t..pkg import x", {MARKERS[1]}),
        (b"a = b * c  # from x import y", set()),
    ],
)
def test_markers_are_reported_by_their_pattern(text: bytes, found: set[bytes]) -> None:
    assert finder(WORDS, MARKERS)(text) == found
    assert finder(WORDS, MARKERS, compiled=False)(text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (b"import os", {b"os"}),
        (b"os.path", {b"os"}),
        (b"positions = 1", set()),
        (b"\xc3\xa9os\xff", {b"os"}),  # non-ASCII bytes separate words, as `\b` does
        (b"from .models import main", {b"models", b"main"}),
        (b"models2 = _private_ + x10", set()),
        (b"", set()),
        (b"os", {b"os"}),
    ],
)
def test_whole_words_only(text: bytes, found: set[bytes]) -> None:
    assert finder(WORDS)(text) == found
    assert finder(WORDS, compiled=False)(text) == found


def test_words_that_cannot_stand_alone_are_never_found() -> None:
    """A word with a dot or a space in it is never a whole word: neither search reports it."""
    words = [b"os.path", b"a b", b"", b"ok"]
    assert finder(words)(b"os.path a b ok") == {b"ok"}
    assert finder(words, compiled=False)(b"os.path a b ok") == {b"ok"}


def test_many_words_at_once() -> None:
    """A large set (a first clean-up's thousands of removed names) compiles and finds them."""
    words = [f"name_{i}".encode() for i in range(20000)]
    text = b" ".join(words[::7]) + b" name_20001 xname_3"
    assert finder(words)(text) == frozenset(words[::7])


#: Without RE2, as where pip has no wheel of it: `import re2` fails in the child.
NO_RE2 = (
    "import runpy, sys; sys.modules['re2'] = None; "
    "sys.argv[0] = 'safefix'; runpy.run_module('safefix', run_name='__main__')"
)


@pytest.mark.parametrize(
    "scenario",
    ["incident", "doctests", "dotted-strings", "star-import", "relative-levels", "module-globals"],
)
def test_without_re2_safefix_decides_the_same(scenario: str, tmp_path: Path) -> None:
    """The fallback search is a real path users run: whole runs give the same report."""
    project = copy_project(SCENARIOS / scenario / "repo", tmp_path / "repo")
    args = ["--diff", "--output-format", "safefix-json", "."]
    with_re2 = run([sys.executable, "-m", "safefix", *args], project)
    without = run([sys.executable, "-c", NO_RE2, *args], project)
    assert with_re2.returncode == without.returncode, without.stderr
    ours, theirs = json.loads(with_re2.stdout), json.loads(without.stdout)
    # the first run leaves ruff's cache warm: the second may let ruff fix from stdin
    assert {**ours, "flow": None} == {**theirs, "flow": None}
    assert json.loads(without.stdout)["files"], "the scenario must exercise the screen"
