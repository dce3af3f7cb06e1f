import maps


def cells() -> int:
    return maps.grid.SIZE**2
