import shop.models


def seed() -> str:
    return shop.models.DEFAULT
