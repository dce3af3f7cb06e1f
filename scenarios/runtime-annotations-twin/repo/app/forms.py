from __future__ import annotations

from typing import NamedTuple

from app import models
from app.models import Group, Role, User
from app.owners import Owner


class Form:
    user: User


class Pair(NamedTuple):
    size: int


def build(group: Group, role: Role, team: "models.Team") -> Form:
    return Form()


def hints():
    return build(None, None, None), Pair(1)


def owner(value: Owner) -> Owner:
    return value
