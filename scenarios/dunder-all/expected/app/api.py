
from app.models import Model

__all__ = [
    "Model",
    "create",
    "delete",
]


def create():
    return "created"


def delete():
    return "deleted"
