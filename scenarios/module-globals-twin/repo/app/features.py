import pytest
from os.path import join as path_join
from string import Template

HAS_X = True


@pytest.mark.skipif("not HAS_X")
def test_x():
    assert globals()["HAS_X"]
    assert eval("'path_join Template'")  # a string literal, not names
