"""The project's fixtures and hooks, registered through the plugin modules beside it."""

import pytest


@pytest.fixture
def db() -> dict[str, bool]:
    return {"connected": True}


@pytest.fixture
def client() -> str:
    return "client"


@pytest.fixture
def user() -> dict[str, str]:
    return {"name": "ada"}


def configure_markers(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: a slow test")


def report_header(config: pytest.Config) -> str:
    return "app test suite"
