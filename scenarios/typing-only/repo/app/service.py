from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.models import Session


def run(session: Session) -> Session:
    return session
