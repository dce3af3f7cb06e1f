from unittest import mock


def test_pack_is_patchable():
    with mock.patch("glyphs.struct_utils.pack", return_value=b""):
        pass
