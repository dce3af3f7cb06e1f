"""The service entry point.

Routers import shared state from here lazily, inside their handlers, to dodge an import cycle:
app.main imports the routers, and the routers need app.main's settings.
"""

import os
import sys
import json
from collections import OrderedDict

from app.db import make_pool
from app.settings import KEEPALIVE, SEEN_TTL, DEBUG
from app.db import pool as _db_pool

from app.routers import health, users


def create_app():
    return {"routes": [health.check, users.get_user]}
