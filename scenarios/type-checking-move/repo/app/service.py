from __future__ import annotations

from app.groups import Group
from app.models import User


def owner(group: Group) -> User:
    return User()
