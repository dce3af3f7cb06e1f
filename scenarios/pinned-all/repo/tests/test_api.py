import app.api


def test_public_names():
    """The module's public names are pinned: `from app.api import *` exports exactly these."""
    assert app.api.__all__ == ["create", "delete"]
