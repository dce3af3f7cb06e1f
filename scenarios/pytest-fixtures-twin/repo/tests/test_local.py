from tests.fixtures import user


def helper(value: str) -> str:
    return value


def test_local() -> None:
    assert helper("x")
