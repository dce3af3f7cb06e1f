import pytest


def test_value():
    import json

    with pytest.raises(ValueError):
        import os

        int("x")
