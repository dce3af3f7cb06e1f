__all__ = ["create_random_state", "flatten"]


def create_random_state(seed=None):
    return seed or 0


def flatten(items):
    return [x for item in items for x in item]
