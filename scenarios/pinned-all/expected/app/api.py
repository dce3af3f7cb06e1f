
from app.models import Model  # noqa: F401

__all__ = [
    "create",
    "delete",
]


def create():
    return "created"


def delete():
    return "deleted"
