from app.types import Sequence


def names(items: Sequence[str]) -> list[str]:
    return list(items)
