import pytest


@pytest.mark.parametrize("db", ["sqlite", "postgres"])
def test_db(db: str) -> None:
    assert db


def test_nothing_asked(tmp_path: str) -> None:
    assert tmp_path
