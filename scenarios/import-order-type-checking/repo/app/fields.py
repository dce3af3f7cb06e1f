from app.registry import REGISTRY


class Field:
    registry = REGISTRY


FIELD_TYPES = [Field]
