import contextlib
import unittest

import pytest


def test_extra_is_not_installed():
    with pytest.raises(ImportError):
        import not_installed_extra


class OptionalTests(unittest.TestCase):
    def test_missing_name(self):
        with self.assertRaises(ModuleNotFoundError):
            from not_installed_extra import thing


def test_probe():
    with contextlib.suppress(ImportError):
        import not_installed_extra
        pytest.fail("the extra should not be importable here")
