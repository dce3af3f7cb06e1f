REGISTRY = {}


def register(name):
    REGISTRY[name] = True
