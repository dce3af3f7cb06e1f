from app.testing.fixtures import pytest_configure

pytest_plugins = ["app.testing.user_plugin"]
