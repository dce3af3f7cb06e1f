from unittest import mock

from app import api


def test_patch_string():
    with mock.patch("app.api.json", create=True):
        assert api.load() == 1


def test_patch_object():
    with mock.patch.object(api, "json", create=True):
        assert api.load() == 1


def test_patch_multiple():
    with mock.patch.multiple("app.api", json=mock.DEFAULT, create=True):
        assert api.load() == 1


def test_monkeypatch(monkeypatch):
    monkeypatch.setattr("app.api.json", None, raising=False)
    assert api.load() == 1
