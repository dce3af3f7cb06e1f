import os

from app.testing.fixtures import db
