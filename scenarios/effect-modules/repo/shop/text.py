import codecs

from shop import textcodec


def encode(text: str) -> str:
    return codecs.encode(text, "shop_rot13")
