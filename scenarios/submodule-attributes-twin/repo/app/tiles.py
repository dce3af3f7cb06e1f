from maps.grid import SIZE


def tiles() -> int:
    return 4
