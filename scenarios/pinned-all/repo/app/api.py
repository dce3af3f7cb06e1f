import os

from app.models import Model

__all__ = [
    "create",
    "delete",
]


def create():
    return "created"


def delete():
    return "deleted"
