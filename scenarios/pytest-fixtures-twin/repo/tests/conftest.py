import os

from .fixtures import db, user
