import codecs


def _search(name: str) -> codecs.CodecInfo | None:
    return codecs.lookup("rot13") if name == "shop_rot13" else None


codecs.register(_search)
