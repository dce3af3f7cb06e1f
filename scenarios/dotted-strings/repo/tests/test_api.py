import importlib
from unittest import mock

import app.api
import pytest


def test_patch():
    with mock.patch("app.api.json"):
        pass


def test_patch_object():
    with mock.patch.object(app.api, "getcwd"):
        pass


def test_monkeypatch(monkeypatch):
    monkeypatch.setattr("app.api.urlparse", lambda url: url)
    monkeypatch.setattr(app.api, "dedent", lambda text: text)


def test_dynamic():
    module = importlib.import_module("app.api")
    assert getattr(module, "quote")
    api = pytest.importorskip("app.api")
    assert api.b64encode
