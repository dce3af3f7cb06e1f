"""A stand-in connection pool."""


def make_pool(size):
    return ["conn"] * size


pool = make_pool(4)
