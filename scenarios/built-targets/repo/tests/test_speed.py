import pytest

from app.features import HAS_FAST_JSON

NO_FAST_JSON = "not HAS_FAST_JSON"


@pytest.mark.skipif(NO_FAST_JSON, reason="needs the fast json")
def test_fast():
    pass
