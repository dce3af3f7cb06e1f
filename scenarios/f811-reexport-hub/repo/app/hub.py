"""The hub re-exports the current handler; v2 replaced v1 but the old import was left in."""

from app.v1 import handler
from app.v2 import handler
