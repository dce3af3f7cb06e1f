from acme.core.text import normalize


def clean(value):
    return normalize(value)
