from app.compat import CACHE, Dict

#: The mapping types a view accepts.
ACCEPTED = (Dict, dict)


def counts() -> dict[str, int]:
    return CACHE
