import pytest


def test_value():

    with pytest.raises(ValueError):

        int("x")
