from tests.fixtures import user


def test_local(user: dict[str, str]) -> None:
    assert user
