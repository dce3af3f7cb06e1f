import pytest


def test_extra_is_missing() -> None:
    def load() -> bool:
        import not_installed_extra

        return True

    pytest.raises(ImportError, load)
