from acme.core.api import normalize


def clean(value):
    return normalize(value)
