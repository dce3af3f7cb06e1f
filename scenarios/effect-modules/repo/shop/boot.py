import shop
import shop.compat.aliases


def package() -> str:
    return shop.__name__
