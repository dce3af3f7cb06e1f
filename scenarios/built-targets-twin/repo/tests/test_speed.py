import os

import pytest

from app.features import HAS_FAST_JSON

SLOW = "SLOW" in os.environ
NOTE = "not HAS_FAST_JSON"


@pytest.mark.skipif(SLOW, reason=NOTE)
def test_fast():
    pass
