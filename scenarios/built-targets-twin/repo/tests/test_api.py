from unittest import mock

MODULE = "app.settings"
MODULE_NAME = "app.api"


def test_settings_fetch():
    with mock.patch(f"{MODULE}.fetch"):
        pass


def test_module_name():
    assert f"{MODULE_NAME}" == "app.api"


def test_unknown(target="app"):
    return f"{target}.retry"
