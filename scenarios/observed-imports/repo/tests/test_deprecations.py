import pytest


def test_old_name_is_deprecated() -> None:
    import os

    with pytest.deprecated_call():
        from app.old import OLD_NAME


def test_future_name_warns() -> None:
    with pytest.warns(FutureWarning):
        from app.old import FUTURE_NAME
