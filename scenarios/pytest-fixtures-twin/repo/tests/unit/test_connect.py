import pytest


@pytest.mark.parametrize("connect", ["sqlite", "postgres"])
def test_connect(connect: str) -> None:
    assert connect
