from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import NamedTuple, TypedDict

from app import models
from app.models import Group, Role, User
from app.owners import Owner


@dataclass
class Form:
    user: User


class Pair(NamedTuple):
    group: Group


class Row(TypedDict):
    role: Role


@dataclass
class Membership:
    team: "models.Team"


def hints():
    return [typing.get_type_hints(cls) for cls in (Form, Pair, Row, Membership)]


def owner(value: Owner) -> Owner:
    return value
