from lib.core import helper, run


def test_core():
    assert run() == "core"
    assert helper() == 42
