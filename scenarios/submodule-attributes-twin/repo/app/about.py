import geo


def version() -> str:
    return geo.VERSION
