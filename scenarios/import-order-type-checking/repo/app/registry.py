class Registry:
    def __init__(self):
        self.items = []

    def add(self, item):
        self.items.append(item)


REGISTRY = Registry()

# the field types register themselves on REGISTRY: import them once it exists
from app.fields import FIELD_TYPES  # noqa: E402

KINDS = tuple(FIELD_TYPES)
