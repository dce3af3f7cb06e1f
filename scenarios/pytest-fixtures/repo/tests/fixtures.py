import pytest

from app.db import connect


@pytest.fixture
def db() -> dict[str, bool]:
    return connect()


@pytest.fixture
def user() -> dict[str, str]:
    return {"name": "ada"}
