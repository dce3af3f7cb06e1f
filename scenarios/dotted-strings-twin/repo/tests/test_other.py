from unittest import mock

import app.other


def test_patch():
    # same names, other module: app.api's unused imports must still go
    with mock.patch("app.other.json"), mock.patch.object(app.other, "getcwd"):
        pass
    assert getattr(app.other, "PAYLOAD")
    assert "json.dumps" and "app.api" and "os.getcwd"
