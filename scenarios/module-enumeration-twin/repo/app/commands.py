"""The commands the CLI offers: every function of this module."""

import os as _os

from app.handlers import farewell, greet
