import pytest

from json import JSONDecodeError as HAS_FAST_JSON
from os.path import join as path_join
from os.path import split as path_split
from string import Template


@pytest.mark.skipif("not HAS_FAST_JSON")
def test_fast():
    assert True


def build(name):
    return globals()["path_join"]("a", name)


def render():
    return eval("Template('x').substitute()")
