"""The pure part of `make realworld` (tests/realworld/junit.py): junit XML in, broken tests out."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_SPEC = importlib.util.spec_from_file_location(
    "realworld_junit", Path(__file__).parent / "realworld" / "junit.py"
)
assert _SPEC is not None and _SPEC.loader is not None
junit = importlib.util.module_from_spec(_SPEC)
sys.modules["realworld_junit"] = junit
_SPEC.loader.exec_module(junit)

PRISTINE = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="6">
  <testcase classname="tests.test_a" name="test_ok" time="0.01"/>
  <testcase classname="tests.test_a" name="test_breaks" time="0.01"/>
  <testcase classname="tests.test_a" name="test_was_failing" time="0.01">
    <failure message="AssertionError: old">trace</failure>
  </testcase>
  <testcase classname="tests.test_b.TestX" name="test_gone[1]" time="0.01"/>
  <testcase classname="tests.test_a" name="test_skips" time="0.01"/>
  <testcase classname="tests.test_a" name="test_errors" time="0.01"/>
</testsuite></testsuites>
"""

AFTER = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="6">
  <testcase classname="tests.test_a" name="test_ok" time="0.01"/>
  <testcase classname="tests.test_a" name="test_breaks" time="0.01">
    <failure message="NameError: name 'helper' is not defined&#10;more">trace</failure>
  </testcase>
  <testcase classname="tests.test_a" name="test_was_failing" time="0.01">
    <error message="ImportError: still broken">trace</error>
  </testcase>
  <testcase classname="tests.test_a" name="test_skips" time="0.01">
    <skipped type="pytest.skip" message="requires pkg.codec">skip</skipped>
  </testcase>
  <testcase classname="tests.test_a" name="test_errors" time="0.01">
    <failure message="assert 1 == 2">trace</failure>
  </testcase>
  <testcase classname="tests.test_a" name="test_errors" time="0.01">
    <error message="failed on teardown with &quot;KeyError&quot;">trace</error>
  </testcase>
  <testcase classname="" name="tests.test_b" time="0.00">
    <error message="collection failure">ImportError</error>
  </testcase>
</testsuite></testsuites>
"""


def test_parse_keeps_the_worst_status_and_the_first_message_line() -> None:
    outcomes = junit.parse_junit(AFTER)
    assert outcomes["tests.test_a::test_breaks"] == junit.Outcome(
        "failed", "NameError: name 'helper' is not defined"
    )
    assert outcomes["tests.test_a::test_errors"].status == "error"
    assert outcomes["tests.test_a::test_ok"] == junit.Outcome("passed")
    assert outcomes["tests.test_b"].status == "error"


def test_compare_sorts_every_worsened_test_into_one_category() -> None:
    comparison = junit.compare(junit.parse_junit(PRISTINE), junit.parse_junit(AFTER))
    assert comparison == junit.Comparison(
        failing=("tests.test_a::test_breaks",),
        errored=("tests.test_a::test_errors", "tests.test_b"),
        vanished=("tests.test_b.TestX::test_gone[1]",),
        skipped=("tests.test_a::test_skips",),
    )
    assert len(comparison.broken) == 5


def test_compare_of_a_tree_with_itself_is_empty() -> None:
    pristine = junit.parse_junit(PRISTINE)
    assert junit.compare(pristine, pristine).broken == ()


@pytest.mark.parametrize(
    ("before", "after", "removed"),
    [
        pytest.param("import os\nx = 1\n", "x = 1\n", ["import os"], id="gone"),
        pytest.param(
            "from a import b, c\n", "from a import b\n", ["from a import c"], id="narrowed"
        ),
        pytest.param(
            "from a import (\n    b,\n    c as d,\n)\n",
            "",
            ["from a import b", "from a import c as d"],
            id="multi-line",
        ),
        pytest.param("import b\nimport a\n", "import a\nimport b\n", [], id="moved-by-isort"),
        pytest.param(
            "from typing import Callable\n",
            "from collections.abc import Callable\n",
            [],
            id="rewritten-by-pyupgrade",
        ),
        pytest.param("from a import b\n", "from a import b  # noqa: F401\n", [], id="kept-noqa"),
        pytest.param("print 'py2'\nimport os\n", "print 'py2'\n", ["import os"], id="no-parse"),
    ],
)
def test_removed_imports(before: str, after: str, removed: list[str]) -> None:
    assert junit.removed_imports(before, after) == removed


def test_a_renamed_parametrised_case_is_compared_as_itself() -> None:
    passed, failed = junit.Outcome("passed"), junit.Outcome("failed", "boom")
    pristine = {"t::f[u'x']": passed, "t::f[u'y']": passed, "t::g[1]": passed}
    after = {"t::f['x']": passed, "t::f['y']": failed}
    comparison = junit.compare(pristine, after)
    assert comparison.failing == ("t::f[u'y']",)
    assert comparison.vanished == ("t::g[1]",)


def test_suspects_are_the_removed_imports_binding_a_quoted_name() -> None:
    removed = ("t/test_a.py: from pkg.util import helper, other", "t/test_a.py: import json")
    message = "NameError: name 'helper' is not defined"
    assert junit.suspects(message, removed) == ("t/test_a.py: from pkg.util import helper, other",)
    assert junit.suspects("assert 1 == 2", removed) == ()
