import warnings

import pytest


def test_old_name_is_deprecated() -> None:
    import os

    with pytest.deprecated_call():
        import json

        warnings.warn("old", DeprecationWarning, stacklevel=1)


def test_value_error() -> None:
    with pytest.raises(ValueError):
        import re

        int("x")
